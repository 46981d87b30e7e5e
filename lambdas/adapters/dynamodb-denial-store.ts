/**
 * {@link DenialStore} on one DynamoDB table (see `table-schema.ts` for the layout). Translates to DynamoDB commands
 * only: no spike logic here.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DenialStore, FingerprintState, HistoryEntry, HistoryQuery } from '../engine/denial-store.js';
import { StoreError } from '../engine/denial-store.js';
import { TABLE_SCHEMA } from './table-schema.js';
import { historyItemOf, HISTORY_SK } from './history-item.js';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 10;

/** Options of the DynamoDB store. */
export interface DynamoDbDenialStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Waits between retries of unprocessed items; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const hourKey = (hour: number): string => `HOUR#${new Date(hour * 3_600_000).toISOString().slice(0, 13)}`;
const minuteAttribute = (minute: number): string => `m${String(minute % 60).padStart(2, '0')}`;
const fpKey = (fingerprint: string): string => `FP#${fingerprint}`;

/** Stores denials, counters and alert state in DynamoDB. */
export class DynamoDbDenialStore implements DenialStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private requests = 0;

  constructor(options: DynamoDbDenialStoreOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get requestCount(): number {
    return this.requests;
  }

  private async send<T>(command: object): Promise<T> {
    this.requests++;
    return (await this.documents.send(command as never)) as T;
  }

  async storedEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let start = 0; start < eventIds.length; start += BATCH_GET_LIMIT) {
      let keys: Array<Record<string, string>> = eventIds
        .slice(start, start + BATCH_GET_LIMIT)
        .map((id) => ({ pk: `EVENT#${id}`, sk: HISTORY_SK }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= MAX_UNPROCESSED_ROUNDS) throw new StoreError('DynamoDB kept returning unprocessed keys (throttled)');
        if (round > 0) await this.sleep(backoff(round));
        const response = await this.send<{
          Responses?: Record<string, Array<Record<string, unknown>>>;
          UnprocessedKeys?: Record<string, { Keys?: Array<Record<string, string>> }>;
        }>(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: 'eventId' } },
          }),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) found.add(String(item.eventId));
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  async addMinuteCounts(
    fingerprint: string,
    hour: number,
    counts: ReadonlyMap<number, number>,
    token: string,
    expiresAtSec: number,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#tokens': 'tokens', '#ttl': TABLE_SCHEMA.ttlAttribute };
    const values: Record<string, unknown> = { ':token': token, ':tokens': new Set([token]), ':ttl': expiresAtSec };
    const adds: string[] = ['#tokens :tokens'];
    let index = 0;
    for (const [minute, count] of counts) {
      names[`#m${index}`] = minuteAttribute(minute);
      values[`:m${index}`] = count;
      adds.push(`#m${index} :m${index}`);
      index++;
    }
    try {
      await this.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: fpKey(fingerprint), sk: hourKey(hour) },
          UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl`,
          ConditionExpression: 'attribute_not_exists(#tokens) OR NOT contains(#tokens, :token)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new StoreError(`could not update counters of ${fingerprint}: ${(error as Error).message}`, [], { cause: error });
    }
  }

  async readFingerprint(fingerprint: string, fromMinute: number): Promise<{ counts: Map<number, number>; state: FingerprintState | null }> {
    const counts = new Map<number, number>();
    let state: FingerprintState | null = null;
    let startKey: Record<string, unknown> | undefined;
    const fromHour = Math.floor(fromMinute / 60);
    do {
      const response = await this.send<{ Items?: Array<Record<string, unknown>>; LastEvaluatedKey?: Record<string, unknown> }>(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :state',
          ExpressionAttributeValues: { ':pk': fpKey(fingerprint), ':from': hourKey(fromHour), ':state': 'STATE' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of response.Items ?? []) {
        if (item.sk === 'STATE') {
          state = item.state as FingerprintState;
          continue;
        }
        const hourStart = Date.parse(`${String(item.sk).slice(5)}:00:00Z`) / 60_000;
        for (const [name, value] of Object.entries(item)) {
          if (/^m\d\d$/.test(name) && typeof value === 'number') counts.set(hourStart + Number(name.slice(1)), value);
        }
      }
      startKey = response.LastEvaluatedKey;
    } while (startKey);
    return { counts, state };
  }

  async saveState(fingerprint: string, state: FingerprintState, expectedVersion: number | null, expiresAtSec: number): Promise<boolean> {
    try {
      await this.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: fpKey(fingerprint),
            sk: 'STATE',
            fingerprint,
            version: state.version,
            state,
            [TABLE_SCHEMA.ttlAttribute]: expiresAtSec,
          },
          ConditionExpression: expectedVersion === null ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues: expectedVersion === null ? undefined : { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new StoreError(`could not save the alert state of ${fingerprint}: ${(error as Error).message}`, [], { cause: error });
    }
  }

  async putHistory(entries: readonly HistoryEntry[], expiresAtSec: number): Promise<void> {
    for (let start = 0; start < entries.length; start += BATCH_WRITE_LIMIT) {
      const chunk = entries.slice(start, start + BATCH_WRITE_LIMIT);
      let requests = chunk.map((entry) => ({ PutRequest: { Item: historyItemOf(entry, expiresAtSec) } }));
      try {
        for (let round = 0; requests.length > 0; round++) {
          if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed items (throttled)');
          if (round > 0) await this.sleep(backoff(round));
          const response = await this.send<{ UnprocessedItems?: Record<string, typeof requests> }>(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = response.UnprocessedItems?.[this.tableName] ?? [];
        }
      } catch (error) {
        const notStored = entries.slice(start).map((entry) => entry.denial.eventId);
        throw new StoreError(`could not write history: ${(error as Error).message}`, notStored, { cause: error });
      }
    }
  }

  async queryHistory(query: HistoryQuery, nowMs: number): Promise<Array<Record<string, unknown>>> {
    const { index, partitionGroups } = historyPartitions(query);
    const since = new Date(query.sinceMs).toISOString();
    const until = `${new Date(query.untilMs).toISOString()}~`;
    const filters: string[] = ['#ttl > :now'];
    const values: Record<string, unknown> = { ':since': since, ':until': until, ':now': Math.floor(nowMs / 1000) };
    const names: Record<string, string> = { '#ttl': TABLE_SCHEMA.ttlAttribute, '#pk': index.partitionKey, '#sk': index.sortKey };
    if (query.fingerprint) {
      filters.push('fingerprint = :fingerprint');
      values[':fingerprint'] = query.fingerprint;
    }
    if (query.action && index.name !== TABLE_SCHEMA.indexes.byAction.name) {
      filters.push('#action = :action');
      names['#action'] = 'action';
      values[':action'] = query.action;
    }
    const collected: Array<Record<string, unknown>> = [];
    for (const group of partitionGroups) {
      const results = await Promise.all(group.map((partition) => this.queryPartition(index.name, partition, filters, names, values, query.limit)));
      collected.push(...results.flat());
      // Day groups come newest first: once enough items are in, older days cannot make the cut.
      if (collected.length >= query.limit) break;
    }
    return collected
      .flat()
      .sort((a, b) => (String(a.eventTime) < String(b.eventTime) ? 1 : -1))
      .slice(0, query.limit)
      .map(stripKeys);
  }

  /** One index partition, newest first, until `limit` items or its end. */
  private async queryPartition(
    indexName: string,
    partition: string,
    filters: string[],
    names: Record<string, string>,
    values: Record<string, unknown>,
    limit: number,
  ): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const response = await this.send<{ Items?: Array<Record<string, unknown>>; LastEvaluatedKey?: Record<string, unknown> }>(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :since AND :until',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':pk': partition },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(response.Items ?? []));
      startKey = items.length >= limit ? undefined : response.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

/** Which index and partitions answer a query: principal, else action, else one day partition per day in range. */
function historyPartitions(query: HistoryQuery): {
  index: (typeof TABLE_SCHEMA.indexes)[keyof typeof TABLE_SCHEMA.indexes];
  partitionGroups: string[][];
} {
  const shards = Array.from({ length: TABLE_SCHEMA.gsiShards }, (_, shard) => shard);
  if (query.principalArn) {
    return { index: TABLE_SCHEMA.indexes.byPrincipal, partitionGroups: [shards.map((s) => `P#${query.principalArn}#${s}`)] };
  }
  if (query.action) {
    return { index: TABLE_SCHEMA.indexes.byAction, partitionGroups: [shards.map((s) => `A#${query.action}#${s}`)] };
  }
  // The time index is partitioned by event month (and shard): a wide range costs one query per month and shard,
  // newest month first, stopping once the limit is reached.
  const partitionGroups: string[][] = [];
  const first = new Date(query.sinceMs);
  const last = new Date(query.untilMs);
  const months = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth();
  if (months > 240) throw new StoreError('a time-range query spans more than 20 years: narrow --since/--until');
  for (let offset = 0; offset <= months; offset++) {
    const month = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - offset, 1)).toISOString().slice(0, 7);
    partitionGroups.push(shards.map((shard) => `M#${month}#${shard}`));
  }
  return { index: TABLE_SCHEMA.indexes.byTime, partitionGroups };
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } = item;
  return rest;
}

function backoff(round: number): number {
  return Math.min(2000, 25 * 2 ** round) * (0.5 + Math.random() / 2);
}
