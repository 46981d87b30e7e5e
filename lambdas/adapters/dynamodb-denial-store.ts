/**
 * {@link DenialStore} on one DynamoDB table (layout in `table-schema.ts`, reasons in docs/engine.md). Translates to
 * DynamoDB commands only: no spike logic here. Every call asks for `ReturnConsumedCapacity: INDEXES`, so the write
 * and read units DynamoDB bills are counted (`consumed`), DynamoDB Local included.
 */
import { chunksOf, forEachLimited } from '../core/batching.js';
import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { gunzipSync, gzipSync } from 'node:zlib';
import type {
  AlertRecord,
  CounterAddResult,
  DenialStore,
  HistoryEntry,
  HistoryQuery,
  HistoryRecord,
  KeyState,
  MinuteMembers,
} from '../engine/denial-store.js';
import { StoreError } from '../engine/denial-store.js';
import { historyPagesOf, historyQueryMatcher, historyPkOf, isLegacyPage, legacyHistoryPkOf, principalKeyOf, recordsOfPage, spanOf } from './history-item.js';
import { bucketLayoutOf, KEY_PREFIX, MAX_CARRIED_MINUTES, TABLE_SCHEMA, type BucketLayout } from './table-schema.js';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 10;
/** Members added per minute and request: bounds how far one update can overshoot the cap. */
const MEMBERS_PER_UPDATE = 1_000;
/** BatchWriteItem requests of buffered counters in flight at once. */
const FLUSH_CONCURRENCY = 4;
const STATE_SK = 'STATE';

/** Options of the DynamoDB store. */
export interface DynamoDbDenialStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Waits between retries of unprocessed items; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * This process is the only writer of a table it created empty (the embedded, in-memory replay): counter buckets are
   * then kept in memory, answered from there (the same sets, caps and old values an `UpdateItem` would return), and
   * written whole with `BatchWriteItem` by {@link DynamoDbDenialStore.flushCounters} (the engine calls it once per
   * batch, after counting) and before any read of counters. About 25 times fewer requests for sparse denials.
   */
  soleWriterOfNewTable?: boolean;
  /**
   * Ask DynamoDB for the capacity each request consumed and add it up in {@link DynamoDbDenialStore.consumed} (the
   * cost benchmark). Off by default: DynamoDB Local spends about a quarter more CPU per item when asked.
   */
  measureCapacity?: boolean;
  /**
   * Told once, the first time history reading meets pages of the previous layout (gzip `d`, written before the
   * readable layout): they are read as before, but AWS's own tools see only binary in them.
   * @default a one-line warning on the console
   */
  onLegacyPages?: (message: string) => void;
}

/** What a reader is told when history holds pages of the previous layout. */
export const LEGACY_PAGES_NOTICE =
  'history holds pages of the previous layout (gzip, keyed by a hash of the principal): read as before, but AWS tools see binary in them; they expire with their TTL (docs/history-table.md, "Upgrading")';

const bucketSk = (bucket: number): string => `B#${String(bucket).padStart(10, '0')}`;
const alertPk = (alertId: string): string => `${KEY_PREFIX.alert}${alertId}`;
const outboxSk = (createdMs: number, alertId: string): string => `${String(createdMs).padStart(15, '0')}#${alertId}`;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

type Item = Record<string, unknown>;

/** Stores history pages, counters, key state and the alert outbox in DynamoDB. */
export class DynamoDbDenialStore implements DenialStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private requests = 0;
  /** Capacity units consumed so far, with `measureCapacity` (zero otherwise). */
  readonly consumed = { writeUnits: 0, readUnits: 0 };

  constructor(options: DynamoDbDenialStoreOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.bufferedBuckets = options.soleWriterOfNewTable ? new Map() : null;
    this.measureCapacity = options.measureCapacity ?? false;
    this.onLegacyPages = options.onLegacyPages ?? ((message) => console.warn(`denial-alerter: ${message}`));
  }

  /** Told once when history reading meets pages of the previous layout (replaceable, e.g. by a CLI's own stderr). */
  onLegacyPages: (message: string) => void;
  /** Pages of the previous layout read so far. */
  legacyPagesRead = 0;
  /** Whether the table holds any page of the previous layout (asked once: `byTime` holds only those). */
  private legacyPresent: Promise<boolean> | null = null;

  /**
   * True when `byTime` holds a key (only old pages carry one). A role without `dynamodb:Scan` on the index (the
   * Lambda's) or any other failure answers true: the old partitions are then queried too, beside the new ones
   * (in parallel, an empty query each), which is never wrong.
   */
  private hasLegacyPages(): Promise<boolean> {
    this.legacyPresent ??= this.send<{ Items?: Item[] }>(
      new ScanCommand({ TableName: this.tableName, IndexName: TABLE_SCHEMA.indexes.byTime.name, Limit: 1, ProjectionExpression: 'pk' }),
      'read',
    ).then(
      (response) => (response.Items ?? []).length > 0,
      () => true,
    );
    return this.legacyPresent;
  }

  /** Records of pages of either layout; notes pages of the previous one. */
  private recordsOf(pages: readonly Item[]): HistoryRecord[] {
    const legacy = pages.filter(isLegacyPage).length;
    if (legacy > 0) {
      if (this.legacyPagesRead === 0) this.onLegacyPages(LEGACY_PAGES_NOTICE);
      this.legacyPagesRead += legacy;
    }
    return pages.flatMap(recordsOfPage);
  }

  private readonly measureCapacity: boolean;

  /** Counter buckets held in memory (sole writer), by `pk|sk`: hex member sets per attribute, and the TTL. */
  private readonly bufferedBuckets: Map<string, { pk: string; sk: string; sets: Map<string, Set<string>>; expiresAtSec: number; dirty: boolean }> | null;

  private flushing: Promise<void> = Promise.resolve();

  async flushCounters(): Promise<void> {
    if (!this.bufferedBuckets) return;
    // One flush at a time: a reader that flushes also waits for the buckets another flush is still writing.
    const run = this.flushing.then(() => this.writeHeldBuckets());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async writeHeldBuckets(): Promise<void> {
    if (!this.bufferedBuckets) return;
    // A bucket holding only the previous bucket's carried tail is not written: those minutes are in that bucket's
    // item already, and a read of the window ending in it reads that bucket too. It is written, carried minutes and
    // all, once a minute of its own arrives (it stays dirty until then).
    const dirty = [...this.bufferedBuckets.values()].filter((bucket) => bucket.dirty && [...bucket.sets.keys()].some((attribute) => attribute[0] === 'm'));
    const items = dirty.map((bucket) => {
      bucket.dirty = false;
      const item: Item = { pk: bucket.pk, sk: bucket.sk, [TABLE_SCHEMA.ttlAttribute]: bucket.expiresAtSec };
      for (const [attribute, set] of bucket.sets) item[attribute] = new Set([...set].map((member) => Buffer.from(member, 'hex')));
      return item;
    });
    const chunks = chunksOf(items, BATCH_WRITE_LIMIT);
    try {
      await forEachLimited(chunks, FLUSH_CONCURRENCY, async (chunk) => {
        let requests = chunk.map((item) => ({ PutRequest: { Item: item } }));
        for (let round = 0; requests.length > 0; round++) {
          if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed items (throttled)');
          if (round > 0) await this.sleep(backoff(round));
          const response = await this.send<{ UnprocessedItems?: Record<string, typeof requests> }>(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }), 'write');
          requests = response.UnprocessedItems?.[this.tableName] ?? [];
        }
      });
    } catch (error) {
      for (const bucket of dirty) bucket.dirty = true;
      throw new StoreError(`could not write counters: ${(error as Error).message}`, [], { cause: error });
    }
  }

  get requestCount(): number {
    return this.requests;
  }

  private async send<T>(command: { input: object }, kind: 'read' | 'write'): Promise<T> {
    this.requests++;
    if (this.measureCapacity) (command.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
    try {
      const response = (await this.documents.send(command as never)) as unknown as T & { ConsumedCapacity?: unknown };
      this.count(response.ConsumedCapacity, kind);
      return response;
    } catch (error) {
      // A failed condition is billed too.
      this.count((error as { ConsumedCapacity?: unknown }).ConsumedCapacity, kind);
      throw error;
    }
  }

  private count(capacity: unknown, kind: 'read' | 'write'): void {
    for (const entry of Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) {
      const units = Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0);
      if (kind === 'write') this.consumed.writeUnits += units;
      else this.consumed.readUnits += units;
    }
  }

  async putHistory(entries: readonly HistoryEntry[], expiresAtSec: number): Promise<void> {
    const pages = historyPagesOf(entries, expiresAtSec);
    const chunks = chunksOf(pages, BATCH_WRITE_LIMIT);
    // Chunks are independent writes, sent a few at a time; a failed chunk names its denials, the others are stored.
    const failed: Array<{ error: unknown; eventIds: string[] }> = [];
    await forEachLimited(chunks, FLUSH_CONCURRENCY, async (chunk) => {
      let requests = chunk.map((page) => ({ PutRequest: { Item: page.item as unknown as Item } }));
      try {
        for (let round = 0; requests.length > 0; round++) {
          if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed items (throttled)');
          if (round > 0) await this.sleep(backoff(round));
          const response = await this.send<{ UnprocessedItems?: Record<string, typeof requests> }>(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
            'write',
          );
          requests = response.UnprocessedItems?.[this.tableName] ?? [];
        }
      } catch (error) {
        failed.push({ error, eventIds: chunk.flatMap((page) => page.eventIds) });
      }
    });
    if (failed.length > 0) {
      throw new StoreError(`could not write history: ${(failed[0]!.error as Error).message}`, failed.flatMap((failure) => failure.eventIds), { cause: failed[0]!.error });
    }
  }

  async historyOfPrincipal(principalArn: string | null, accountId: string | null, fromMs: number, toMs: number): Promise<HistoryRecord[]> {
    const principalKey = principalKeyOf(principalArn, accountId);
    const legacy = await this.hasLegacyPages();
    const spans = { ':from': isoSpan(fromMs), ':to': `${isoSpan(toMs)}~` };
    const partitions = legacy ? [historyPkOf(principalKey), legacyHistoryPkOf(principalKey)] : [historyPkOf(principalKey)];
    const items = (
      await Promise.all(
        partitions.map((pk) => this.queryAll({ KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': pk, ...spans } })),
      )
    ).flat();
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    return dedupe(this.recordsOf(items)).filter((record) => record.eventTime >= from && record.eventTime <= to);
  }

  async addMembers(key: string, members: ReadonlyMap<number, readonly string[]>, expiresAtSec: number, carryMinutes = 0): Promise<CounterAddResult> {
    const result: CounterAddResult = { before: new Map(), after: new Map(), saturated: new Set(), covered: [] };
    const carry = Math.min(carryMinutes, MAX_CARRIED_MINUTES);
    const layout = bucketLayoutOf(key);
    const bucketOf = (minute: number): number => Math.floor(minute / layout.minutes);
    // Each minute goes to its own bucket (`m<slot>`), and a minute in the last `carryMinutes` of its bucket is also
    // carried into the next bucket (`p<slot>`): then the bucket of any minute holds the whole window ending there,
    // and the write's ALL_OLD return gives the window without a read.
    const buckets = new Map<number, Map<string, { minute: number; hashes: readonly string[] }>>();
    const place = (bucket: number, attribute: string, minute: number, hashes: readonly string[]) => {
      let slots = buckets.get(bucket);
      if (!slots) buckets.set(bucket, (slots = new Map()));
      slots.set(attribute, { minute, hashes });
    };
    for (const [minute, hashes] of members) {
      const unique = [...new Set(hashes)];
      place(bucketOf(minute), `m${minute % layout.minutes}`, minute, unique);
      if (carry > 0 && bucketOf(minute + carry) !== bucketOf(minute)) place(bucketOf(minute) + 1, `p${minute % layout.minutes}`, minute, unique);
    }
    // Buckets are independent items: written side by side (a key's sparse minutes over hours are many buckets).
    await Promise.all(
      [...buckets].map(async ([bucket, slots]) => {
        result.covered.push([bucket * layout.minutes - carry, bucket * layout.minutes + layout.minutes - 1]);
        for (let offset = 0; ; offset += MEMBERS_PER_UPDATE) {
          const part = new Map<string, { minute: number; hashes: string[] }>();
          for (const [attribute, { minute, hashes }] of slots) {
            if (result.saturated.has(minute)) continue;
            const slice = hashes.slice(offset, offset + MEMBERS_PER_UPDATE);
            if (slice.length > 0) part.set(attribute, { minute, hashes: slice });
          }
          if (part.size === 0) break;
          await this.addToBucket(key, layout, bucket, part, expiresAtSec, result);
        }
      }),
    );
    return result;
  }

  /** One conditional `ADD` of member sets into one bucket; minutes that are full are marked saturated and skipped. */
  private async addToBucket(
    key: string,
    layout: BucketLayout,
    bucket: number,
    part: Map<string, { minute: number; hashes: string[] }>,
    expiresAtSec: number,
    result: CounterAddResult,
  ): Promise<void> {
    /** What the bucket held before the write (`old`) and the members added give `before`, `after` of its minutes. */
    const recordAdded = (old: MinuteMembers) => {
      const written = new Set([...part.values()].map((entry) => entry.minute));
      // The bucket's other minutes (and carried ones), as they were: `covered` promises them.
      for (const [minute, set] of old) {
        if (written.has(minute)) continue;
        const known = result.after.get(minute);
        result.after.set(minute, known ? union(known, set) : set);
      }
      for (const { minute, hashes } of part.values()) {
        const previous = old.get(minute) ?? new Set<string>();
        if (!result.before.has(minute)) result.before.set(minute, new Set(previous));
        const after = union(result.after.get(minute) ?? new Set(), previous);
        for (const hash of hashes) after.add(hash);
        result.after.set(minute, after);
      }
    };
    for (;;) {
      if (part.size === 0) return;
      const names: Record<string, string> = { '#ttl': TABLE_SCHEMA.ttlAttribute };
      const values: Record<string, unknown> = { ':ttl': expiresAtSec, ':cap': layout.cap };
      const adds: string[] = [];
      const conditions: string[] = [];
      for (const [attribute, { hashes }] of part) {
        names[`#${attribute}`] = attribute;
        values[`:${attribute}`] = new Set(hashes.map((hash) => Buffer.from(hash, 'hex')));
        adds.push(`#${attribute} :${attribute}`);
        conditions.push(`(attribute_not_exists(#${attribute}) OR size(#${attribute}) < :cap)`);
      }
      if (this.bufferedBuckets) {
        // The same conditional ADD, on the bucket held in memory (nothing else writes the table).
        const id = `${key}|${bucketSk(bucket)}`;
        let held = this.bufferedBuckets.get(id);
        if (!held) this.bufferedBuckets.set(id, (held = { pk: key, sk: bucketSk(bucket), sets: new Map(), expiresAtSec, dirty: false }));
        const full = [...part].filter(([attribute]) => (held!.sets.get(attribute)?.size ?? 0) >= layout.cap);
        if (full.length === 0) {
          const old = heldMembersOf(layout, bucket, held.sets);
          for (const [attribute, { hashes }] of part) {
            const set = held.sets.get(attribute) ?? new Set<string>();
            for (const hash of hashes) set.add(hash);
            held.sets.set(attribute, set);
          }
          held.expiresAtSec = expiresAtSec;
          held.dirty = true;
          recordAdded(old);
          return;
        }
        for (const [attribute, { minute }] of full) {
          const set = new Set(held.sets.get(attribute));
          result.saturated.add(minute);
          if (!result.before.has(minute)) result.before.set(minute, set);
          result.after.set(minute, union(result.after.get(minute) ?? new Set(), set));
          part.delete(attribute);
        }
        continue;
      }
      try {
        const response = await this.send<{ Attributes?: Item }>(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key, sk: bucketSk(bucket) },
            UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          'write',
        );
        recordAdded(membersOfBucket(layout, bucket, response.Attributes ?? {}));
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          throw new StoreError(`could not add to the counters of ${key}: ${(error as Error).message}`, [], { cause: error });
        }
        // Some minute is full: find which (the refusal returns the item, at no read cost), mark them saturated, add
        // the rest.
        const refused = (error as { Item?: Record<string, { BS?: Uint8Array[] }> }).Item;
        const current = refused
          ? Object.fromEntries(Object.entries(refused).map(([name, value]) => [name, value.BS ? new Set(value.BS) : value]))
          : (await this.send<{ Item?: Item }>(new GetCommand({ TableName: this.tableName, Key: { pk: key, sk: bucketSk(bucket) }, ConsistentRead: true }), 'read')).Item;
        for (const [attribute, { minute }] of [...part]) {
          const value = current?.[attribute];
          if (value instanceof Set && value.size >= layout.cap) {
            result.saturated.add(minute);
            const set = new Set([...value].map((bytes) => hex(bytes as Uint8Array)));
            if (!result.before.has(minute)) result.before.set(minute, set);
            result.after.set(minute, union(result.after.get(minute) ?? new Set(), set));
            part.delete(attribute);
          }
        }
      }
    }
  }

  async readState(key: string): Promise<KeyState | null> {
    // Eventually consistent on purpose: a stale state only ever allows more decisions, and the conditional commit
    // refuses any decided over a state that has moved on (docs/engine.md, "Why a stale state is safe").
    const response = await this.send<{ Item?: Item }>(new GetCommand({ TableName: this.tableName, Key: { pk: key, sk: STATE_SK } }), 'read');
    return (response.Item?.state as KeyState | undefined) ?? null;
  }

  async readKey(key: string, fromMinute: number, withState: boolean): Promise<{ minutes: MinuteMembers; state: KeyState | null }> {
    await this.flushCounters();
    const layout = bucketLayoutOf(key);
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': key, ':from': bucketSk(Math.floor(fromMinute / layout.minutes)), ':to': withState ? STATE_SK : 'B#~' },
      ConsistentRead: true,
    });
    const minutes: MinuteMembers = new Map();
    let state: KeyState | null = null;
    for (const item of items) {
      if (item.sk === STATE_SK) {
        state = item.state as KeyState;
        continue;
      }
      const bucket = Number(String(item.sk).slice(2));
      for (const [minute, set] of membersOfBucket(layout, bucket, item)) {
        const known = minutes.get(minute);
        minutes.set(minute, known ? union(known, set) : set);
      }
    }
    return { minutes, state };
  }

  async commitDecision(key: string, state: KeyState, expectedVersion: number | null, alerts: readonly AlertRecord[], expiresAtSec: number): Promise<boolean> {
    const statePut = {
      TableName: this.tableName,
      Item: { pk: key, sk: STATE_SK, version: state.version, state, [TABLE_SCHEMA.ttlAttribute]: expiresAtSec },
      ConditionExpression: expectedVersion === null ? 'attribute_not_exists(pk)' : 'version = :expected',
      ExpressionAttributeValues: expectedVersion === null ? undefined : { ':expected': expectedVersion },
    };
    try {
      if (alerts.length === 0) {
        await this.send(new PutCommand(statePut), 'write');
        return true;
      }
      await this.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: statePut },
            ...alerts.flatMap((record) => [
              { Put: { TableName: this.tableName, Item: alertItemOf(record, expiresAtSec) } },
              {
                Put: {
                  TableName: this.tableName,
                  Item: { pk: KEY_PREFIX.outbox, sk: outboxSk(record.createdMs, record.alert.alertId), alertId: record.alert.alertId, [TABLE_SCHEMA.ttlAttribute]: expiresAtSec },
                },
              },
            ]),
          ],
        }),
        'write',
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      // A refused condition, or another transaction on the same item at the same moment: both mean "decide again".
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict')) {
        return false;
      }
      throw new StoreError(`could not save the decision of ${key}: ${(error as Error).message}`, [], { cause: error });
    }
  }

  async updateAlert(record: AlertRecord, expiresAtSec: number): Promise<void> {
    try {
      await this.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: alertPk(record.alert.alertId), sk: 'ALERT' },
          UpdateExpression: 'SET a = :a, enriched = :enriched, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.ttlAttribute },
          ExpressionAttributeValues: { ':a': packAlert(record), ':enriched': record.enriched, ':ttl': expiresAtSec },
        }),
        'write',
      );
    } catch (error) {
      throw new StoreError(`could not update alert ${record.alert.alertId}: ${(error as Error).message}`, [], { cause: error });
    }
  }

  async pendingAlertIds(limit: number): Promise<string[]> {
    const response = await this.send<{ Items?: Item[] }>(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': KEY_PREFIX.outbox },
        Limit: limit,
        ConsistentRead: true,
      }),
      'read',
    );
    return (response.Items ?? []).map((item) => String(item.alertId));
  }

  async leaseAlert(alertId: string, nowMs: number, leaseUntilMs: number): Promise<AlertRecord | null> {
    try {
      const response = await this.send<{ Attributes?: Item }>(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: alertPk(alertId), sk: 'ALERT' },
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND #status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': leaseUntilMs, ':now': nowMs, ':pending': 'pending' },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        'write',
      );
      return alertRecordOf(response.Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        // Done already (the process died between marking it done and removing its marker): remove the marker now.
        const old = error.Item as Record<string, { S?: string; N?: string }> | undefined;
        if (old?.status?.S === 'done') {
          await this.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: KEY_PREFIX.outbox, sk: outboxSk(Number(old.createdMs?.N ?? 0), alertId) } }), 'write');
        }
        return null;
      }
      throw new StoreError(`could not lease alert ${alertId}: ${(error as Error).message}`, [], { cause: error });
    }
  }

  async recordDelivery(alertId: string, outcome: { delivered: readonly string[]; deadLettered: readonly string[]; done: boolean }): Promise<void> {
    const adds: string[] = [];
    const values: Record<string, unknown> = {};
    if (outcome.delivered.length > 0) {
      adds.push('delivered :delivered');
      values[':delivered'] = new Set(outcome.delivered);
    }
    if (outcome.deadLettered.length > 0) {
      adds.push('deadLettered :dead');
      values[':dead'] = new Set(outcome.deadLettered);
    }
    const sets = outcome.done ? ['#status = :done'] : [];
    if (outcome.done) values[':done'] = 'done';
    try {
      const response = await this.send<{ Attributes?: Item }>(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: alertPk(alertId), sk: 'ALERT' },
          UpdateExpression: [adds.length ? `ADD ${adds.join(', ')}` : '', sets.length ? `SET ${sets.join(', ')}` : '', 'REMOVE leaseUntil'].filter(Boolean).join(' '),
          ConditionExpression: 'attribute_exists(pk)',
          ...(outcome.done ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
          ReturnValues: 'ALL_NEW',
        }),
        'write',
      );
      if (outcome.done) {
        const createdMs = Number(response.Attributes?.createdMs ?? 0);
        await this.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: KEY_PREFIX.outbox, sk: outboxSk(createdMs, alertId) } }), 'write');
      }
    } catch (error) {
      throw new StoreError(`could not record the delivery of alert ${alertId}: ${(error as Error).message}`, [], { cause: error });
    }
  }

  async queryHistory(query: HistoryQuery, nowMs: number): Promise<Array<Record<string, unknown>>> {
    const matches = historyQueryMatcher(query, nowMs);
    const sortNewestFirst = (records: HistoryRecord[]) => records.sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0));
    if (query.principalArn) {
      const records = await this.historyOfPrincipal(query.principalArn, null, query.sinceMs, query.untilMs);
      return sortNewestFirst(records.filter(matches)).slice(0, query.limit);
    }
    // Day index, newest day first, until the limit is reached; the index's sets skip pages without a match.
    const days = Math.floor(query.untilMs / 86_400_000) - Math.floor(query.sinceMs / 86_400_000);
    if (days > 3_660) throw new StoreError('a time-range query spans more than 10 years: narrow --since/--until');
    const legacy = await this.hasLegacyPages();
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    if (query.action) {
      filters.push('contains(actions, :action)');
      values[':action'] = query.action;
    }
    if (query.fingerprint) {
      filters.push('contains(fingerprints, :fingerprint)');
      values[':fingerprint'] = query.fingerprint;
    }
    const accountId = (query as HistoryQuery & { accountId?: string }).accountId;
    if (accountId) {
      filters.push('contains(accounts, :account)');
      values[':account'] = accountId;
    }
    const found = new Map<string, HistoryRecord>();
    const spans = { ':from': isoSpan(query.sinceMs), ':to': `${isoSpan(query.untilMs)}~` };
    for (let offset = 0; offset <= days; offset++) {
      const day = new Date(query.untilMs - offset * 86_400_000).toISOString().slice(0, 10);
      const [keys, legacyKeys] = await Promise.all([
        this.queryAll({
          IndexName: TABLE_SCHEMA.indexes.byDay.name,
          KeyConditionExpression: 'dpk = :dpk AND dsk BETWEEN :from AND :to',
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeValues: { ':dpk': `${KEY_PREFIX.dayIndex}${day}`, ...spans, ...values },
          ProjectionExpression: 'pk, sk',
          ScanIndexForward: false,
        }),
        legacy
          ? this.queryAll({
              IndexName: TABLE_SCHEMA.indexes.byTime.name,
              KeyConditionExpression: 'tpk = :tpk AND tsk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':tpk': `${KEY_PREFIX.timeIndex}${day}`, ...spans },
              ScanIndexForward: false,
            })
          : Promise.resolve([]),
      ]);
      const pages = await this.getPages([...keys, ...legacyKeys].map((item) => ({ pk: item.pk, sk: item.sk })));
      for (const record of this.recordsOf(pages)) if (matches(record) && (!accountId || record.accountId === accountId)) found.set(record.eventId, record);
      if (found.size >= query.limit) break;
    }
    return sortNewestFirst([...found.values()]).slice(0, query.limit);
  }

  private async getPages(keys: Array<{ pk: unknown; sk: unknown }>): Promise<Item[]> {
    const pages: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending = keys.slice(start, start + BATCH_GET_LIMIT);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS) throw new StoreError('DynamoDB kept returning unprocessed keys (throttled)');
        if (round > 0) await this.sleep(backoff(round));
        const response = await this.send<{ Responses?: Record<string, Item[]>; UnprocessedKeys?: Record<string, { Keys?: typeof pending }> }>(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
          'read',
        );
        pages.push(...(response.Responses?.[this.tableName] ?? []));
        pending = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return pages;
  }

  private async queryAll(input: Record<string, unknown>): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const response = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: startKey } as never),
        'read',
      );
      items.push(...(response.Items ?? []));
      startKey = response.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

/** The per-minute member sets of one bucket item: its own minutes and the previous bucket's carried tail. */
/** {@link membersOfBucket} of a bucket held in memory (copies: the held sets keep growing). */
function heldMembersOf(layout: BucketLayout, bucket: number, sets: ReadonlyMap<string, ReadonlySet<string>>): MinuteMembers {
  const minutes: MinuteMembers = new Map();
  for (const [attribute, set] of sets) {
    const slot = Number(attribute.slice(1));
    minutes.set(attribute[0] === 'm' ? bucket * layout.minutes + slot : (bucket - 1) * layout.minutes + slot, new Set(set));
  }
  return minutes;
}


function membersOfBucket(layout: BucketLayout, bucket: number, item: Item): MinuteMembers {
  const minutes: MinuteMembers = new Map();
  for (let slot = 0; slot < layout.minutes; slot++) {
    for (const [attribute, minute] of [
      [`m${slot}`, bucket * layout.minutes + slot],
      [`p${slot}`, (bucket - 1) * layout.minutes + slot],
    ] as const) {
      const value = item[attribute];
      if (value instanceof Set) minutes.set(minute, new Set([...value].map((bytes) => hex(bytes as Uint8Array))));
    }
  }
  return minutes;
}

function union(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const merged = new Set(a);
  for (const value of b) merged.add(value);
  return merged;
}

function packAlert(record: AlertRecord): Uint8Array {
  return gzipSync(JSON.stringify({ alert: record.alert, sample: record.sample }));
}

/**
 * An alert item: its summary and delivery state as plain attributes (and in the `byDay` index under `A#<day of its
 * window>`), the
 * whole alert and its sample denial as gzip JSON (`a`).
 */
function alertItemOf(record: AlertRecord, expiresAtSec: number): Item {
  const { alert } = record;
  const createdAt = new Date(record.createdMs).toISOString();
  // Filed under the day of its window (the denials' day, also in a replay of old logs), not of its creation.
  const windowStart = Number.isFinite(Date.parse(alert.windowStart)) ? new Date(alert.windowStart).toISOString() : createdAt;
  return {
    pk: alertPk(alert.alertId),
    sk: 'ALERT',
    dpk: `${KEY_PREFIX.alertDayIndex}${windowStart.slice(0, 10)}`,
    dsk: `${windowStart}#${alert.alertId}`,
    alertId: alert.alertId,
    reason: alert.reason,
    fingerprint: alert.fingerprint,
    principalArn: alert.principalArn ?? undefined,
    action: alert.action,
    accountId: alert.accountId ?? undefined,
    resource: typeof alert.resource === 'string' ? alert.resource.slice(0, 2_048) : undefined,
    denialCount: alert.count,
    windowStart: alert.windowStart,
    createdAt,
    a: packAlert(record),
    enriched: record.enriched,
    status: 'pending',
    createdMs: record.createdMs,
    [TABLE_SCHEMA.ttlAttribute]: expiresAtSec,
  };
}

function alertRecordOf(item: Item): AlertRecord {
  const { alert, sample } = JSON.parse(gunzipSync(item.a as Uint8Array).toString('utf8')) as Pick<AlertRecord, 'alert' | 'sample'>;
  return {
    alert,
    sample,
    enriched: item.enriched === true,
    delivered: item.delivered instanceof Set ? [...(item.delivered as Set<string>)] : [],
    deadLettered: item.deadLettered instanceof Set ? [...(item.deadLettered as Set<string>)] : [],
    createdMs: Number(item.createdMs ?? 0),
  };
}

function dedupe(records: HistoryRecord[]): HistoryRecord[] {
  const seen = new Map<string, HistoryRecord>();
  for (const record of records) seen.set(record.eventId, record);
  return [...seen.values()];
}

function isoSpan(ms: number): string {
  return spanOf(new Date(ms).toISOString());
}

/** Exponential backoff with full jitter. */
export function backoff(round: number): number {
  return Math.min(2000, 25 * 2 ** round) * (0.5 + Math.random() / 2);
}
