/**
 * Parses CloudTrail event times. AWS writes `2024-07-30T21:31:21Z`; exports and hand-edited fixtures also carry
 * `2024-07-30 21:31:21` and `2024-07-30 21:31:21.000000000`, which are read as UTC.
 */
const SPACE_SEPARATED = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?$/;

/** Milliseconds since the epoch, or null when the value is missing or not a time. */
export function parseEventTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const spaced = SPACE_SEPARATED.exec(value);
  const iso = spaced ? `${spaced[1]}T${spaced[2]}${spaced[3] ? spaced[3].slice(0, 4) : ''}Z` : value;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Whole minutes since the epoch. */
export const minuteOf = (ms: number): number => Math.floor(ms / 60_000);

/** ISO 8601 of a minute since the epoch. */
export const isoOfMinute = (minute: number): string => new Date(minute * 60_000).toISOString();

/** How far after its arrival an event may be dated before it is distrusted (clock skew allowance). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Whether an event's time can move counters when the clock is the arrival time (the Lambda): `future` when it is
 * dated more than {@link FUTURE_TOLERANCE_MS} after its arrival, `stale` when it is older than `oldestCountedMs`
 * (what the counters still hold), else null. A distrusted event is kept in history, flagged, and counts nowhere.
 */
export function distrustOf(eventMs: number, arrivalMs: number, oldestCountedMs: number): 'future' | 'stale' | null {
  if (eventMs > arrivalMs + FUTURE_TOLERANCE_MS) return 'future';
  if (eventMs < oldestCountedMs) return 'stale';
  return null;
}
