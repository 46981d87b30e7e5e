import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { processSqsBatch, type SqsBatchDeps } from '../../lambdas/engine/process-sqs-batch.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst } from '../support/records.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-05-05T05:00:00Z');

const message = (id: string, body: string): SQSRecord => ({ messageId: id, body }) as SQSRecord;
const envelope = (record: CloudTrailRecord) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record });

function recordingDeps(engine: SqsBatchDeps['engine'], publish: SqsBatchDeps['publish'] = async () => []) {
  const deadLetters: Array<{ kind: string; body: Record<string, unknown> }> = [];
  const metrics: Record<string, number> = {};
  const deps: SqsBatchDeps = {
    engine,
    publish,
    deadLetter: async (kind, body) => void deadLetters.push({ kind, body }),
    metric: (name, value) => void (metrics[name] = (metrics[name] ?? 0) + value),
    log: () => undefined,
  };
  return { deps, deadLetters, metrics };
}

describe('processSqsBatch with the real engine on DynamoDB Local', () => {
  it('processes EventBridge events from SQS, dead-letters unreadable messages without failing the batch', async () => {
    const { store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const published: AlertSummary[] = [];
    const { deps, deadLetters, metrics } = recordingDeps(engine, async (alerts) => (published.push(...alerts), []));
    const records = syntheticBurst(6, T0, 1);
    const event: SQSEvent = {
      Records: [...records.map((record, index) => message(`m${index}`, envelope(record))), message('bad', '{nope'), message('odd', '{"detail-type":"Scheduled Event","detail":{}}')],
    };
    const response = await processSqsBatch(event, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(published.map((alert) => alert.reason)).toEqual(['threshold']);
    expect(deadLetters.map((entry) => [entry.kind, entry.body.messageId])).toEqual([
      ['unreadable-record', 'bad'],
      ['unreadable-record', 'odd'],
    ]);
    expect(metrics).toMatchObject({ UnreadableRecords: 2, DenialsProcessed: 6, AlertsPublished: 1, DeliveryFailures: 0 });
    const again = await processSqsBatch(event, deps);
    expect(again.batchItemFailures).toEqual([]);
    expect(published).toHaveLength(1);
  });

  it('reports every message as failed when storage fails, so SQS delivers the batch again', async () => {
    const failing: SqsBatchDeps['engine'] = { processBatch: async () => Promise.reject(new Error('table unavailable')) };
    const { deps } = recordingDeps(failing);
    const response = await processSqsBatch({ Records: [message('a', envelope(syntheticBurst(1, T0, 1)[0]!)), message('b', envelope(syntheticBurst(1, T0, 1)[0]!))] }, deps);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
  });

  it('dead-letters an alert whose delivery finally failed, with the alert intact, and does not fail the batch', async () => {
    const { store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const { deps, deadLetters, metrics } = recordingDeps(engine, async (alerts) => alerts.map((alert) => ({ channel: 'slack', error: 'HTTP 500', alert })));
    const response = await processSqsBatch({ Records: syntheticBurst(5, T0, 1).map((record, index) => message(`m${index}`, envelope(record))) }, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ kind: 'undelivered-alert', body: { channel: 'slack', error: 'HTTP 500', alert: { reason: 'threshold', count: 5 } } });
    expect(metrics.DeliveryFailures).toBe(1);
  });
});
