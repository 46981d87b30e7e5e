/**
 * What an Athena query costs: $5 per terabyte scanned (10^12 bytes), each query billed at least 10 MB and rounded up
 * to the next megabyte (Athena pricing for SQL queries).
 */

/** US dollars per terabyte scanned. */
export const ATHENA_USD_PER_TB = 5;
const MB = 1_000_000;
const MINIMUM_BILLED_BYTES = 10 * MB;

/** Estimated cost in US dollars of a query that scanned `bytesScanned` bytes (0 before it scanned anything). */
export function estimatedQueryCostUsd(bytesScanned: number): number {
  if (!(bytesScanned > 0)) return 0;
  const billed = Math.max(MINIMUM_BILLED_BYTES, Math.ceil(bytesScanned / MB) * MB);
  return (billed / 1e12) * ATHENA_USD_PER_TB;
}

/** `1.23 GB`, `456 MB`, `2.1 TB`: decimal units, as Athena's console shows data scanned. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

/** `$0.0050`, `$12.34`: cents for sums above a dollar, four decimals below. */
export function formatUsd(usd: number): string {
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}
