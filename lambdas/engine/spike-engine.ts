/**
 * The spike engine: one batch of CloudTrail records in, alert summaries out. The Lambda handler and `replay` both run
 * it. Storage goes through the {@link DenialStore} port; the rules are pure (`core/spike`).
 *
 * Per batch: classify → drop event ids already stored (at-least-once delivery) → suppress → aggregate per
 * fingerprint in memory → one counter update per fingerprint and hour → decide → save state (optimistic lock) →
 * write history in batches → return the alerts.
 */
import { createHash } from 'node:crypto';
import type { AlertSummary } from '../core/alert.js';
import { classify } from '../core/classify.js';
import { correlateHiddenDenies } from '../core/correlate.js';
import type { Settings } from '../core/config.js';
import { parseEventTime } from '../core/event-time.js';
import { aggregateByFingerprint, buildAlertSummary, type FingerprintBatch, type TimedDenial } from '../core/spike/aggregate.js';
import { decideSpikes, EMPTY_SPIKE_STATE } from '../core/spike/spike-rules.js';
import { BUILT_IN_SUPPRESSIONS, compileSuppressions } from '../core/spike/suppression.js';
import type { CloudTrailRecord, Denial } from '../core/types.js';
import type { Diagnosis } from '../core/iam-policy/diagnose.js';
import { withDiagnosis } from '../core/iam-policy/enrich-alert.js';
import type { DenialStore, FingerprintState, HistoryEntry } from './denial-store.js';
import { StoreError } from './denial-store.js';

/** Counts of one batch. */
export interface BatchStats {
  records: number;
  denials: number;
  /** Denials already processed before (redelivered) or repeated inside the batch. */
  duplicates: number;
  suppressed: number;
  /** Fingerprints this batch touched. */
  fingerprints: string[];
  alerts: number;
}

/** What a batch produced. */
export interface BatchResult {
  alerts: AlertSummary[];
  stats: BatchStats;
}

/** What the engine is built from. */
export interface SpikeEngineDeps {
  store: DenialStore;
  settings: Settings;
  /** The clock, for TTLs and for records without an event time. */
  now: () => number;
  /** Explains an alerting denial against its policies (once per alert, never per denial). */
  diagnose?: (denial: Denial) => Promise<Diagnosis | null> | Diagnosis | null;
}

const COUNTER_TTL_SECONDS = 2 * 86_400;
const MAX_STATE_CONFLICTS = 5;
const FINGERPRINT_CONCURRENCY = 16;
const RECENT_FINGERPRINTS = 10_000;

/** Builds the engine; `processBatch` may be called many times, sequentially or concurrently. */
export function createSpikeEngine(deps: SpikeEngineDeps): { processBatch(records: readonly CloudTrailRecord[]): Promise<BatchResult> } {
  const { store, settings } = deps;
  const suppressionOf = compileSuppressions([...(settings.builtInSuppressions ? BUILT_IN_SUPPRESSIONS : []), ...settings.suppressions]);
  const extraErrorCodes = new Set(settings.extraErrorCodes);

  async function processBatch(records: readonly CloudTrailRecord[]): Promise<BatchResult> {
    const nowMs = deps.now();
    const stats: BatchStats = { records: records.length, denials: 0, duplicates: 0, suppressed: 0, fingerprints: [], alerts: 0 };
    const byId = new Map<string, TimedDenial>();
    const recordOf = new Map<string, CloudTrailRecord>();
    for (const record of records) {
      const denial = classify(record, { extraErrorCodes });
      if (!denial.denied || !denial.fingerprint) continue;
      stats.denials++;
      const eventId = denial.eventId ?? syntheticEventId(record);
      if (byId.has(eventId)) {
        stats.duplicates++;
        continue;
      }
      denial.eventId = eventId; // a fresh object from classify: set in place (a spread of ~30 fields is slow)
      byId.set(eventId, { denial: denial as TimedDenial['denial'], timeMs: parseEventTime(denial.eventTime) ?? nowMs });
      recordOf.set(eventId, record);
    }
    // A KMS denial made on the caller's behalf explains the service's denial beside it: one incident, alerted once.
    const hidden = correlateHiddenDenies([...byId.values()].map((timed) => ({ ...timed, record: recordOf.get(timed.denial.eventId)! })));
    const explainedKms = new Set(hidden.map((pair) => pair.kmsEventId));
    if (byId.size === 0) return { alerts: [], stats };

    const stored = await store.storedEventIds([...byId.keys()]);
    stats.duplicates += stored.size;
    const fresh = [...byId.values()].filter((timed) => !stored.has(timed.denial.eventId));
    const history: HistoryEntry[] = [];
    const alertable: TimedDenial[] = [];
    for (const timed of fresh) {
      const suppressedBy = explainedKms.has(timed.denial.eventId) ? `hidden-deny-of:${timed.denial.correlatedEventId}` : suppressionOf(timed.denial);
      history.push({ denial: timed.denial, timeMs: timed.timeMs, suppressedBy });
      if (suppressedBy) stats.suppressed++;
      else alertable.push(timed);
    }

    const groups = [...aggregateByFingerprint(alertable).values()];
    stats.fingerprints = groups.map((group) => group.fingerprint);
    const alerts: AlertSummary[] = [];
    await forEachLimited(groups, FINGERPRINT_CONCURRENCY, async (group) => {
      alerts.push(...(await countAndDecide(group, nowMs)));
    });
    await store.putHistory(history, Math.floor(nowMs / 1000) + settings.historyDays * 86_400);
    if (deps.diagnose) {
      for (const [index, alert] of alerts.entries()) {
        const sample = groups.find((group) => group.fingerprint === alert.fingerprint)?.sample;
        const diagnosis = sample ? await deps.diagnose(sample) : null;
        if (diagnosis) alerts[index] = withDiagnosis(alert, diagnosis);
      }
    }
    alerts.sort((a, b) => (a.windowStart < b.windowStart ? -1 : a.windowStart > b.windowStart ? 1 : 0));
    stats.alerts = alerts.length;
    return { alerts, stats };
  }

  // What this engine last saw of each fingerprint. A warm Lambda or a replay processes the same fingerprints batch
  // after batch; reusing the state it just wrote saves a read per fingerprint and batch. The conditional write on
  // `version` catches any other writer in between: then the fingerprint is read again.
  const recent = new Map<string, { state: FingerprintState; counts: Map<number, number>; coveredFrom: number }>();

  async function countAndDecide(group: FingerprintBatch, nowMs: number): Promise<AlertSummary[]> {
    const nowSec = Math.floor(nowMs / 1000);
    let allApplied = true;
    for (const [hour, counts] of byHour(group.minuteCounts)) {
      const token = tokenOf(group.fingerprint, hour, group.eventIds);
      allApplied = (await store.addMinuteCounts(group.fingerprint, hour, counts, token, nowSec + COUNTER_TTL_SECONDS)) && allApplied;
    }
    const minutes = [...group.minuteCounts.keys()];
    const fromMinute = Math.min(...minutes) - settings.windowMinutes - 60;
    const batchCount = group.eventIds.length;
    const cached = recent.get(group.fingerprint);
    recent.delete(group.fingerprint);
    for (let attempt = 0; attempt < MAX_STATE_CONFLICTS; attempt++) {
      const useCache = attempt === 0 && allApplied && cached !== undefined && cached.coveredFrom <= fromMinute;
      const { counts, state } = useCache ? { counts: withBatch(cached.counts, group.minuteCounts), state: cached.state } : await store.readFingerprint(group.fingerprint, fromMinute);
      const previous = state ?? newState(group);
      const { decisions, state: spike } = decideSpikes(previous, counts, minutes, state === null, settings);
      const next: FingerprintState = {
        ...previous,
        ...spike,
        firstSeenMs: Math.min(previous.firstSeenMs, group.firstMs),
        lastSeenMs: Math.max(previous.lastSeenMs, group.lastMs),
        totalCount: (state ? previous.totalCount : 0) + batchCount,
        alertCount: previous.alertCount + decisions.length,
        version: (state?.version ?? 0) + 1,
      };
      const saved = await store.saveState(group.fingerprint, next, state ? state.version : null, nowSec + settings.historyDays * 86_400);
      if (!saved) continue; // another writer updated this fingerprint meanwhile: read again and decide again
      remember(group.fingerprint, next, counts, useCache ? cached.coveredFrom : fromMinute);
      return decisions.map((decision) =>
        buildAlertSummary(group, decision, { firstSeenMs: next.firstSeenMs, lastSeenMs: next.lastSeenMs, totalCount: next.totalCount }, counts, settings.windowMinutes),
      );
    }
    throw new StoreError(`alert state of ${group.fingerprint} kept changing under ${MAX_STATE_CONFLICTS} attempts`, group.eventIds);
  }

  function remember(fingerprint: string, state: FingerprintState, counts: Map<number, number>, coveredFrom: number): void {
    // Keep the minutes a later batch can still need (its window and sparkline), and a bounded number of fingerprints.
    const keepFrom = Math.max(...counts.keys(), coveredFrom) - settings.windowMinutes - 120;
    for (const minute of counts.keys()) if (minute < keepFrom) counts.delete(minute);
    if (recent.size >= RECENT_FINGERPRINTS) recent.delete(recent.keys().next().value!);
    recent.set(fingerprint, { state, counts, coveredFrom: Math.max(coveredFrom, keepFrom) });
  }

  return { processBatch };
}

function newState(group: FingerprintBatch): FingerprintState {
  return {
    ...EMPTY_SPIKE_STATE,
    firstSeenMs: group.firstMs,
    lastSeenMs: group.lastMs,
    totalCount: 0,
    alertCount: 0,
    version: 0,
    principalArn: group.sample.principalArn,
    action: group.sample.action,
    resourceFamily: group.sample.resourceFamily,
  };
}

function withBatch(counts: ReadonlyMap<number, number>, batch: ReadonlyMap<number, number>): Map<number, number> {
  const merged = new Map(counts);
  for (const [minute, count] of batch) merged.set(minute, (merged.get(minute) ?? 0) + count);
  return merged;
}

function byHour(minuteCounts: ReadonlyMap<number, number>): Map<number, Map<number, number>> {
  const hours = new Map<number, Map<number, number>>();
  for (const [minute, count] of minuteCounts) {
    const hour = Math.floor(minute / 60);
    let counts = hours.get(hour);
    if (!counts) hours.set(hour, (counts = new Map()));
    counts.set(minute, count);
  }
  return hours;
}

/** The idempotency token of one counter update: the same events for the same bucket give the same token. */
function tokenOf(fingerprint: string, hour: number, eventIds: readonly string[]): string {
  return createHash('sha256').update(`${fingerprint}|${hour}|${eventIds.join(',')}`).digest('base64url').slice(0, 22);
}

/** An id for a record that has no `eventID`: stable over what the record says, so a redelivery gets the same one. */
function syntheticEventId(record: CloudTrailRecord): string {
  const key = JSON.stringify([record.eventTime, record.eventSource, record.eventName, record.requestID, record.userIdentity, record.errorMessage]);
  return `synthetic-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}
