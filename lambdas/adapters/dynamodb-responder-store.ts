/**
 * {@link ResponderStore} in the engine's DynamoDB table, as items of their own beside the denial store's (prefix
 * `RSP#`, so no key of the other stores can collide):
 *
 * | item        | pk                          | sk                  | TTL (`expiresAt`)                        |
 * |-------------|-----------------------------|---------------------|------------------------------------------|
 * | incident    | `RSP#FP#<fingerprint>`      | `INCIDENT#<channel>`| 30 days after its last alert             |
 * | snooze      | `RSP#FP#<fingerprint>`      | `SNOOZE`            | its end (and filtered on read: TTL deletes up to ~2 days late) |
 * | Expected    | `RSP#FP#<fingerprint>`      | `EXPECTED`          | none (permanent until removed by hand)   |
 * | audit line  | `RSP#AUDIT#<yyyy-mm-dd>`    | `<atMs>#<fp>#<rand>`| `auditRetentionDays`                     |
 * | seen request| `RSP#SEEN#<sha256 of sig>`  | `SEEN`              | when the request's timestamp goes stale  |
 *
 * Writes that must not race are conditional (DynamoDB condition expressions:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html): an Expected
 * approval only over the pending request it read; a seen request only once.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import type { AuditEntry, ExpectedSuppression, Incident, Snooze } from '../core/responder/types.js';
import type { AuditQuery, ResponderStore } from '../engine/responder-store.js';
import { KEY_PREFIX, TABLE_SCHEMA } from './table-schema.js';

export interface DynamoDbResponderStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Days audit lines are kept. @default 400 */
  auditRetentionDays?: number;
}

const DAY_MS = 86_400_000;
const INCIDENT_RETENTION_MS = 30 * DAY_MS;
/** Days of audit partitions one query walks back at most. */
const MAX_AUDIT_DAYS = 400;

const fingerprintPk = (fingerprint: string) => `${KEY_PREFIX.responder}FP#${fingerprint}`;
const auditPk = (ms: number) => `${KEY_PREFIX.responder}AUDIT#${new Date(ms).toISOString().slice(0, 10)}`;
const seenPk = (signature: string) => `${KEY_PREFIX.responder}SEEN#${createHash('sha256').update(signature).digest('hex')}`;
const seconds = (ms: number) => Math.ceil(ms / 1000);
const TTL = TABLE_SCHEMA.ttlAttribute;

type Item = Record<string, unknown>;

/** Keeps responder state in the engine's table. */
export class DynamoDbResponderStore implements ResponderStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly auditRetentionMs: number;

  constructor(options: DynamoDbResponderStoreOptions) {
    this.documents = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.auditRetentionMs = (options.auditRetentionDays ?? 400) * DAY_MS;
  }

  async incident(channel: string, fingerprint: string): Promise<Incident | null> {
    const item = await this.get(fingerprintPk(fingerprint), `INCIDENT#${channel}`);
    return item ? (strip(item) as unknown as Incident) : null;
  }

  async putIncident(incident: Incident): Promise<void> {
    await this.put({ ...incident, pk: fingerprintPk(incident.fingerprint), sk: `INCIDENT#${incident.channel}`, [TTL]: seconds(incident.lastActivityMs + INCIDENT_RETENTION_MS) });
  }

  async snooze(fingerprint: string, nowMs: number): Promise<Snooze | null> {
    const item = await this.get(fingerprintPk(fingerprint), 'SNOOZE');
    if (!item || !(Number(item.untilMs) > nowMs)) return null;
    return strip(item) as unknown as Snooze;
  }

  async putSnooze(snooze: Snooze): Promise<void> {
    await this.put({ ...snooze, pk: fingerprintPk(snooze.fingerprint), sk: 'SNOOZE', [TTL]: seconds(snooze.untilMs) });
  }

  async deleteSnooze(fingerprint: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: fingerprintPk(fingerprint), sk: 'SNOOZE' } }));
  }

  async expected(fingerprint: string): Promise<ExpectedSuppression | null> {
    const item = await this.get(fingerprintPk(fingerprint), 'EXPECTED');
    return item ? (strip(item) as unknown as ExpectedSuppression) : null;
  }

  async putExpected(next: ExpectedSuppression, previous: ExpectedSuppression | null): Promise<boolean> {
    const condition =
      previous === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: `requestedBy = :requestedBy AND requestedAtMs = :requestedAtMs AND ${previous.approvedBy === undefined ? 'attribute_not_exists(approvedBy)' : 'approvedBy = :approvedBy'}`,
            ExpressionAttributeValues: { ':requestedBy': previous.requestedBy, ':requestedAtMs': previous.requestedAtMs, ...(previous.approvedBy === undefined ? {} : { ':approvedBy': previous.approvedBy }) },
          };
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...next, pk: fingerprintPk(next.fingerprint), sk: 'EXPECTED' }, ...condition }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async audit(entry: AuditEntry): Promise<void> {
    const sk = `${String(entry.atMs).padStart(15, '0')}#${entry.fingerprint}#${randomBytes(4).toString('hex')}`;
    await this.put({ ...entry, pk: auditPk(entry.atMs), sk, [TTL]: seconds(entry.atMs + this.auditRetentionMs) });
  }

  async auditLog(query: AuditQuery): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    const firstDay = Math.floor(query.sinceMs / DAY_MS);
    let day = Math.floor(query.untilMs / DAY_MS);
    for (let walked = 0; day >= firstDay && walked < MAX_AUDIT_DAYS && found.length < query.limit; day--, walked++) {
      let startKey: Item | undefined;
      do {
        const page = await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': auditPk(day * DAY_MS), ':from': String(query.sinceMs).padStart(15, '0'), ':to': `${String(query.untilMs).padStart(15, '0')}#~` },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (query.fingerprint !== undefined && item.fingerprint !== query.fingerprint) continue;
          found.push(strip(item) as unknown as AuditEntry);
          if (found.length >= query.limit) break;
        }
        startKey = found.length < query.limit ? page.LastEvaluatedKey : undefined;
      } while (startKey);
    }
    return found;
  }

  async claimRequest(signature: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: seenPk(signature), sk: 'SEEN', untilMs: expiresAtMs, [TTL]: seconds(expiresAtMs) },
          // A request seen before is refused while its record lives; one whose record expired (TTL late) may be reused.
          ConditionExpression: 'attribute_not_exists(pk) OR untilMs < :now',
          ExpressionAttributeValues: { ':now': nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async get(pk: string, sk: string): Promise<Item | undefined> {
    return (await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
  }

  private async put(item: Item): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }
}

/** The item without its keys and TTL. */
function strip(item: Item): Item {
  const { pk: _pk, sk: _sk, [TTL]: _ttl, ...rest } = item;
  return rest;
}
