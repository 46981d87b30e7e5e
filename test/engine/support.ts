/** Helpers shared by the engine tests: reading what the real table holds, and a recording publisher. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { gunzipSync } from 'node:zlib';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { AlertPublisher, ChannelOutcome, PublishRequest } from '../../lambdas/engine/alert-publisher.js';
import { itemSizeBytes } from '../support/dynamodb.js';

/** Every item of a table, unmarshalled. */
export async function scanTable(client: DynamoDBClient, tableName: string): Promise<Array<Record<string, unknown>>> {
  const documents = DynamoDBDocumentClient.from(client);
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Members counted per counter key (`FP#…`, `PA#…`, `PR#…`), summed over its minutes. */
export function countsByKey(items: ReadonlyArray<Record<string, unknown>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    if (!String(item.sk).startsWith('B#')) continue;
    let total = 0;
    for (const [name, value] of Object.entries(item)) if (/^m\d$/.test(name) && value instanceof Set) total += value.size;
    counts.set(String(item.pk), (counts.get(String(item.pk)) ?? 0) + total);
  }
  return counts;
}

/** The persisted alerts: id, status, channels. */
export function alertsIn(items: ReadonlyArray<Record<string, unknown>>): Array<{ alertId: string; status: string; delivered: string[]; deadLettered: string[]; alert: AlertSummary }> {
  return items
    .filter((item) => String(item.pk).startsWith('ALERT#'))
    .map((item) => ({
      alertId: String(item.pk).slice('ALERT#'.length),
      status: String(item.status),
      delivered: item.delivered instanceof Set ? [...(item.delivered as Set<string>)].sort() : [],
      deadLettered: item.deadLettered instanceof Set ? [...(item.deadLettered as Set<string>)].sort() : [],
      alert: (JSON.parse(gunzipSync(Buffer.from(item.a as Uint8Array)).toString('utf8')) as { alert: AlertSummary }).alert,
    }));
}

/** Largest item per kind (history page, counter bucket, state, alert, outbox marker), in bytes. */
export function largestItemByKind(items: ReadonlyArray<Record<string, unknown>>): Record<string, number> {
  const largest: Record<string, number> = {};
  for (const item of items) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    const kind = pk.startsWith('H#')
      ? 'history page'
      : sk.startsWith('B#')
        ? 'counter bucket'
        : sk === 'STATE'
          ? 'key state'
          : pk.startsWith('ALERT#')
            ? 'alert'
            : pk === 'OUTBOX'
              ? 'outbox marker'
              : 'other';
    largest[kind] = Math.max(largest[kind] ?? 0, itemSizeBytes(item));
  }
  return largest;
}

/** An {@link AlertPublisher} over named channels that each deliver or fail as told; records every delivery. */
export function recordingPublisher(channels: Record<string, (alert: AlertSummary) => 'delivered' | string> = { 'slack:default': () => 'delivered' }): AlertPublisher & {
  deliveries: Array<{ channel: string; alertId: string }>;
  calls: PublishRequest[][];
} {
  const deliveries: Array<{ channel: string; alertId: string }> = [];
  const calls: PublishRequest[][] = [];
  return {
    deliveries,
    calls,
    async publish(requests) {
      calls.push([...requests]);
      const outcomes: ChannelOutcome[] = [];
      for (const { alert, alreadyDelivered } of requests) {
        for (const [channel, deliver] of Object.entries(channels)) {
          if (alreadyDelivered.includes(channel)) continue;
          const result = deliver(alert);
          if (result === 'delivered') {
            deliveries.push({ channel, alertId: alert.alertId });
            outcomes.push({ alertId: alert.alertId, channel, status: 'delivered' });
          } else outcomes.push({ alertId: alert.alertId, channel, status: 'failed', error: result });
        }
      }
      return outcomes;
    },
  };
}
