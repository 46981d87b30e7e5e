/** Small text helpers of the responder messages. */

/** `1 h`, `24 h`, `7 d`, `90 min`. */
export function describeDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48 && Number.isInteger(hours / 24)) return `${hours / 24} d`;
  if (Number.isInteger(hours)) return `${hours} h`;
  return `${Math.round(ms / 60_000)} min`;
}
