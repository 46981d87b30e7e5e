/**
 * The canary's last arrival per account and Region in the alerter's table: one small item each, all in one partition,
 * `pk = CANARY`, `sk = <account>#<region>` (no TTL: an account that stops must stay known to be blind), so that the
 * scheduled check reads them with one Query instead of scanning the table. One partition takes 1,000 writes a second
 * (DynamoDB's partition limit): a thousand accounts in seventeen Regions every 15 minutes write about 19 a second.
 *
 * An arrival only moves the time forward (a conditional update: an older, late-delivered canary changes nothing, and a
 * redelivered one writes the same value). The check's `blind` flag changes only by {@link DynamoDbCanaryStore.transition},
 * conditional on the state it read: two checks never both announce the same transition, and an arrival between the
 * check's read and its write keeps the item from being marked blind.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CanaryState } from '../core/canary/overdue.js';

/** The partition of every canary item. */
export const CANARY_PARTITION = 'CANARY';

const sortKey = (accountId: string, region: string) => `${accountId}#${region}`;

/** Reads and writes canary states. */
export class DynamoDbCanaryStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { tableName: string; client: DynamoDBClient }) {
    this.tableName = options.tableName;
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Moves the last arrival of an account and Region forward to `atMs` (creates the item on the first canary). */
  async recordArrival(accountId: string, region: string, atMs: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: CANARY_PARTITION, sk: sortKey(accountId, region) },
          UpdateExpression: 'SET accountId = :a, #region = :r, lastArrivalMs = :t, blind = if_not_exists(blind, :f)',
          ConditionExpression: 'attribute_not_exists(lastArrivalMs) OR lastArrivalMs < :t',
          ExpressionAttributeNames: { '#region': 'region' },
          ExpressionAttributeValues: { ':a': accountId, ':r': region, ':t': atMs, ':f': false },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Sets the `blind` flag from what the check read (`from`) to `to`, only if the item still holds what it read: the
   * same flag, and (going blind) the same last arrival. True when this call made the transition, false when another
   * check did, or a canary arrived meanwhile.
   */
  async transition(from: CanaryState, to: boolean): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: CANARY_PARTITION, sk: sortKey(from.accountId, from.region) },
          UpdateExpression: 'SET blind = :to',
          ConditionExpression: to ? 'blind = :from AND lastArrivalMs = :seen' : 'blind = :from',
          ExpressionAttributeValues: { ':to': to, ':from': from.blind, ...(to ? { ':seen': from.lastArrivalMs } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every account and Region with a canary (one Query of the canary partition). */
  async states(): Promise<CanaryState[]> {
    const states: CanaryState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': CANARY_PARTITION }, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) states.push({ accountId: String(item.accountId), region: String(item.region), lastArrivalMs: Number(item.lastArrivalMs), blind: item.blind === true });
      start = page.LastEvaluatedKey;
    } while (start);
    return states;
  }
}
