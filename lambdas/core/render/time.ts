/** Times for readers: to the second, UTC, no milliseconds. Unparsable input (event text) comes back flattened and cut. */
import { cut, flatten } from './escape.js';

/** `2024-07-30T21:31:16.123Z` → `2024-07-30 21:31:16 UTC`; anything unparsable is returned as given. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : cut(flatten(iso), 40);
}

/** How long before the first denial a change was made: `12 min before`, or `seconds before` under half a minute. */
export function formatLeadTime(minutesBefore: number): string {
  return minutesBefore > 0 ? `${minutesBefore} min before` : 'seconds before';
}

/** A span: `2024-07-30 21:31:16–21:31:21 UTC` on one day, both full times otherwise. */
export function formatSpan(fromIso: string, toIso: string): string {
  const from = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(fromIso);
  const to = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})/.exec(toIso);
  if (!from || !to) return `${formatTime(fromIso)} – ${formatTime(toIso)}`;
  if (from[0] === to[0]) return formatTime(fromIso);
  return from[1] === to[1] ? `${from[1]} ${from[2]}–${to[2]} UTC` : `${formatTime(fromIso)} – ${formatTime(toIso)}`;
}
