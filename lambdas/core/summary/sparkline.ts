const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Counts as a sparkline, one character per value, scaled to the largest; zeros are the lowest bar. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  if (max === 0) return BARS[0]!.repeat(values.length);
  return values.map((value) => (value === 0 ? BARS[0] : BARS[Math.min(7, Math.ceil((value / max) * 7))])).join('');
}
