/**
 * The open incidents of the Security Hub channel, on the engine's DynamoDB table: one item per fingerprint with an open
 * incident, under one partition, so that the quiet ones are found with one `Query`.
 *
 * | item                | pk                | sk              | attributes                                         |
 * |---------------------|-------------------|-----------------|----------------------------------------------------|
 * | open incident       | `SECHUB#INCIDENT` | `<fingerprint>` | `incident` (JSON), `finding` (the last ASFF finding, JSON), `lastAlertId`, `lastAlertAtMs` |
 *
 * A finding is at most 240 KB (ASFF), under DynamoDB's 400 KB item limit. The item is removed once its archived
 * finding was imported, only if no newer alert replaced it meanwhile (`lastAlertId` unchanged).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AsffFinding } from '../core/findings/asff.js';
import type { IncidentState } from '../core/findings/incident.js';
import { TABLE_SCHEMA } from './table-schema.js';

/** The pk of every item of this store. */
export const INCIDENT_PK = 'SECHUB#INCIDENT';

/** One open incident and the finding last imported for it. */
export interface OpenIncident {
  incident: IncidentState;
  finding: AsffFinding;
  /** The alert the finding was last built from: a redelivered alert re-imports the same finding. */
  lastAlertId: string;
}

/** Where the Security Hub channel keeps its open incidents. */
export interface IncidentStore {
  get(fingerprint: string): Promise<OpenIncident | undefined>;
  put(open: OpenIncident): Promise<void>;
  /** Every open incident. */
  list(): Promise<OpenIncident[]>;
  /** Removes the incident unless a later alert (another `lastAlertId`) replaced it; false then. */
  remove(fingerprint: string, lastAlertId: string): Promise<boolean>;
}

export class DynamoDbIncidentStore implements IncidentStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { tableName: string; client: DynamoDBClient }) {
    this.tableName = options.tableName;
    this.documents = DynamoDBDocumentClient.from(options.client);
  }

  async get(fingerprint: string): Promise<OpenIncident | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: key(fingerprint), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async put(open: OpenIncident): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(open.incident.fingerprint), incident: JSON.stringify(open.incident), finding: JSON.stringify(open.finding), lastAlertId: open.lastAlertId, lastAlertAtMs: open.incident.lastAlertAtMs },
      }),
    );
  }

  async list(): Promise<OpenIncident[]> {
    const out: OpenIncident[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
          ExpressionAttributeValues: { ':pk': INCIDENT_PK },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(fromItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async remove(fingerprint: string, lastAlertId: string): Promise<boolean> {
    try {
      await this.documents.send(
        new DeleteCommand({ TableName: this.tableName, Key: key(fingerprint), ConditionExpression: 'lastAlertId = :id', ExpressionAttributeValues: { ':id': lastAlertId } }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function key(fingerprint: string): Record<string, string> {
  return { [TABLE_SCHEMA.partitionKey]: INCIDENT_PK, [TABLE_SCHEMA.sortKey]: fingerprint };
}

function fromItem(item: Record<string, unknown>): OpenIncident {
  return { incident: JSON.parse(String(item.incident)) as IncidentState, finding: JSON.parse(String(item.finding)) as AsffFinding, lastAlertId: String(item.lastAlertId) };
}
