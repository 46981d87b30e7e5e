/**
 * {@link DenialStore} held in this process, for runs that keep nothing (`replay --in-memory`, `athena run`, the
 * bench): no emulator to start, no request to serialize. It answers as the DynamoDB adapter does wherever the engine
 * can tell, and `test/contract/` runs the same cases against both:
 * - conditional writes: a decision commits only over the version it read (absent: must not exist), else `false`;
 * - all-or-nothing: a decision's state, alerts and outbox markers are applied together or not at all; more than
 *   {@link TRANSACT_WRITE_ITEMS} actions, or an alert item over {@link MAX_ITEM_BYTES}, is refused whole;
 * - history is written in requests of {@link BATCH_WRITE_ITEMS} items (per principal and 10-minute span, as the
 *   adapter's pages); a failed request names its denials, the others are stored;
 * - counters: the same per-minute caps, 1,000 members per update, `before`/`after`/`covered` per bucket;
 * - TTL: nothing is deleted by its expiry during a run (DynamoDB deletes expired items only eventually, and reads
 *   return them until then); the history query filters expired records, as the adapter does;
 * - order: pending alerts oldest first (creation time, then id), history newest first.
 * A fault plan (`faults`) fails chosen requests before anything of them is applied, as a request that never reached
 * the table: the fault-injection harness runs on this store too.
 *
 * What grows with the input: history records, counter minutes, key states. {@link MemoryDenialStore.forgetBefore}
 * drops what no later decision can read (closed windows, history older than triage's look-back, alerts the outbox is
 * done with).
 */
import { gzipSync } from 'node:zlib';
import type { AlertRecord, CounterAddResult, DenialStore, HistoryEntry, HistoryQuery, HistoryRecord, KeyState, MinuteMembers } from '../../engine/denial-store.js';
import { StoreError } from '../../engine/denial-store.js';
import { HISTORY_FIELDS, historyQueryMatcher, historyRecordOf, principalKeyOf, spanOf } from '../history-item.js';
import { bucketLayoutOf, MAX_CARRIED_MINUTES } from '../table-schema.js';
import { BATCH_WRITE_ITEMS, MAX_ITEM_BYTES, RequestGate, TRANSACT_WRITE_ITEMS, validationError, type MemoryFaultPlan } from './dynamodb-limits.js';

/** Members added per minute and update, as the DynamoDB adapter sends them (bounds the overshoot of a cap). */
const MEMBERS_PER_UPDATE = 1_000;
/** Bytes an alert item carries beside its packed content (keys, status, times): a generous bound. */
const ALERT_ITEM_OVERHEAD_BYTES = 256;

/** Options of the in-process store. */
export interface MemoryDenialStoreOptions {
  /** Fails chosen requests (tests); see {@link MemoryFaultPlan}. */
  faults?: MemoryFaultPlan | null;
}

interface StoredAlert {
  /** The alert and its sample as JSON (what the adapter gzips): a read returns a fresh copy, as DynamoDB does. */
  packed: string;
  enriched: boolean;
  status: 'pending' | 'done';
  createdMs: number;
  delivered: Set<string>;
  deadLettered: Set<string>;
  leaseUntil: number | null;
  expiresAtSec: number;
}

/** What the contract suite reads back: the counterpart of scanning the DynamoDB table. */
export interface MemoryStoreContents {
  /** Members counted per counter key, summed over its minutes. */
  counts: Map<string, number>;
  alerts: Array<{ alertId: string; status: string; delivered: string[]; deadLettered: string[]; alert: AlertRecord['alert'] }>;
  /** Outbox markers left. */
  outboxMarkers: number;
}

/** The engine's storage in this process's memory. */
export class MemoryDenialStore implements DenialStore {
  readonly consumed = { writeUnits: 0, readUnits: 0 };
  /** Counts requests and injects faults. */
  readonly gate: RequestGate;
  /** History records by principal key, then event id. */
  private readonly history = new Map<string, Map<string, HistoryRecord>>();
  /** Counter members by key, then minute. */
  private readonly counters = new Map<string, Map<number, Set<string>>>();
  private readonly states = new Map<string, { state: string; version: number }>();
  private readonly alerts = new Map<string, StoredAlert>();
  /** Outbox markers: sort key (`<created ms, 15 digits>#<alertId>`) → alert id. */
  private readonly outbox = new Map<string, string>();
  /** One copy of each short text repeated across history records (who, what, where); see {@link compactRecord}. */
  private readonly shared = new Map<string, string>();

  constructor(options: MemoryDenialStoreOptions = {}) {
    this.gate = new RequestGate(options.faults ?? null);
  }

  get requestCount(): number {
    return this.gate.requests;
  }

  async putHistory(entries: readonly HistoryEntry[], expiresAtSec: number): Promise<void> {
    // The adapter's items: one per principal and 10-minute span (a page), written 25 to a request.
    const items = new Map<string, HistoryRecord[]>();
    for (const entry of entries) {
      const record = historyRecordOf(entry, expiresAtSec);
      const group = `${principalKeyOf(entry.denial.principalArn, entry.denial.accountId)}\n${spanOf(record.eventTime)}`;
      const list = items.get(group);
      if (list) list.push(record);
      else items.set(group, [record]);
    }
    const groups = [...items];
    const failed: Array<{ error: unknown; eventIds: string[] }> = [];
    for (let start = 0; start < groups.length; start += BATCH_WRITE_ITEMS) {
      const chunk = groups.slice(start, start + BATCH_WRITE_ITEMS);
      try {
        this.gate.pass('BatchWriteItemCommand');
      } catch (error) {
        failed.push({ error, eventIds: chunk.flatMap(([, records]) => records.map((record) => record.eventId)) });
        continue;
      }
      for (const [group, records] of chunk) {
        const principal = group.slice(0, group.indexOf('\n'));
        let byId = this.history.get(principal);
        if (!byId) this.history.set(principal, (byId = new Map()));
        for (const record of records) byId.set(record.eventId, compactRecord(record, this.shared));
      }
    }
    if (failed.length > 0) {
      throw new StoreError(`could not write history: ${(failed[0]!.error as Error).message}`, failed.flatMap((failure) => failure.eventIds), { cause: failed[0]!.error });
    }
  }

  async historyOfPrincipal(principalArn: string | null, accountId: string | null, fromMs: number, toMs: number): Promise<HistoryRecord[]> {
    this.pass('QueryCommand', 'read history');
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const records: HistoryRecord[] = [];
    for (const record of this.history.get(principalKeyOf(principalArn, accountId))?.values() ?? []) {
      if (record.eventTime >= from && record.eventTime <= to) records.push(readBack(record));
    }
    // The adapter's order: by 10-minute span (its sort key), then event id within a page.
    return records.sort((a, b) => compare(spanOf(a.eventTime), spanOf(b.eventTime)) || compare(a.eventId, b.eventId));
  }

  async addMembers(key: string, members: ReadonlyMap<number, readonly string[]>, expiresAtSec: number, carryMinutes = 0): Promise<CounterAddResult> {
    void expiresAtSec; // TTL: nothing expires during a run (see the file's comment)
    const result: CounterAddResult = { before: new Map(), after: new Map(), saturated: new Set(), covered: [] };
    const carry = Math.min(carryMinutes, MAX_CARRIED_MINUTES);
    const layout = bucketLayoutOf(key);
    const bucketOf = (minute: number): number => Math.floor(minute / layout.minutes);
    const byBucket = new Map<number, Array<[number, string[]]>>();
    const touched = new Set<number>();
    for (const [minute, hashes] of members) {
      const bucket = bucketOf(minute);
      const list = byBucket.get(bucket);
      if (list) list.push([minute, [...new Set(hashes)]]);
      else byBucket.set(bucket, [[minute, [...new Set(hashes)]]]);
      touched.add(bucket);
      // A minute near the end of its bucket is carried into the next one: that bucket is written (and covered) too.
      if (carry > 0 && bucketOf(minute + carry) !== bucket) touched.add(bucket + 1);
    }
    let minutes = this.counters.get(key);
    if (!minutes) this.counters.set(key, (minutes = new Map()));
    for (const bucket of touched) {
      // One conditional update per bucket (and per 1,000 members of a minute), as the adapter's.
      const own = byBucket.get(bucket) ?? [];
      const updates = Math.max(1, ...own.map(([, hashes]) => Math.ceil(hashes.length / MEMBERS_PER_UPDATE)));
      for (let offset = 0, update = 0; update < updates; update++, offset += MEMBERS_PER_UPDATE) {
        this.pass('UpdateItemCommand', `add counters of ${key}`);
        for (const [minute, hashes] of own) {
          if (result.saturated.has(minute)) continue;
          const slice = hashes.slice(offset, offset + MEMBERS_PER_UPDATE);
          if (slice.length === 0) continue;
          let set = minutes.get(minute);
          if (!set) minutes.set(minute, (set = new Set()));
          if (!result.before.has(minute)) result.before.set(minute, new Set(set));
          // The adapter's condition: a minute takes members while its set is under the cap (then it may overshoot).
          if (set.size >= layout.cap) {
            result.saturated.add(minute);
            continue;
          }
          for (const hash of slice) set.add(hash);
        }
      }
      const first = bucket * layout.minutes - carry;
      const last = bucket * layout.minutes + layout.minutes - 1;
      result.covered.push([first, last]);
      for (let minute = first; minute <= last; minute++) {
        const set = minutes.get(minute);
        if (set) result.after.set(minute, new Set(set));
      }
    }
    return result;
  }

  async readState(key: string): Promise<KeyState | null> {
    this.pass('GetItemCommand', `read the state of ${key}`);
    const stored = this.states.get(key);
    return stored ? (JSON.parse(stored.state) as KeyState) : null;
  }

  async readKey(key: string, fromMinute: number, withState: boolean): Promise<{ minutes: MinuteMembers; state: KeyState | null }> {
    this.pass('QueryCommand', `read ${key}`);
    const layout = bucketLayoutOf(key);
    const from = Math.floor(fromMinute / layout.minutes) * layout.minutes;
    const minutes: MinuteMembers = new Map();
    for (const [minute, set] of this.counters.get(key) ?? []) if (minute >= from) minutes.set(minute, new Set(set));
    const stored = withState ? this.states.get(key) : undefined;
    return { minutes, state: stored ? (JSON.parse(stored.state) as KeyState) : null };
  }

  async commitDecision(key: string, state: KeyState, expectedVersion: number | null, alerts: readonly AlertRecord[], expiresAtSec: number): Promise<boolean> {
    const packed = alerts.map((record) => JSON.stringify({ alert: record.alert, sample: record.sample }));
    try {
      this.gate.pass(alerts.length === 0 ? 'PutItemCommand' : 'TransactWriteItemsCommand');
      if (alerts.length > 0 && 1 + 2 * alerts.length > TRANSACT_WRITE_ITEMS) {
        throw validationError(`Member must have length less than or equal to ${TRANSACT_WRITE_ITEMS} (${1 + 2 * alerts.length} actions)`);
      }
      for (const json of packed) checkAlertSize(json);
    } catch (error) {
      throw new StoreError(`could not save the decision of ${key}: ${(error as Error).message}`, [], { cause: error });
    }
    const current = this.states.get(key);
    if (expectedVersion === null ? current !== undefined : current?.version !== expectedVersion) return false;
    this.states.set(key, { state: JSON.stringify(state), version: state.version });
    for (const [index, record] of alerts.entries()) {
      const alertId = record.alert.alertId;
      this.alerts.set(alertId, {
        packed: packed[index]!,
        enriched: record.enriched,
        status: 'pending',
        createdMs: record.createdMs,
        delivered: new Set(),
        deadLettered: new Set(),
        leaseUntil: null,
        expiresAtSec,
      });
      this.outbox.set(outboxSk(record.createdMs, alertId), alertId);
    }
    return true;
  }

  async updateAlert(record: AlertRecord, expiresAtSec: number): Promise<void> {
    const alertId = record.alert.alertId;
    const packed = JSON.stringify({ alert: record.alert, sample: record.sample });
    try {
      this.gate.pass('UpdateItemCommand');
      checkAlertSize(packed);
      if (!this.alerts.has(alertId)) throw conditionFailed();
    } catch (error) {
      throw new StoreError(`could not update alert ${alertId}: ${(error as Error).message}`, [], { cause: error });
    }
    const stored = this.alerts.get(alertId)!;
    stored.packed = packed;
    stored.enriched = record.enriched;
    stored.expiresAtSec = expiresAtSec;
  }

  async pendingAlertIds(limit: number): Promise<string[]> {
    this.pass('QueryCommand', 'read the outbox');
    return [...this.outbox.keys()]
      .sort()
      .slice(0, limit)
      .map((sk) => this.outbox.get(sk)!);
  }

  async leaseAlert(alertId: string, nowMs: number, leaseUntilMs: number): Promise<AlertRecord | null> {
    this.pass('UpdateItemCommand', `lease alert ${alertId}`);
    const stored = this.alerts.get(alertId);
    if (!stored) return null;
    if (stored.status === 'done') {
      // Done already (the process died between marking it done and removing its marker): remove the marker now.
      this.pass('DeleteItemCommand', `lease alert ${alertId}`);
      this.outbox.delete(outboxSk(stored.createdMs, alertId));
      return null;
    }
    if (stored.leaseUntil !== null && stored.leaseUntil >= nowMs) return null;
    stored.leaseUntil = leaseUntilMs;
    const { alert, sample } = JSON.parse(stored.packed) as Pick<AlertRecord, 'alert' | 'sample'>;
    return { alert, sample, enriched: stored.enriched, delivered: [...stored.delivered], deadLettered: [...stored.deadLettered], createdMs: stored.createdMs };
  }

  async recordDelivery(alertId: string, outcome: { delivered: readonly string[]; deadLettered: readonly string[]; done: boolean }): Promise<void> {
    const what = `record the delivery of alert ${alertId}`;
    this.pass('UpdateItemCommand', what);
    const stored = this.alerts.get(alertId);
    if (!stored) throw new StoreError(`could not ${what}: ${conditionFailed().message}`);
    for (const channel of outcome.delivered) stored.delivered.add(channel);
    for (const channel of outcome.deadLettered) stored.deadLettered.add(channel);
    if (outcome.done) stored.status = 'done';
    stored.leaseUntil = null;
    if (outcome.done) {
      this.pass('DeleteItemCommand', what);
      this.outbox.delete(outboxSk(stored.createdMs, alertId));
    }
  }

  async queryHistory(query: HistoryQuery, nowMs: number): Promise<Array<Record<string, unknown>>> {
    const matches = historyQueryMatcher(query, nowMs);
    if (!query.principalArn) {
      const days = Math.floor(query.untilMs / 86_400_000) - Math.floor(query.sinceMs / 86_400_000);
      if (days > 3_660) throw new StoreError('a time-range query spans more than 10 years: narrow --since/--until');
    }
    this.pass('QueryCommand', 'query history');
    const found: HistoryRecord[] = [];
    // As the adapter: a principal's query reads that principal's partition, any other reads the whole time range.
    const principals = query.principalArn ? [this.history.get(principalKeyOf(query.principalArn, null)) ?? new Map<string, HistoryRecord>()] : [...this.history.values()];
    for (const byId of principals) for (const record of byId.values()) if (matches(record)) found.push(readBack(record));
    return found.sort((a, b) => compare(b.eventTime, a.eventTime)).slice(0, query.limit);
  }

  /**
   * Drops what no later decision can read: counter minutes before `counterMinute` and history before `historyMs`
   * (the replay calls it as event time moves on). DynamoDB keeps them until TTL deletion; only reads that reach back
   * further than the engine's windows and triage's look-back could tell, and none does.
   */
  forgetBefore(counterMinute: number, historyMs: number): void {
    for (const [key, minutes] of this.counters) {
      for (const minute of minutes.keys()) if (minute < counterMinute) minutes.delete(minute);
      if (minutes.size === 0) this.counters.delete(key);
    }
    const before = new Date(historyMs).toISOString();
    for (const [principal, byId] of this.history) {
      for (const [eventId, record] of byId) if (record.eventTime < before) byId.delete(eventId);
      if (byId.size === 0) this.history.delete(principal);
    }
    // An alert the outbox is done with (delivered or dead-lettered) is never read again: no decision reads alerts.
    for (const [alertId, stored] of this.alerts) if (stored.status === 'done') this.alerts.delete(alertId);
  }

  /** Everything stored, as the contract suite compares it with a scan of the DynamoDB table. */
  contents(): MemoryStoreContents {
    const counts = new Map<string, number>();
    for (const [key, minutes] of this.counters) {
      let total = 0;
      for (const set of minutes.values()) total += set.size;
      if (total > 0) counts.set(key, total);
    }
    const alerts = [...this.alerts].map(([alertId, stored]) => ({
      alertId,
      status: stored.status,
      delivered: [...stored.delivered].sort(),
      deadLettered: [...stored.deadLettered].sort(),
      alert: (JSON.parse(stored.packed) as Pick<AlertRecord, 'alert'>).alert,
    }));
    return { counts, alerts, outboxMarkers: this.outbox.size };
  }

  /** Passes the gate; a fault becomes the {@link StoreError} the adapter would raise for the same step. */
  private pass(command: string, what: string): void {
    try {
      this.gate.pass(command);
    } catch (error) {
      throw new StoreError(`could not ${what}: ${(error as Error).message}`, [], { cause: error });
    }
  }
}

const outboxSk = (createdMs: number, alertId: string): string => `${String(createdMs).padStart(15, '0')}#${alertId}`;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An alert item as the adapter writes it holds its content gzip-compressed: refused over the item limit. */
function checkAlertSize(json: string): void {
  // Only a large alert can come near the limit: skip compressing the common small one.
  if (json.length + ALERT_ITEM_OVERHEAD_BYTES < MAX_ITEM_BYTES) return;
  const bytes = gzipSync(json).byteLength + ALERT_ITEM_OVERHEAD_BYTES;
  if (bytes > MAX_ITEM_BYTES) throw validationError(`Item size has exceeded the maximum allowed size (${bytes} bytes)`);
}

function conditionFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

/** Texts kept once at most (a bound on the table of shared texts: it starts over when full). */
const SHARED_TEXTS = 65_536;
/** Texts of a record's own (ids, times, the message naming its resource): never shared. */
const OWN_FIELDS = new Set(['eventId', 'eventTime', 'recordedEventTime', 'requestId', 'resource', 'errorMessage', 'encodedAuthorizationMessage']);

/**
 * The record without its undefined fields, as a new object, its short repeated texts (principal, action, source IP,
 * user agent, …) one shared copy each. History is most of what a long in-process run holds (every denial of triage's
 * look-back): deleting fields in place had turned each record into a V8 dictionary-mode object, several times larger,
 * and each record carried its own copy of the same texts.
 */
function compactRecord(record: HistoryRecord, shared: Map<string, string>): HistoryRecord {
  const kept: Record<string, unknown> = {};
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value === 'string' && value.length <= 256 && !OWN_FIELDS.has(name)) {
      let copy = shared.get(value);
      if (copy === undefined) {
        if (shared.size >= SHARED_TEXTS) shared.clear();
        shared.set(value, value);
        copy = value;
      }
      kept[name] = copy;
    } else kept[name] = value;
  }
  return kept as HistoryRecord;
}

/** A record as the adapter reads it back: a copy, every {@link HISTORY_FIELDS} field present (null when absent). */
function readBack(record: HistoryRecord): HistoryRecord {
  const copy: Record<string, unknown> = { ...record };
  for (const field of HISTORY_FIELDS) if (!(field in copy)) copy[field] = null;
  return copy as HistoryRecord;
}
