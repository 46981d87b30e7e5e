/**
 * The canary's last arrival per account and Region in the alerter's table: one small item each,
 * `pk = CANARY#<account>#<region>`, `sk = STATE` (no TTL: an account that stops must stay known to be blind).
 * An arrival only moves the time forward (a conditional update: an older, late-delivered canary changes nothing,
 * and a redelivered one writes the same value).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CanaryState } from '../core/canary/overdue.js';

export const CANARY_KEY_PREFIX = 'CANARY#';
const STATE_SK = 'STATE';

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
          Key: { pk: `${CANARY_KEY_PREFIX}${accountId}#${region}`, sk: STATE_SK },
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

  /** Saves the check's verdict (the `blind` flag). */
  async saveState(state: CanaryState): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `${CANARY_KEY_PREFIX}${state.accountId}#${state.region}`, sk: STATE_SK, ...state } }));
  }

  /** Every account and Region with a canary (a scan filtered on the prefix: a few hundred small items at most). */
  async states(): Promise<CanaryState[]> {
    const states: CanaryState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ TableName: this.tableName, FilterExpression: 'begins_with(pk, :p) AND sk = :s', ExpressionAttributeValues: { ':p': CANARY_KEY_PREFIX, ':s': STATE_SK }, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) states.push({ accountId: String(item.accountId), region: String(item.region), lastArrivalMs: Number(item.lastArrivalMs), blind: item.blind === true });
      start = page.LastEvaluatedKey;
    } while (start);
    return states;
  }
}
