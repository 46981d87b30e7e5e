/**
 * Window-wide context of an alert: the top values of who, from where and on what, over every denial of the alert's
 * window (read back from history), not only the batch that crossed the threshold.
 */
import type { TopValues, ValueCount, WindowContext } from '../alert.js';
import { textOf as text } from '../text.js';

/** The fields of a stored denial the context reads. */
export interface ContextRecord {
  sourceIp?: unknown;
  userAgent?: unknown;
  sessionName?: unknown;
  resource?: unknown;
  action?: unknown;
}

/** Values shown per attribute. */
export const TOP_VALUES_SHOWN = 5;
/** Resources without an ARN are counted under this value. */
export const UNKNOWN_RESOURCE = '(unknown)';

/** The top `limit` values of `values` (nulls skipped), what the rest add up to, and how many distinct values. */
export function topValuesOf(values: Iterable<string | null>, limit = TOP_VALUES_SHOWN): TopValues {
  const counts = new Map<string, number>();
  let total = 0;
  for (const value of values) {
    if (value === null) continue;
    total++;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const top: ValueCount[] = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
  return { top, others: total - top.reduce((sum, entry) => sum + entry.count, 0), distinct: counts.size };
}


/** The window context of a set of stored denials (already limited to the alert's window and key). */
export function windowContextOf(records: readonly ContextRecord[]): WindowContext {
  return {
    sourceIps: topValuesOf(records.map((record) => text(record.sourceIp))),
    userAgents: topValuesOf(records.map((record) => text(record.userAgent))),
    sessionNames: topValuesOf(records.map((record) => text(record.sessionName))),
    resources: topValuesOf(records.map((record) => text(record.resource) ?? UNKNOWN_RESOURCE)),
    actions: topValuesOf(records.map((record) => text(record.action))),
  };
}
