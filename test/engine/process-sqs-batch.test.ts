import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { processSqsBatch, type SqsBatchDeps } from '../../lambdas/engine/process-sqs-batch.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst } from '../support/records.js';
import { alertsIn, recordingPublisher, scanTable } from './support.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-05-05T05:00:00Z');

const message = (id: string, body: string): SQSRecord => ({ messageId: id, body }) as SQSRecord;
const envelope = (record: CloudTrailRecord) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record });

function recordingDeps(engine: SqsBatchDeps['engine'], store: SqsBatchDeps['store'], publisher = recordingPublisher()) {
  const deadLetters: Array<{ kind: string; body: Record<string, unknown> }> = [];
  const metrics: Record<string, number> = {};
  const deps: SqsBatchDeps = {
    engine,
    store,
    publisher,
    deadLetter: async (kind, body) => void deadLetters.push({ kind, body }),
    metric: (name, value) => void (metrics[name] = (metrics[name] ?? 0) + value),
    log: () => undefined,
  };
  return { deps, deadLetters, metrics, publisher };
}

describe('processSqsBatch with the real engine on DynamoDB Local', () => {
  it('processes EventBridge events from SQS, dead-letters unreadable messages without failing the batch, delivers from the outbox', async () => {
    const { store, tableName } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const { deps, deadLetters, metrics, publisher } = recordingDeps(engine, store);
    const records = syntheticBurst(6, T0, 1);
    const event: SQSEvent = {
      Records: [...records.map((record, index) => message(`m${index}`, envelope(record))), message('bad', '{nope'), message('odd', '{"detail-type":"Scheduled Event","detail":{}}')],
    };
    const response = await processSqsBatch(event, deps, { deadlineMs: Date.now() + 30_000 });
    expect(response.batchItemFailures).toEqual([]);
    expect(publisher.deliveries).toHaveLength(1);
    expect(deadLetters.map((entry) => [entry.kind, entry.body.messageId])).toEqual([
      ['unreadable-record', 'bad'],
      ['unreadable-record', 'odd'],
    ]);
    expect(metrics).toMatchObject({ UnreadableRecords: 2, DenialsProcessed: 6, AlertsPublished: 1, DeliveryFailures: 0 });
    const again = await processSqsBatch(event, deps, { deadlineMs: Date.now() + 30_000 });
    expect(again.batchItemFailures).toEqual([]);
    expect(publisher.deliveries).toHaveLength(1);
    expect(alertsIn(await scanTable(dynamo.client(), tableName))).toMatchObject([{ status: 'done', delivered: ['slack:default'] }]);
  });

  it('reports every message as failed when storage fails, so SQS delivers the batch again', async () => {
    const { store } = await dynamo.newTable();
    const failing: SqsBatchDeps['engine'] = { processBatch: async () => Promise.reject(new Error('table unavailable')) };
    const { deps } = recordingDeps(failing, store);
    const response = await processSqsBatch({ Records: [message('a', envelope(syntheticBurst(1, T0, 1)[0]!)), message('b', envelope(syntheticBurst(1, T0, 1)[0]!))] }, deps);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
  });

  it('dead-letters an alert a channel refused, with the alert intact, marks it, delivers the other channel, and does not fail the batch', async () => {
    const { store, tableName } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const publisher = recordingPublisher({ 'slack:default': () => 'HTTP 500', 'sns:topic': () => 'delivered' });
    const { deps, deadLetters, metrics } = recordingDeps(engine, store, publisher);
    const response = await processSqsBatch({ Records: syntheticBurst(5, T0, 1).map((record, index) => message(`m${index}`, envelope(record))) }, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ kind: 'undelivered-alert', body: { channel: 'slack:default', error: 'HTTP 500', alert: { reason: 'threshold', count: 5 } } });
    expect(metrics.DeliveryFailures).toBe(1);
    expect(alertsIn(await scanTable(dynamo.client(), tableName))).toMatchObject([{ status: 'done', delivered: ['sns:topic'], deadLettered: ['slack:default'] }]);
  });

  it('a poison record in a batch of good ones is dead-lettered alone; the good ones count and alert', async () => {
    const { store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const { deps, deadLetters, publisher } = recordingDeps(engine, store);
    const good = syntheticBurst(5, T0, 1);
    // 100,000 levels of nesting in requestParameters (JSON.stringify of it overflows the stack).
    const poisonRecord = JSON.stringify({ ...syntheticBurst(1, T0, 1)[0]!, requestParameters: '__DEEP__' });
    const poisonBody = JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: '__RECORD__' })
      .replace('"__RECORD__"', poisonRecord)
      .replace('"__DEEP__"', `${'{"a":'.repeat(100_000)}{}${'}'.repeat(100_000)}`);
    const hugeArn = { ...syntheticBurst(1, T0, 1, { key: `k/${'x'.repeat(300_000)}` })[0]! };
    const response = await processSqsBatch(
      { Records: [...good.map((record, index) => message(`m${index}`, envelope(record))), message('poison', poisonBody), message('huge', envelope(hugeArn))] },
      deps,
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(publisher.deliveries).toHaveLength(1);
    expect(deadLetters.filter((entry) => entry.kind === 'undelivered-alert')).toEqual([]);
  });
});
