/**
 * {@link ChangeStore} on the engine's DynamoDB table, base table keys only (no index):
 *
 * | item                         | pk                                   | sk                         |
 * |------------------------------|--------------------------------------|----------------------------|
 * | change, per key it touches   | `CHG#T#<target key>`                 | `<eventTime ISO>#<eventId>`|
 * | organization-wide change     | `CHG#T#ORG`                          | same                       |
 * | success of a caller          | `CHG#ACTOR#<principal key>#<action>` | same                       |
 *
 * A change is written once per key (principal, resource, policy, account; ORG for SCPs, RCPs and permission sets):
 * changes are rare next to denials, and every read is then one bounded `Query` on one partition. TTL `expiresAt`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthorizationChange } from '../core/changes/change.js';
import { accountKey, ORGANIZATION_KEY, storageKeysOf, type ChangeQuery, type ChangeStore } from '../core/changes/change-store.js';
import { targetKey } from '../core/changes/targets.js';
import { TABLE_SCHEMA } from './table-schema.js';

const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 10;

/** The pk prefix of every item of this store (H1's items never use it). */
export const CHANGE_PK_PREFIX = 'CHG#';

const targetPk = (key: string): string => `${CHANGE_PK_PREFIX}T#${key}`;
const actorPk = (actorKey: string, action: string): string => `${CHANGE_PK_PREFIX}ACTOR#${actorKey}#${action}`;
const timeSk = (ms: number): string => new Date(ms).toISOString();

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
    const items: Array<Record<string, unknown>> = [];
    for (const change of changes) {
      const timeMs = Date.parse(change.eventTime);
      if (!Number.isFinite(timeMs)) continue;
      const sk = `${timeSk(timeMs)}#${change.eventId}`;
      for (const key of storageKeysOf(change)) items.push({ pk: targetPk(key), sk, change, [TABLE_SCHEMA.ttlAttribute]: expiresAtSec });
      if (change.actorArn) {
        items.push({ pk: actorPk(targetKey(change.actorArn), change.action), sk, eventId: change.eventId, [TABLE_SCHEMA.ttlAttribute]: expiresAtSec });
      }
    }
    for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
      let requests = items.slice(start, start + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } }));
      try {
        for (let round = 0; requests.length > 0; round++) {
          if (round >= MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed items (throttled)');
          if (round > 0) await this.sleep(Math.min(2000, 25 * 2 ** round));
          this.requests++;
          const response = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
          requests = (response.UnprocessedItems?.[this.tableName] as typeof requests | undefined) ?? [];
        }
      } catch (error) {
        throw new ChangeStoreError(`could not store ${changes.length} authorization change(s): ${(error as Error).message}`, { cause: error });
      }
    }
  }

  async findChanges(query: ChangeQuery, nowMs: number): Promise<AuthorizationChange[]> {
    const keys = [...new Set([...query.targets, ...(query.organization ? [ORGANIZATION_KEY] : [])])];
    const results = await Promise.all(keys.map((key) => this.queryPartition(targetPk(key), query.fromMs, query.untilMs, query.limitPerKey, nowMs)));
    const byId = new Map<string, AuthorizationChange>();
    for (const item of results.flat()) {
      const change = item.change as AuthorizationChange | undefined;
      if (change && !byId.has(change.eventId)) byId.set(change.eventId, inFieldOrder(change));
    }
    return [...byId.values()].sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime));
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
    const items = await this.queryPartition(actorPk(actorKey, action), 0, beforeMs - 1, 1, nowMs);
    return items.length > 0;
  }

  /** One partition, newest first, unexpired items with sk in [from, until], at most `limit`. */
  private async queryPartition(pk: string, fromMs: number, untilMs: number, limit: number, nowMs: number): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
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
            ExpressionAttributeValues: { ':pk': pk, ':from': timeSk(Math.max(0, fromMs)), ':until': `${timeSk(untilMs)}~`, ':now': Math.floor(nowMs / 1000) },
            ScanIndexForward: false,
            Limit: limit,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(response.Items ?? []));
        startKey = items.length >= limit ? undefined : response.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw new ChangeStoreError(`could not read authorization changes of ${pk}: ${(error as Error).message}`, { cause: error });
    }
    return items.slice(0, limit);
  }
}

const FIELD_ORDER: ReadonlyArray<keyof AuthorizationChange> = [
  'eventId', 'eventTime', 'accountId', 'region', 'actorArn', 'actorType', 'actorSession', 'sourceIp', 'userAgent',
  'eventSource', 'eventName', 'action', 'layer', 'scope', 'principalArn', 'resourceArn', 'policyArn', 'policyName',
  'organizationPolicyId', 'organizationPolicyType', 'organizationTargetId', 'parameters',
];

/** The change with its fields in the interface's order (DynamoDB maps come back in any order): stable JSON lines. */
function inFieldOrder(change: AuthorizationChange): AuthorizationChange {
  return Object.fromEntries(FIELD_ORDER.map((field) => [field, change[field] ?? null])) as unknown as AuthorizationChange;
}
