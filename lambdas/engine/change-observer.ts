/**
 * The {@link RecordObserver} of "what changed": stores every successful authorization change of a batch (the
 * catalogue's calls) before the engine decides, so that an alert of the same batch can already name it.
 */
import type { AuthorizationChange } from '../core/changes/change.js';
import type { ChangeStore } from '../core/changes/change-store.js';
import { extractChange } from '../core/changes/extract.js';
import type { CloudTrailRecord } from '../core/types.js';
import type { RecordObserver } from './alert-enrichment.js';

/** What the observer is built from. */
export interface ChangeObserverDeps {
  store: ChangeStore;
  /** Days a change is kept (DynamoDB TTL); the engine's `historyDays` is a good default. */
  retentionDays: number;
}

/** The changes a batch holds (one per event id). */
export function changesOf(records: readonly CloudTrailRecord[]): AuthorizationChange[] {
  const byId = new Map<string, AuthorizationChange>();
  for (const record of records) {
    const change = extractChange(record);
    if (change && !byId.has(change.eventId)) byId.set(change.eventId, change);
  }
  return [...byId.values()];
}

/** Builds the observer; it rejects when the store does (the batch is then retried, as for denials). */
export function createChangeObserver(deps: ChangeObserverDeps): RecordObserver & { stored(): number } {
  let stored = 0;
  return {
    async observe(records, nowMs) {
      const changes = changesOf(records);
      if (changes.length === 0) return;
      await deps.store.putChanges(changes, Math.floor(nowMs / 1000) + Math.round(deps.retentionDays * 86_400));
      stored += changes.length;
    },
    stored: () => stored,
  };
}
