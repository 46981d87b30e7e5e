/**
 * The history writer of the previous layout (before the readable pages), kept as a test fixture: pages keyed by a
 * hash of the principal (`H#<24 hex>`), everything in one gzip JSON attribute `d`, indexed by `byTime` (`tpk`/`tsk`).
 * The upgrade test writes a table with it, then with the new writer, and reads both.
 */
import type { HistoryEntry } from '../../lambdas/engine/denial-store.js';
import { historyRecordOf, principalHashOf, principalKeyOf, spanOf } from '../../lambdas/adapters/history-item.js';
import { jsonPagesOf } from '../../lambdas/adapters/json-pages.js';

/** The old layout's page items for these entries (as the previous `historyPagesOf` made them). */
export function legacyHistoryItemsOf(entries: readonly HistoryEntry[], expiresAtSec: number): Array<Record<string, unknown>> {
  const groups = new Map<string, { principalHash: string; span: string; records: Array<{ eventId: string; json: string }> }>();
  for (const entry of entries) {
    const record = historyRecordOf(entry, expiresAtSec);
    const principalHash = principalHashOf(principalKeyOf(entry.denial.principalArn, entry.denial.accountId));
    const span = spanOf(record.eventTime);
    const key = `${principalHash}|${span}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { principalHash, span, records: [] }));
    group.records.push({ eventId: record.eventId, json: JSON.stringify(record) });
  }
  return [...groups.values()].flatMap(({ principalHash, span, records }) =>
    jsonPagesOf(records).map((page) => ({
      pk: `H#${principalHash}`,
      sk: `${span}#${page.pageId}`,
      tpk: `T#${span.slice(0, 10)}`,
      tsk: `${span}#${principalHash}#${page.pageId}`,
      n: page.entries.length,
      d: page.gzip,
      expiresAt: expiresAtSec,
    })),
  );
}
