/** The eight bar heights, lowest first. */
export const SPARK_BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * Counts per minute as a sparkline, one character per value, scaled to the largest value.
 *
 * Zero (and anything that is not a positive finite number) is the lowest bar; any positive count is at least the
 * second bar, so a single denial stays visible next to a spike of hundreds.
 *
 * @example sparkline([0, 1, 0, 3, 25]) // '▁▂▁▂█'
 */
export function sparkline(values: readonly number[]): string {
  const clean = values.map((value) => (Number.isFinite(value) && value > 0 ? value : 0));
  const max = Math.max(0, ...clean);
  if (max === 0) return SPARK_BARS[0].repeat(clean.length);
  return clean.map((value) => (value === 0 ? SPARK_BARS[0] : SPARK_BARS[Math.max(1, Math.min(7, Math.ceil((value / max) * 7)))])).join('');
}
