/**
 * The Lambda handler end to end on DynamoDB Local, with the real publisher against loopback Slack and SNS: the
 * delivery deadline comes from the invocation's remaining time (14 s left here, so 4 s for delivery after the safety
 * margin, standing for 120 s in a real invocation). Slack hanging, answering 500, 429 with `Retry-After: 3600`, or
 * closing the connection: SNS still takes every alert, Slack's alerts are dead-lettered intact, the batch never
 * fails, and the outbox records each channel's outcome.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLambdaPublisher } from '../../lambdas/adapters/lambda-notifier.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { loadPolicyDiagnoserModule, makeSqsHandler } from '../../lambdas/handler.js';
import { alertsIn, scanTable } from '../engine/support.js';
import { ec2GetPasswordData, stsAssumeRole } from '../render/alerts.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { dropConnection, useHttpServers, type Respond } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';
import { fakeSns, snsClient } from './sns-fake.js';

const dynamo = useDynamoDbLocal();
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:denial-alerts';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbCdEf';
/** What the invocation has left when the batch arrives: 4 s for delivery after the 10 s safety margin. */
const REMAINING_MS = 14_000;
const servers = useHttpServers();
// Rendering runs inside the deadline; warm the renderers once so that a cold JIT on a loaded machine does not eat the
// small window these tests give delivery.
beforeAll(() => {
  for (const alert of [ec2GetPasswordData, stsAssumeRole]) {
    buildSlackMessage(alert);
    buildSnsMessage(alert);
  }
}, 60_000);
const server = servers.start;

const message = (id: string, body: string): SQSRecord => ({ messageId: id, body }) as SQSRecord;
const envelope = (record: CloudTrailRecord) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record });

/** Two fingerprints (two principals) over their threshold, dated now (the handler's clock is arrival time). */
function twoSpikes(): SQSEvent {
  const start = Date.now() - 60_000;
  const records = [...syntheticBurst(5, start, 1, { principal: 'ci-deployer' }), ...syntheticBurst(5, start, 1, { principal: 'nightly-export' })];
  return { Records: records.map((record, index) => message(`m${index}`, envelope(record))) };
}

async function invoke(slack: Respond) {
  const webhook = await server(slack);
  const sns = await fakeSns();
  servers.track(sns);
  const secrets = await server((request, res) => {
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: SecretId, Name: 'slack', SecretString: `${webhook.url}/services/T/B/secret` }));
  });
  const { store, tableName } = await dynamo.newTable();
  const deadLetters: Array<{ kind: string; body: Record<string, unknown> }> = [];
  const handler = makeSqsHandler(() => ({
    engine: createSpikeEngine({ store, settings: resolveSettings(), now: Date.now, clock: 'arrival' }),
    store,
    publisher: createLambdaPublisher({
      snsTopicArn: TOPIC,
      slackWebhookSecretArn: SECRET,
      clients: {
        sns: () => snsClient(sns.origin),
        secretsManager: () => new SecretsManagerClient({ endpoint: secrets.origin, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 }),
      },
    }),
    deadLetter: async (kind, body) => void deadLetters.push({ kind, body }),
    metric: () => undefined,
    log: () => undefined,
  }));
  const response = await handler(twoSpikes(), { getRemainingTimeInMillis: () => REMAINING_MS });
  return { response, webhook, sns, deadLetters, outbox: alertsIn(await scanTable(dynamo.client(), tableName)) };
}

describe('the handler delivers within the invocation\'s remaining time', () => {
  it.each<[string, Respond, RegExp]>([
    ['Slack hanging', () => 'hang', /timed out|deadline/],
    ['Slack answering 500', (_, res) => void res.writeHead(500).end('internal_error'), /HTTP 500|deadline/],
    ['Slack rate limiting with Retry-After 3600', (_, res) => void res.writeHead(429, { 'retry-after': '3600' }).end('rate_limited'), /Retry-After 3600 s/],
    ['Slack closing the connection', (_, res) => dropConnection(res), /network error|deadline/],
  ])('%s: SNS takes both alerts, Slack\'s are dead-lettered intact, the batch does not fail', async (_, slack, reason) => {
    const { response, webhook, sns, deadLetters, outbox } = await invoke(slack);
    expect(response.batchItemFailures).toEqual([]);
    expect(sns.requests, JSON.stringify(deadLetters.map((entry) => [entry.body.channel, entry.body.error]))).toHaveLength(2);
    expect(deadLetters.map((entry) => [entry.kind, entry.body.channel])).toEqual([
      ['undelivered-alert', 'slack:default'],
      ['undelivered-alert', 'slack:default'],
    ]);
    expect(String(deadLetters[0]!.body.error)).toMatch(reason);
    const principals = deadLetters.map((entry) => (entry.body.alert as { principalArn: string }).principalArn).sort();
    expect(principals).toEqual(['arn:aws:iam::111122223333:role/ci-deployer', 'arn:aws:iam::111122223333:role/nightly-export']);
    expect(deadLetters.every((entry) => (entry.body.alert as { count: number }).count === 5)).toBe(true);
    expect(outbox).toHaveLength(2);
    for (const item of outbox) expect(item).toMatchObject({ status: 'done', delivered: [`sns:${TOPIC}`], deadLettered: ['slack:default'] });
    expect(webhook.requests.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(deadLetters)).not.toContain('/services/T/B/secret');
  });
});

describe('the lazy policy-lookup path', () => {
  it('loads from the sources (the bundle loads policy-diagnoser.mjs from beside index.mjs: bench/footprint.ts checks it)', async () => {
    const module = await loadPolicyDiagnoserModule();
    expect(typeof module.createPolicyDiagnoser).toBe('function');
  });
});
