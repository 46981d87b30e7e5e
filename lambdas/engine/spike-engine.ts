/**
 * The spike engine: one batch of CloudTrail records in, decided alerts out (persisted in the outbox). The Lambda
 * handler and `replay` both run it. Storage goes through the {@link DenialStore} port; the rules are pure
 * (`core/spike`). Why each step is safe to repeat is in docs/engine.md.
 *
 * ```
 *  observe ─► classify ─► history pages ─► counter sets (ADD) ─► decide ─► state + alert + outbox (one transaction) ─► enrich
 *             (poison     (idempotent)     (idempotent, exact)    (only where a window     (the only commit point:        (best effort;
 *              rejected                                            could alert)             conditional on version)         the outbox keeps the raw alert)
 *              alone)
 * ```
 */
import { createHash } from 'node:crypto';
import type { AlertReason, AlertScope, AlertSummary } from '../core/alert.js';
import { forEachLimited } from '../core/batching.js';
import { classify, type ClassifyOptions } from '../core/classify.js';
import { correlateHiddenDenies } from '../core/correlate.js';
import type { Settings } from '../core/config.js';
import { distrustOf, minuteOf, parseEventTime } from '../core/event-time.js';
import type { Diagnosis } from '../core/iam-policy/diagnose.js';
import { withDiagnosis } from '../core/iam-policy/enrich-alert.js';
import { aggregateByFingerprint, buildAlertSummary, type FingerprintBatch, type TimedDenial } from '../core/spike/aggregate.js';
import { decideCardinality } from '../core/spike/cardinality.js';
import { decideSpikes, EMPTY_SPIKE_STATE, windowCount, type SpikeDecision } from '../core/spike/spike-rules.js';
import { BUILT_IN_SUPPRESSIONS, compileSuppressions } from '../core/spike/suppression.js';
import { ownRoleNotice, ownRoleOf, type OwnRoleNotice, type OwnRoles } from '../core/service-rules/own-roles.js';
import { UNKNOWN_RESOURCE, windowContextOf, type ContextRecord } from '../core/spike/window-context.js';
import type { CloudTrailRecord, Denial } from '../core/types.js';
import type { AlertEnricher, AlertSource, RecordObserver } from './alert-enrichment.js';
import type { AlertRecord, DenialStore, HistoryEntry, HistoryRecord, KeyState, MinuteMembers } from './denial-store.js';
import { StoreError } from './denial-store.js';

/** Counts of one batch. */
export interface BatchStats {
  records: number;
  denials: number;
  /** Denials already counted before (redelivered) or repeated inside the batch. */
  duplicates: number;
  suppressed: number;
  /** Denials kept in history but not counted: dated in the future or older than the counters (arrival clock). */
  untrusted: number;
  /** Records that could not be processed at all (poison); returned in `rejected`, never failing the batch. */
  rejected: number;
  /** Fingerprints this batch touched. */
  fingerprints: string[];
  alerts: number;
}

/** A record the engine could not process, with why. */
export interface RejectedRecord {
  index: number;
  error: string;
  record: CloudTrailRecord;
}

/** What a batch produced. */
export interface BatchResult {
  /** Alerts decided by this batch, persisted in the outbox and enriched. */
  alerts: AlertSummary[];
  stats: BatchStats;
  rejected: RejectedRecord[];
}

/** What the engine is built from. */
export interface SpikeEngineDeps {
  store: DenialStore;
  settings: Settings;
  /** The clock: arrival time, TTLs, records without an event time. */
  now: () => number;
  /**
   * `event` (replay, the default): event time is the clock, so a back-test alerts as live traffic did. `arrival` (the
   * Lambda): an event dated more than 5 minutes after its arrival, or older than the counters hold, is kept in history
   * flagged and moves nothing.
   */
  clock?: 'event' | 'arrival';
  /** Run in order on each decided alert; one that throws leaves the alert unchanged. */
  enrichers?: readonly AlertEnricher[];
  /** See every record of a batch before decisions. */
  observers?: readonly RecordObserver[];
  /** Decide alerts of their own (blinding changes); their alerts come first in a batch's. */
  alertSources?: readonly AlertSource[];
  /**
   * The classifier, `core/classify.ts`'s by default. Replay's hands back what it classified while the batch was being
   * read (`replay/early-classifier.ts`). Each call must return an object of its own: the engine sets fields on it.
   */
  classify?: (record: CloudTrailRecord, options: ClassifyOptions) => Denial;
  /** Records that are no denial of their own (the alerter's canary): observers see them; never classified or counted. */
  ignore?: (record: CloudTrailRecord) => boolean;
  /** Explains an alerting denial against its policies (becomes the first enricher). */
  diagnose?: (denial: Denial) => Promise<Diagnosis | null> | Diagnosis | null;
  log?: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
  /** Waits between conflicting decision attempts; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** The alerter's own roles: their denials are kept in history, never counted, and reported once per batch. */
  ownRoles?: OwnRoles;
  /** Receives one operations notice per own-role key and batch. @default a `warn` log line */
  onOwnRoleDenial?: (notice: OwnRoleNotice) => Promise<void> | void;
}

/** The engine's surface. */
export interface SpikeEngine {
  processBatch(records: readonly CloudTrailRecord[]): Promise<BatchResult>;
  /** Runs the enrichers on an alert (used by the outbox for alerts persisted before enrichment). */
  enrich(record: Pick<AlertRecord, 'alert' | 'sample'>, nowMs: number): Promise<AlertSummary>;
}

/** Minutes of counts the engine relies on; counters live a little longer (their TTL). */
export const COUNTER_HORIZON_MINUTES = 48 * 60;
const COUNTER_TTL_SECONDS = 72 * 3_600;
const MAX_DECISION_ATTEMPTS = 12;
const KEY_CONCURRENCY = 32;
const SPARKLINE_MINUTES = 60;
const KNOWN_STATES = 10_000;

type KeyKind = 'fingerprint' | 'principal-action' | 'principal';

/** One counter key of a batch: its members per minute and what an alert on it says. */
interface KeyBatch {
  kind: KeyKind;
  /** Partition key of the counters and state. */
  key: string;
  /** Id in alerts (`fingerprint` field). */
  id: string;
  members: Map<number, string[]>;
  group: FingerprintBatch;
}

/** Builds the engine; `processBatch` may be called many times, sequentially or concurrently. */
export function createSpikeEngine(deps: SpikeEngineDeps): SpikeEngine {
  const { store, settings } = deps;
  const clock = deps.clock ?? 'event';
  const log = deps.log ?? (() => undefined);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const suppressionOf = compileSuppressions([...(settings.builtInSuppressions ? BUILT_IN_SUPPRESSIONS : []), ...settings.suppressions]);
  const extraErrorCodes = new Set(settings.extraErrorCodes);
  const classifyRecord = deps.classify ?? classify;
  const enrichers: AlertEnricher[] = [...(deps.diagnose ? [diagnosisEnricher(deps.diagnose)] : []), ...(deps.enrichers ?? [])];

  async function processBatch(records: readonly CloudTrailRecord[]): Promise<BatchResult> {
    const nowMs = deps.now();
    const stats: BatchStats = { records: records.length, denials: 0, duplicates: 0, suppressed: 0, untrusted: 0, rejected: 0, fingerprints: [], alerts: 0 };
    const rejected: RejectedRecord[] = [];
    // Observers (what changed: its own writes) run beside classifying, history and counting; every decision waits for
    // them before it commits, so an alert's enrichment always finds what they stored.
    const observed = Promise.all(
      (deps.observers ?? []).map(async (observer) => {
        try {
          await observer.observe(records, nowMs);
        } catch (error) {
          log('warn', 'a record observer failed; the batch goes on', { error: (error as Error).message });
        }
      }),
    );

    // Alert sources commit their own alerts (exactly once per event); a failure fails the batch, after the rest.
    const sourced = Promise.all((deps.alertSources ?? []).map((source) => source.decide(records, nowMs))).then((lists) => lists.flat());
    sourced.catch(() => undefined); // awaited below

    const byId = new Map<string, TimedDenial>();
    const recordOf = new Map<string, CloudTrailRecord>();
    records.forEach((record, index) => {
      if (deps.ignore?.(record)) return;
      try {
        const denial = classifyRecord(record, { extraErrorCodes });
        if (!denial.denied || !denial.fingerprint) return;
        stats.denials++;
        const eventId = denial.eventId ?? syntheticEventId(record);
        if (byId.has(eventId)) {
          stats.duplicates++;
          return;
        }
        denial.eventId = eventId; // a fresh object from classify: set in place (a spread of ~30 fields is slow)
        byId.set(eventId, { denial: denial as TimedDenial['denial'], timeMs: parseEventTime(denial.eventTime) ?? nowMs });
        recordOf.set(eventId, record);
      } catch (error) {
        stats.rejected++;
        rejected.push({ index, error: `could not classify: ${(error as Error).message}`.slice(0, 500), record });
      }
    });
    if (byId.size === 0) {
      await observed;
      const alerts = await sourced;
      stats.alerts = alerts.length;
      return { alerts, stats, rejected };
    }

    // A KMS denial made on the caller's behalf explains the service's denial beside it: one incident, alerted once.
    let explainedKms = new Set<string>();
    try {
      const hidden = correlateHiddenDenies([...byId.values()].map((timed) => ({ ...timed, record: recordOf.get(timed.denial.eventId)! })));
      explainedKms = new Set(hidden.map((pair) => pair.kmsEventId));
    } catch (error) {
      log('warn', 'hidden-deny correlation failed; denials are counted on their own', { error: (error as Error).message });
    }

    const oldestCounted = nowMs - (COUNTER_HORIZON_MINUTES - settings.windowMinutes - SPARKLINE_MINUTES) * 60_000;
    const history: HistoryEntry[] = [];
    const counted: TimedDenial[] = [];
    const ownNotices = new Map<string, OwnRoleNotice>();
    for (const timed of byId.values()) {
      const distrust = clock === 'arrival' ? distrustOf(timed.timeMs, nowMs, oldestCounted) : null;
      const ownRole = deps.ownRoles ? ownRoleOf(timed.denial, deps.ownRoles) : null;
      if (ownRole) {
        const notice = ownRoleNotice(timed.denial, ownRole, deps.ownRoles);
        ownNotices.set(notice.key, notice);
      }
      const suppressedBy = ownRole ? `own-role:${ownRole}` : explainedKms.has(timed.denial.eventId) ? `hidden-deny-of:${timed.denial.correlatedEventId}` : suppressionOf(timed.denial);
      history.push({ denial: timed.denial, timeMs: timed.timeMs, suppressedBy, distrust });
      if (distrust) stats.untrusted++;
      else if (suppressedBy) stats.suppressed++;
      else counted.push(timed);
    }

    // 1. History first: an event counted is always in history (window context reads it back).
    await store.putHistory(history, Math.floor(nowMs / 1000) + settings.historyDays * 86_400);
    for (const notice of ownNotices.values()) {
      try {
        if (deps.onOwnRoleDenial) await deps.onOwnRoleDenial(notice);
        else log('warn', notice.message, { ownRole: notice.role, key: notice.key });
      } catch (error) {
        log('error', 'own-role notice not delivered', { key: notice.key, error: (error as Error).message });
      }
    }

    // 2. Counters and decisions per key. Keys fail independently; a failure fails the batch after the others are done
    //    (their alerts are committed and will be delivered from the outbox).
    const groups = [...aggregateByFingerprint(counted).values()];
    stats.fingerprints = groups.map((group) => group.fingerprint);
    const keys = [...fingerprintKeys(groups), ...cardinalityKeys(counted)];
    const decided: AlertRecord[] = [];
    const failures: Error[] = [];
    await forEachLimited(keys, KEY_CONCURRENCY, async (batch) => {
      try {
        const outcome = await countAndDecide(batch, nowMs, observed);
        stats.duplicates += outcome.duplicates;
        decided.push(...outcome.alerts);
      } catch (error) {
        failures.push(error as Error);
      }
    });
    // A store that buffers counters (the embedded replay's sole writer) writes them now: the batch counts once stored.
    try {
      await store.flushCounters?.();
    } catch (error) {
      failures.push(error as Error);
    }
    await observed;

    // 3. Enrich what was decided (the raw alerts are already safe in the outbox).
    const alerts: AlertSummary[] = [];
    for (const record of decided) {
      const enriched = await enrich(record, nowMs);
      alerts.push(enriched);
      try {
        await store.updateAlert({ ...record, alert: enriched, enriched: true }, Math.floor(nowMs / 1000) + settings.historyDays * 86_400);
      } catch (error) {
        log('warn', 'could not store the enriched alert; the outbox keeps the raw one', { alertId: record.alert.alertId, error: (error as Error).message });
      }
    }
    alerts.sort((a, b) => (a.windowStart < b.windowStart ? -1 : a.windowStart > b.windowStart ? 1 : 0));
    // Blinding alerts first: investigate them before anything else.
    alerts.unshift(...(await sourced));
    stats.alerts = alerts.length;
    if (failures.length > 0) {
      throw new StoreError(`${failures.length} of ${keys.length} counter keys failed: ${failures[0]!.message}`, [], { cause: failures[0] });
    }
    return { alerts, stats, rejected };
  }

  async function enrich(record: Pick<AlertRecord, 'alert' | 'sample'>, nowMs: number): Promise<AlertSummary> {
    let alert = record.alert;
    for (const [index, enricher] of enrichers.entries()) {
      try {
        alert = await enricher(alert, { sample: record.sample, nowMs });
      } catch (error) {
        log('warn', 'an alert enricher failed; the alert goes on without it', { enricher: index, alertId: alert.alertId, error: (error as Error).message });
      }
    }
    return alert;
  }

  function fingerprintKeys(groups: readonly FingerprintBatch[]): KeyBatch[] {
    return groups.map((group) => {
      const members = new Map<number, string[]>();
      for (const [minute, ids] of group.minuteEventIds) members.set(minute, ids.map(memberHash));
      return { kind: 'fingerprint' as const, key: `FP#${group.fingerprint}`, id: group.fingerprint, members, group };
    });
  }

  function cardinalityKeys(denials: readonly TimedDenial[]): KeyBatch[] {
    const keys = new Map<string, { kind: KeyKind; id: string; denials: TimedDenial[] }>();
    for (const timed of denials) {
      const principal = timed.denial.principalArn ?? `account:${timed.denial.accountId ?? '-'}`;
      const action = timed.denial.action ?? '-';
      for (const [kind, id] of [
        ['principal-action', `pa-${shortHash(`${principal}|${action}`)}`],
        ['principal', `pr-${shortHash(principal)}`],
      ] as const) {
        let entry = keys.get(id);
        if (!entry) keys.set(id, (entry = { kind, id, denials: [] }));
        entry.denials.push(timed);
      }
    }
    return [...keys.values()].map(({ kind, id, denials: members }) => {
      const group = aggregateByFingerprint(members.map((timed) => ({ ...timed, denial: { ...timed.denial, fingerprint: id } }))).get(id)!;
      const byMinute = new Map<number, string[]>();
      for (const timed of members) {
        const value = kind === 'principal-action' ? `r|${timed.denial.resource ?? UNKNOWN_RESOURCE}` : `a|${timed.denial.action ?? '-'}`;
        push(byMinute, minuteOf(timed.timeMs), memberHash(value));
      }
      return { kind, key: `${kind === 'principal-action' ? 'PA#' : 'PR#'}${id.slice(3)}`, id, members: byMinute, group };
    });
  }

  // What this engine last knew of each key's state: a warm Lambda or a replay meets the same keys batch after batch.
  // A stale entry is safe: an older state can only allow more decisions, never fewer, and the commit is conditional
  // on the version, so a decision over a state that moved on is refused and made again over a fresh read.
  const states = new Map<string, KeyState | null>();
  function remember(key: string, state: KeyState | null): void {
    states.delete(key);
    if (states.size >= KNOWN_STATES) states.delete(states.keys().next().value!);
    states.set(key, state);
  }

  /** Adds a key's members, and decides only where a window could alert. */
  async function countAndDecide(batch: KeyBatch, nowMs: number, observed: Promise<unknown>): Promise<{ alerts: AlertRecord[]; duplicates: number }> {
    const w = settings.windowMinutes;
    const added = await store.addMembers(batch.key, batch.members, Math.floor(nowMs / 1000) + COUNTER_TTL_SECONDS, w - 1);
    let duplicates = 0;
    if (batch.kind === 'fingerprint') {
      for (const [minute, hashes] of batch.members) {
        const before = added.before.get(minute);
        if (before) for (const hash of hashes) if (before.has(hash)) duplicates++;
      }
    }
    const batchMinutes = [...batch.members.keys()].sort((a, b) => a - b);
    const first = batchMinutes[0]!;
    const last = batchMinutes.at(-1)!;
    // The windows this batch can change end anywhere from its first minute to w - 1 minutes after its last; the
    // counter write returned them (its buckets carry the previous bucket's tail), else they are read.
    let members: MinuteMembers = new Map(added.after);
    let knownFrom = Math.min(...added.covered.map(([from]) => from));
    let complete = covers(added.covered, first - w + 1, last + w - 1);
    const readAll = async () => {
      members = merge((await store.readKey(batch.key, first - w + 1, false)).minutes, added.after);
      knownFrom = first - w + 1;
      complete = true;
    };
    // Whether a window could alert needs only the windows the batch changed: those ending within w - 1 minutes after
    // one of its minutes. A sparse key's minutes over hours are many buckets with gaps between them; the buckets still
    // hold each changed window whole, so no read is needed for them.
    if (!complete && !batchMinutes.every((minute) => covers(added.covered, minute - w + 1, minute + w - 1))) await readAll();
    if (!couldAlert(batch, members, changedMinutes(members, batchMinutes, w))) return { alerts: [], duplicates };
    // A decision evaluates every window from the batch's first minute on, and folds from a contiguous past: read it.
    if (!complete) await readAll();

    const horizonStart = last - COUNTER_HORIZON_MINUTES;
    for (let attempt = 0; ; attempt++) {
      const state = attempt === 0 && states.has(batch.key) ? states.get(batch.key)! : await store.readState(batch.key);
      // The baseline folds every complete window since the state's last fold (a new key: since the horizon).
      const foldFrom = Math.max(horizonStart, state?.baselineWindow != null ? (state.baselineWindow + 1) * w : horizonStart);
      let known = members;
      if (batch.kind === 'fingerprint' && foldFrom < knownFrom) {
        known = merge((await store.readKey(batch.key, foldFrom, false)).minutes, members);
        knownFrom = foldFrom;
      }
      const minutes = affectedMinutes(known, first, last + w - 1);
      const previous: KeyState = state ?? {
        ...EMPTY_SPIKE_STATE,
        baselineWindow: batch.kind === 'fingerprint' ? Math.floor(foldFrom / w) - 1 : null,
        firstSeenMs: batch.group.firstMs,
        lastSeenMs: batch.group.lastMs,
        alertCount: 0,
        version: 0,
      };
      const decided = decide(batch, previous, known, minutes, state === null && isFirstSight(known, batch));
      const next: KeyState = {
        ...previous,
        ...decided.state,
        firstSeenMs: Math.min(previous.firstSeenMs, batch.group.firstMs),
        lastSeenMs: Math.max(previous.lastSeenMs, batch.group.lastMs),
        alertCount: previous.alertCount + decided.decisions.length,
        version: (state?.version ?? 0) + 1,
      };
      // Without a decision, the state is worth a write only when its baseline moved (a fingerprint's fold).
      const worthSaving = decided.decisions.length > 0 || (batch.kind === 'fingerprint' && (state === null || next.baselineWindow !== previous.baselineWindow));
      if (!worthSaving) {
        remember(batch.key, state);
        return { alerts: [], duplicates };
      }
      const alerts: AlertRecord[] = [];
      if (decided.decisions.length > 0) {
        // The alert's sparkline (an hour) and totals (the horizon): read only now, for alerts.
        const earliest = Math.min(...decided.decisions.map((decision) => decision.minute)) - COUNTER_HORIZON_MINUTES;
        if (earliest < knownFrom) {
          known = merge((await store.readKey(batch.key, earliest, false)).minutes, known);
          knownFrom = earliest;
        }
        const counts = countsOf(known);
        for (const decision of decided.decisions) {
          alerts.push({ alert: await buildAlert(batch, decision, previous, counts), sample: batch.group.sample, enriched: false, delivered: [], deadLettered: [], createdMs: nowMs });
        }
      }
      const ttl = Math.floor(nowMs / 1000) + settings.historyDays * 86_400;
      await observed;
      if (await store.commitDecision(batch.key, next, state ? state.version : null, alerts, ttl)) {
        remember(batch.key, next);
        return { alerts, duplicates };
      }
      states.delete(batch.key);
      // Another writer moved the state meanwhile. Without a decision over the older state there is none over the newer
      // one: done. With one, wait a jittered moment, read again, decide again.
      if (decided.decisions.length === 0) return { alerts: [], duplicates };
      if (attempt + 1 >= MAX_DECISION_ATTEMPTS) throw new StoreError(`the decision on ${batch.id} kept conflicting over ${MAX_DECISION_ATTEMPTS} attempts`);
      await sleep(Math.min(1_000, 20 * 2 ** attempt) * Math.random());
    }
  }

  function couldAlert(batch: KeyBatch, members: MinuteMembers, minutes: readonly number[]): boolean {
    if (batch.kind === 'fingerprint') {
      if (settings.alertOnFirstSeen) return true;
      const counts = countsOf(members);
      return minutes.some((minute) => windowCount(counts, minute, settings.windowMinutes) >= settings.threshold);
    }
    const threshold = batch.kind === 'principal-action' ? settings.distinctResourcesThreshold : settings.distinctActionsThreshold;
    return decideCardinality(EMPTY_SPIKE_STATE, members, minutes, 'distinct-resources', { ...settings, threshold }).decisions.length > 0;
  }

  function decide(
    batch: KeyBatch,
    previous: KeyState,
    members: MinuteMembers,
    minutes: readonly number[],
    firstSight: boolean,
  ): { decisions: Array<SpikeDecision | { reason: AlertReason; minute: number; count: number; baseline: number }>; state: Partial<KeyState> } {
    if (batch.kind === 'fingerprint') return decideSpikes(previous, countsOf(members), minutes, firstSight, settings);
    const reason = batch.kind === 'principal-action' ? 'distinct-resources' : 'distinct-actions';
    const threshold = reason === 'distinct-resources' ? settings.distinctResourcesThreshold : settings.distinctActionsThreshold;
    const result = decideCardinality(previous, members, minutes, reason, { ...settings, threshold });
    return { decisions: result.decisions.map((decision) => ({ reason, minute: decision.minute, count: decision.distinct, baseline: 0 })), state: result.state };
  }

  async function buildAlert(
    batch: KeyBatch,
    decision: { reason: AlertReason; minute: number; count: number; baseline: number },
    state: KeyState,
    counts: Map<number, number>,
  ): Promise<AlertSummary> {
    const w = settings.windowMinutes;
    let totalCount = 0;
    let firstMinute = Infinity;
    for (const [minute, count] of counts) {
      if (minute > decision.minute || minute <= decision.minute - COUNTER_HORIZON_MINUTES) continue;
      totalCount += count;
      firstMinute = Math.min(firstMinute, minute);
    }
    const totals = {
      firstSeenMs: Math.min(state.firstSeenMs, batch.group.firstMs, Number.isFinite(firstMinute) ? firstMinute * 60_000 : Infinity),
      lastSeenMs: Math.max(state.lastSeenMs, batch.group.lastMs),
      totalCount,
    };
    const alert = buildAlertSummary(batch.group, decision, totals, counts, w);
    alert.scope = batch.kind as AlertScope;
    if (batch.kind !== 'fingerprint') {
      alert.resource = batch.kind === 'principal-action' ? alert.resource : null;
      alert.resourceFamily = batch.kind === 'principal-action' ? alert.resourceFamily : null;
    }
    try {
      const windowStartMs = (decision.minute - w + 1) * 60_000;
      const records = await store.historyOfPrincipal(batch.group.sample.principalArn, batch.group.sample.accountId, windowStartMs, (decision.minute + 1) * 60_000 - 1);
      const inWindow = records.filter((record) => belongsTo(batch, record) && !record.suppressedBy && !record.distrust);
      if (inWindow.length > 0) {
        alert.windowFirstDenial = inWindow.reduce((first, record) => (record.eventTime < first ? record.eventTime : first), inWindow[0]!.eventTime);
        const window = windowContextOf(inWindow as ContextRecord[]);
        alert.window = window;
        alert.sourceIps = window.sourceIps.top;
        alert.userAgents = window.userAgents.top;
        alert.sessionNames = window.sessionNames.top;
      }
    } catch (error) {
      log('warn', 'window context unavailable; the alert keeps the batch context', { alertId: alert.alertId, error: (error as Error).message });
    }
    return alert;
  }

  function belongsTo(batch: KeyBatch, record: HistoryRecord): boolean {
    if (batch.kind === 'fingerprint') return record.fingerprint === batch.id;
    if (batch.kind === 'principal-action') return record.action === batch.group.sample.action;
    return true;
  }

  return { processBatch, enrich };
}

/** Whether the ranges cover every minute from `from` to `to`. */
function covers(ranges: ReadonlyArray<readonly [number, number]>, from: number, to: number): boolean {
  let next = from;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start > next) return false;
    next = Math.max(next, end + 1);
    if (next > to) return true;
  }
  return next > to;
}

/** Every minute from `from` to `to` (inclusive) that holds members: the window ends this batch may have moved. */
function affectedMinutes(members: MinuteMembers, from: number, to: number): number[] {
  return [...members.keys()].filter((minute) => minute >= from && minute <= to).sort((a, b) => a - b);
}

/** Minutes holding members at which a window the batch changed ends: within w - 1 minutes after a batch minute. */
function changedMinutes(members: MinuteMembers, batchMinutes: readonly number[], w: number): number[] {
  return [...members.keys()].filter((minute) => batchMinutes.some((batchMinute) => minute >= batchMinute && minute <= batchMinute + w - 1)).sort((a, b) => a - b);
}

function countsOf(members: MinuteMembers): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [minute, set] of members) counts.set(minute, set.size);
  return counts;
}

function merge(base: MinuteMembers, overlay: MinuteMembers): MinuteMembers {
  const merged: MinuteMembers = new Map(base);
  for (const [minute, set] of overlay) {
    const existing = merged.get(minute);
    merged.set(minute, existing && existing.size > set.size ? existing : set);
  }
  return merged;
}

/** No state and nothing counted for the key before this batch's own members. */
function isFirstSight(members: MinuteMembers, batch: KeyBatch): boolean {
  const own = new Set([...batch.members.values()].flat());
  for (const set of members.values()) for (const member of set) if (!own.has(member)) return false;
  return true;
}

function push(map: Map<number, string[]>, minute: number, value: string): void {
  const list = map.get(minute);
  if (list) list.push(value);
  else map.set(minute, [value]);
}

/** A 5-byte hash (10 hex characters) of an event id, a resource or an action: a counter member. */
export function memberHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 10);
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 20);
}

/** An id for a record that has no `eventID`: stable over what the record says, so a redelivery gets the same one. */
function syntheticEventId(record: CloudTrailRecord): string {
  let key: string;
  try {
    key = JSON.stringify([record.eventTime, record.eventSource, record.eventName, record.requestID, record.userIdentity, record.errorMessage]);
  } catch {
    key = [record.eventTime, record.eventSource, record.eventName, record.requestID, record.errorMessage].map(String).join('|');
  }
  return `synthetic-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** The policy diagnosis as an enricher. */
export function diagnosisEnricher(diagnose: NonNullable<SpikeEngineDeps['diagnose']>): AlertEnricher {
  return async (alert, { sample }) => {
    const diagnosis = await diagnose(sample);
    return diagnosis ? withDiagnosis(alert, diagnosis) : alert;
  };
}

