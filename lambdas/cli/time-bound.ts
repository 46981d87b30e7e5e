/**
 * Reads `--since`/`--until`: a duration back from now (`90s`, `30m`, `24h`, `7d`, `2w`) or an ISO 8601 time.
 * Returns ms since the epoch, or null when the value is neither.
 */
export function parseTimeBound(value: string, nowMs: number): number | null {
  const duration = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(value.trim());
  if (duration) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[duration[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return nowMs - Number(duration[1]) * unit;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
