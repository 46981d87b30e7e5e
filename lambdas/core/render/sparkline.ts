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

/**
 * The part of a per-minute series worth drawing, or null when a sparkline would show nothing the count does not: fewer
 * than two minutes with denials. Leading quiet minutes are dropped (two kept for context), so a spike at the end of an
 * hour is not 57 flat bars and a peak.
 *
 * @example sparklineWorthShowing([0, 0, 0, 0, 1, 0, 3, 25]) // { bars: '▁▁▂▁▂█', minutes: 6 }
 */
export function sparklineWorthShowing(values: readonly number[]): { bars: string; minutes: number } | null {
  const active = values.map((value, index) => (Number.isFinite(value) && value > 0 ? index : -1)).filter((index) => index >= 0);
  if (active.length < 2) return null;
  const from = Math.max(0, active[0]! - 2);
  const shown = values.slice(from);
  return { bars: sparkline(shown), minutes: shown.length };
}
