/**
 * {@link ChangeStore} on the engine's DynamoDB table, base table keys only (no index), as pages: the changes of one
 * key, one hour of event time and one batch, gzip JSON in one item.
 *
 * | item                               | pk                                   | sk                   | attributes                   |
 * |------------------------------------|--------------------------------------|----------------------|------------------------------|
 * | changes of a key it touches        | `CHG#T#<target key>`                 | `<yyyy-mm-ddThh>#<page id>` | `n`, `d` (gzip JSON), `first` |
 * | organization-wide changes          | `CHG#T#ORG`                          | same                 | same                         |
 * | successes of a caller              | `CHG#ACTOR#<principal key>#<action>` | same                 | `first` (earliest event ms)  |
 *
 * A change is filed under each key it touches (principal, resource, policy, account; ORG for SCPs, RCPs and permission
 * sets), so every read is one bounded `Query` on one partition. Paging by hour and batch writes one item per key an
 * hour instead of one per change and key: a batch with a Terraform run's 40 changes to one account writes one page
 * there, not 40 items. The page id is a hash of its event ids, so a batch delivered again writes the same pages; a
 * batch regrouped writes copies that reading deduplicates by event id. TTL `expiresAt`.
 */
import { chunksOf, forEachLimited } from '../core/batching.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { gunzipSync } from 'node:zlib';
import { inFieldOrder, newestFirst } from '../core/changes/change-order.js';
import type { AuthorizationChange } from '../core/changes/change.js';
import { accountKey, ORGANIZATION_KEY, storageKeysOf, type ChangeQuery, type ChangeStore } from '../core/changes/change-store.js';
import { targetKey } from '../core/changes/targets.js';
import { jsonPagesOf, pageIdOf } from './json-pages.js';
import { TABLE_SCHEMA } from './table-schema.js';

const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 10;
/** `BatchWriteItem` requests in flight at once. */
const WRITE_CONCURRENCY = 4;

/** The pk prefix of every item of this store (H1's items never use it). */
export const CHANGE_PK_PREFIX = 'CHG#';

const targetPk = (key: string): string => `${CHANGE_PK_PREFIX}T#${key}`;
const actorPk = (actorKey: string, action: string): string => `${CHANGE_PK_PREFIX}ACTOR#${actorKey}#${action}`;
/** The hour of event time a page covers, `yyyy-mm-ddThh`: the sort key's prefix. */
const hourOf = (ms: number): string => new Date(ms).toISOString().slice(0, 13);
/** Queried pages per request: a page holds at least one change. */
const PAGES_PER_QUERY = 25;

/** A change page as stored. */
interface ChangePageItem {
  pk: string;
  sk: string;
  /** Earliest event time in the page (ms). */
  first: number;
  /** Changes in the page (target pages only). */
  n?: number;
  /** gzip of the JSON array of changes (target pages only). */
  d?: Uint8Array;
  expiresAt: number;
}

/** Raised when the table refuses a read or write; names what was being done. */
export class ChangeStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChangeStoreError';
  }
}

/** What `history --changes` asks for (at least one of the subjects). */
export interface RecentChangesQuery {
  principalArn?: string;
  resourceArn?: string;
  policyArn?: string;
  accountId?: string;
  organization?: boolean;
  sinceMs: number;
  untilMs: number;
  limit: number;
}

/** Options of the store. */
export interface DynamoDbChangeStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Waits between retries of unprocessed items; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Stores authorization changes beside the denials, in the same table. */
export class DynamoDbChangeStore implements ChangeStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private requests = 0;

  constructor(options: DynamoDbChangeStoreOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Requests sent so far (for the replay's summary and benchmarks). */
  get requestCount(): number {
    return this.requests;
  }

  async putChanges(changes: readonly AuthorizationChange[], expiresAtSec: number): Promise<void> {
    const items = changePagesOf(changes, expiresAtSec);
    // Chunks are independent writes, sent a few at a time; the first failure is reported once the others are done.
    const failures: unknown[] = [];
    await forEachLimited(chunksOf(items, BATCH_WRITE_LIMIT), WRITE_CONCURRENCY, (chunk) => this.writeChunk(chunk).catch((error: unknown) => void failures.push(error)));
    if (failures.length > 0) throw new ChangeStoreError(`could not store ${changes.length} authorization change(s): ${(failures[0] as Error).message}`, { cause: failures[0] });
  }

  private async writeChunk(items: readonly ChangePageItem[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed items (throttled)');
      if (round > 0) await this.sleep(Math.min(2000, 25 * 2 ** round));
      this.requests++;
      const response = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (response.UnprocessedItems?.[this.tableName] as typeof requests | undefined) ?? [];
    }
  }

  async findChanges(query: ChangeQuery, nowMs: number): Promise<AuthorizationChange[]> {
    const keys = [...new Set([...query.targets, ...(query.organization ? [ORGANIZATION_KEY] : [])])];
    const results = await Promise.all(keys.map((key) => this.changesOfKey(targetPk(key), query.fromMs, query.untilMs, query.limitPerKey, nowMs)));
    const byId = new Map<string, AuthorizationChange>();
    for (const change of results.flat()) if (!byId.has(change.eventId)) byId.set(change.eventId, inFieldOrder(change));
    return [...byId.values()].sort(newestFirst);
  }

  /**
   * Recent changes touching a principal, a resource (an S3 object's bucket too), a policy or a whole account, newest
   * first: `history --changes`. Organization-wide changes (SCPs, RCPs, permission sets) come with `organization`.
   */
  async recentChanges(query: RecentChangesQuery, nowMs: number): Promise<AuthorizationChange[]> {
    const targets = [
      ...[query.principalArn, query.resourceArn, query.policyArn].filter((arn): arn is string => Boolean(arn)).map(targetKey),
      ...(query.accountId ? [accountKey(query.accountId)] : []),
    ];
    const organization = query.organization ?? false;
    if (targets.length === 0 && !organization) throw new ChangeStoreError('say whose changes to list: a principal, a resource, a policy, an account or the organization');
    const changes = await this.findChanges({ targets, organization, fromMs: query.sinceMs, untilMs: query.untilMs, limitPerKey: query.limit }, nowMs);
    return changes.slice(0, query.limit);
  }

  async succeededBefore(actorKey: string, action: string, beforeMs: number, nowMs: number): Promise<boolean> {
    let found = false;
    await this.queryPages(actorPk(actorKey, action), 0, beforeMs - 1, nowMs, (page) => {
      found = page.first < beforeMs;
      return found;
    });
    return found;
  }

  /**
   * The newest `limit` changes of one partition with event time in [from, until], unexpired. Pages are read newest hour
   * first; once `limit` changes are in hand, the rest of that hour's pages are still read (another batch's page of
   * the same hour may hold newer ones), then reading stops.
   */
  private async changesOfKey(pk: string, fromMs: number, untilMs: number, limit: number, nowMs: number): Promise<AuthorizationChange[]> {
    const byId = new Map<string, AuthorizationChange>();
    let fullAtHour: string | null = null;
    await this.queryPages(pk, fromMs, untilMs, nowMs, (page) => {
      const hour = page.sk.slice(0, 13);
      if (fullAtHour !== null && hour !== fullAtHour) return true;
      for (const change of changesOfPage(page)) {
        const timeMs = Date.parse(change.eventTime);
        if (timeMs >= fromMs && timeMs <= untilMs && !byId.has(change.eventId)) byId.set(change.eventId, change);
      }
      if (fullAtHour === null && byId.size >= limit) fullAtHour = hour;
      return false;
    });
    return [...byId.values()].sort(newestFirst).slice(0, limit);
  }

  /** Pages of one partition whose hour lies in [from, until], newest first, unexpired, until `visit` says stop. */
  private async queryPages(pk: string, fromMs: number, untilMs: number, nowMs: number, visit: (page: ChangePageItem) => boolean): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        this.requests++;
        const response = await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :until',
            FilterExpression: '#ttl > :now',
            ExpressionAttributeNames: { '#ttl': TABLE_SCHEMA.ttlAttribute },
            ExpressionAttributeValues: { ':pk': pk, ':from': hourOf(Math.max(0, fromMs)), ':until': `${hourOf(untilMs)}~`, ':now': Math.floor(nowMs / 1000) },
            ScanIndexForward: false,
            Limit: PAGES_PER_QUERY,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of response.Items ?? []) if (visit(item as ChangePageItem)) return;
        startKey = response.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw new ChangeStoreError(`could not read authorization changes of ${pk}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/**
 * The pages of a batch of changes: per key it touches and per hour, at most `HISTORY_PAGE_RAW_BYTES` of JSON
 * each; and per caller, action and hour, the earliest time it succeeded.
 */
export function changePagesOf(changes: readonly AuthorizationChange[], expiresAtSec: number): ChangePageItem[] {
  const targets = new Map<string, Array<{ eventId: string; json: string; timeMs: number }>>();
  const actors = new Map<string, { ids: string[]; first: number }>();
  for (const change of changes) {
    const timeMs = Date.parse(change.eventTime);
    if (!Number.isFinite(timeMs)) continue;
    const hour = hourOf(timeMs);
    const json = JSON.stringify(change);
    for (const key of storageKeysOf(change)) {
      const group = `${targetPk(key)}\n${hour}`;
      let list = targets.get(group);
      if (!list) targets.set(group, (list = []));
      list.push({ eventId: change.eventId, json, timeMs });
    }
    if (change.actorArn) {
      const group = `${actorPk(targetKey(change.actorArn), change.action)}\n${hour}`;
      const actor = actors.get(group) ?? { ids: [], first: timeMs };
      actor.ids.push(change.eventId);
      actor.first = Math.min(actor.first, timeMs);
      actors.set(group, actor);
    }
  }
  const items: ChangePageItem[] = [];
  for (const [group, list] of targets) {
    const [pk, hour] = group.split('\n') as [string, string];
    for (const page of jsonPagesOf(list)) {
      const first = Math.min(...page.entries.map((entry) => entry.timeMs));
      items.push({ pk, sk: `${hour}#${page.pageId}`, first, n: page.entries.length, d: page.gzip, [TABLE_SCHEMA.ttlAttribute]: expiresAtSec } as ChangePageItem);
    }
  }
  for (const [group, { ids, first }] of actors) {
    const [pk, hour] = group.split('\n') as [string, string];
    items.push({ pk, sk: `${hour}#${pageIdOf(ids.sort())}`, first, [TABLE_SCHEMA.ttlAttribute]: expiresAtSec } as ChangePageItem);
  }
  return items;
}


function changesOfPage(page: ChangePageItem): AuthorizationChange[] {
  return page.d instanceof Uint8Array ? (JSON.parse(gunzipSync(page.d).toString('utf8')) as AuthorizationChange[]) : [];
}



