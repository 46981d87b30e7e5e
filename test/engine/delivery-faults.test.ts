/**
 * The harness with a misbehaving Slack: the real batch processor, engine and outbox on DynamoDB Local, the real
 * notifier (the replay's Slack webhook publisher) against a loopback server that hangs, answers 500, answers 429 with
 * `Retry-After: 3600`, or closes the connection, under a short simulated invocation budget. Every decided alert must
 * end delivered or dead-lettered with its content, and the outbox must hold nothing pending.
 */
import type { ServerResponse } from 'node:http';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createReplayNotifier } from '../../lambdas/replay/notifier.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { processSqsBatch } from '../../lambdas/engine/process-sqs-batch.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { dropConnection, startHttpServer } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';
import { alertsIn, scanTable } from './support.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-05-05T05:00:00Z');
/** The simulated invocation: what is left of it when delivery starts. */
const BUDGET_MS = 4_000;

const message = (id: string, record: CloudTrailRecord): SQSRecord =>
  ({ messageId: id, body: JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record }) }) as SQSRecord;

const SLACK_BEHAVIOURS: Record<string, (response: ServerResponse) => void | 'hang'> = {
  'hanging': () => 'hang',
  'answering 500': (response) => void response.writeHead(500).end('internal_error'),
  'answering 429 with Retry-After: 3600': (response) => void response.writeHead(429, { 'retry-after': '3600' }).end('rate_limited'),
  'closing the connection': (response) => dropConnection(response),
};

describe('delivery faults: every decided alert delivered or dead-lettered within the budget', () => {
  for (const [behaviour, answer] of Object.entries(SLACK_BEHAVIOURS)) {
    it(`Slack ${behaviour}: alerts dead-lettered with their content, nothing left pending`, async () => {
      const slack = await startHttpServer((_request, response) => answer(response));
      try {
        const { store, tableName } = await dynamo.newTable();
        const notifier = createReplayNotifier({ 'slack-webhook': `${slack.url}/services/T/B/x`, 'delivery-budget': '60s' }, {});
        const deadLetters: Array<{ kind: string; body: Record<string, unknown> }> = [];
        const records = ['alpha', 'beta', 'gamma'].flatMap((principal) => syntheticBurst(5, T0, 1, { principal }));
        const response = await processSqsBatch(
          { Records: records.map((record, index) => message(`m${index}`, record)) },
          {
            engine: createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 }),
            store,
            publisher: notifier.publisher,
            deadLetter: async (kind, body) => void deadLetters.push({ kind, body }),
            metric: () => undefined,
            log: () => undefined,
          },
          { deadlineMs: Date.now() + BUDGET_MS },
        );
        expect(response.batchItemFailures).toEqual([]);
        const alerts = alertsIn(await scanTable(dynamo.client(), tableName));
        expect(alerts).toHaveLength(3);
        const dead = deadLetters.filter((entry) => entry.kind === 'undelivered-alert');
        expect(dead.map((entry) => (entry.body.alert as AlertSummary).alertId).sort()).toEqual(alerts.map((entry) => entry.alertId).sort());
        for (const entry of dead) expect(entry.body.alert).toMatchObject({ reason: 'threshold', count: 5, action: 's3:PutObject' });
        for (const entry of alerts) expect(entry.status).toBe('done');
        expect(await store.pendingAlertIds(10)).toEqual([]);
      } finally {
        await slack.close();
      }
    }, 60_000);
  }

  it('Slack healthy: every alert delivered once and marked', async () => {
    const slack = await startHttpServer((_request, response) => void response.writeHead(200).end('ok'));
    try {
      const { store, tableName } = await dynamo.newTable();
      const notifier = createReplayNotifier({ 'slack-webhook': `${slack.url}/services/T/B/x` }, {});
      const records = ['alpha', 'beta'].flatMap((principal) => syntheticBurst(5, T0, 1, { principal }));
      const deps = {
        engine: createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 }),
        store,
        publisher: notifier.publisher,
        deadLetter: async () => undefined,
        metric: () => undefined,
        log: () => undefined,
      };
      const event = { Records: records.map((record, index) => message(`m${index}`, record)) };
      await processSqsBatch(event, deps, { deadlineMs: Date.now() + BUDGET_MS });
      await processSqsBatch(event, deps, { deadlineMs: Date.now() + BUDGET_MS });
      expect(slack.requests).toHaveLength(2);
      expect(alertsIn(await scanTable(dynamo.client(), tableName)).every((entry) => entry.status === 'done' && entry.delivered.length === 1)).toBe(true);
    } finally {
      await slack.close();
    }
  });
});
