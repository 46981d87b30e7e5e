/**
 * The calls the deployed handler really makes are rows of the call table (test/stack/support/call-table.ts), which
 * test/stack/call-permissions.test.ts proves allowed. The handler is built as Lambda builds it
 * (`dependenciesFromEnvironment`, its own SDK clients, the environment the stack sets) and run over a spike of
 * denials, its clients sent to loopback stand-ins by the SDK's service-specific endpoint variables
 * (`AWS_ENDPOINT_URL_<SERVICE>`, AWS SDKs and Tools reference guide, "Service-specific endpoints"): DynamoDB Local
 * behind a recording proxy, SNS, Secrets Manager and SQS; every request is recorded as the IAM action and resource it
 * names.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table-schema.js';
import { HANDLER_ENV } from '../../lambdas/config/env.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import { dependenciesFromEnvironment, makeSqsHandler } from '../../lambdas/handler.js';
import { PUBLISH_RESPONSE } from '../delivery/sns-fake.js';
import { awsCallOf, startRecordingProxy, type RecordedAwsCall } from '../support/aws-call-recorder.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { useHttpServers, type LocalServer } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';
import { centralCalls } from './support/call-table.js';
import { centralVariant, CENTRAL_CONTEXTS } from './support/variants.js';

const dynamo = useDynamoDbLocal();
const servers = useHttpServers();
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:denial-alerts';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:denial-alerter/slack-webhook-AbCdEf';

/** The variables the SDK reads; set for the run, restored after. */
const SDK_ENVIRONMENT = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SNS', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL_SQS', 'AWS_MAX_ATTEMPTS'];
const saved = Object.fromEntries(SDK_ENVIRONMENT.map((name) => [name, process.env[name]]));
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Runs the handler as deployed over two spikes and returns every AWS call it made. */
async function recordHandlerRun(): Promise<RecordedAwsCall[]> {
  const requests: LocalServer['requests'][] = [];
  const slack = await servers.start((_request, response) => void response.writeHead(200).end('ok'));
  const sns = await servers.start((_request, response) => void response.writeHead(200, { 'content-type': 'text/xml' }).end(PUBLISH_RESPONSE));
  const secrets = await servers.start((request, response) => {
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: SecretId, Name: 'slack', SecretString: `${slack.origin}/services/T/B/secret` }));
  });
  // SQS sends to the host of the queue URL, so the queue URLs name the loopback server.
  const sqs = await servers.start((request, response) => {
    // The SDK checks the MD5 of the body SQS answers with.
    const { MessageBody } = JSON.parse(request.body) as { MessageBody: string };
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') }));
  });
  const table = servers.track(await startRecordingProxy(dynamo.emulator().endpoint));
  requests.push(sns.requests, secrets.requests, sqs.requests, table.requests);
  const { tableName } = await dynamo.newTable();

  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_DYNAMODB: table.origin,
    AWS_ENDPOINT_URL_SNS: sns.origin,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.origin,
    AWS_ENDPOINT_URL_SQS: sqs.origin,
  });
  delete process.env.AWS_SESSION_TOKEN;
  const environment = {
    [HANDLER_ENV.tableName]: tableName,
    [HANDLER_ENV.snsTopicArn]: TOPIC,
    [HANDLER_ENV.slackWebhookSecretArn]: SECRET,
    [HANDLER_ENV.alertDeadLetterQueueUrl]: `${sqs.origin}/111122223333/alert-dlq`,
    [HANDLER_ENV.recordDeadLetterQueueUrl]: `${sqs.origin}/111122223333/record-dlq`,
    [HANDLER_ENV.settings]: JSON.stringify(resolveSettings()),
  };
  const handler = makeSqsHandler(() => dependenciesFromEnvironment(environment));
  const start = Date.now() - 60_000;
  const records = [...syntheticBurst(5, start, 1, { principal: 'ci-deployer' }), ...syntheticBurst(5, start, 1, { principal: 'nightly-export' })];
  const envelope = (record: unknown) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record });
  const event: SQSEvent = { Records: [...records.map((record, index) => ({ messageId: `m${index}`, body: envelope(record) }) as SQSRecord), { messageId: 'unreadable', body: 'not json' } as SQSRecord] };
  const response = await handler(event, { getRemainingTimeInMillis: () => 120_000 });
  expect(response.batchItemFailures).toEqual([]);
  return requests.flat().map(awsCallOf).filter((call): call is RecordedAwsCall => call !== null);
}

describe('the calls the deployed handler makes', () => {
  let recorded: RecordedAwsCall[];
  beforeAll(async () => {
    recorded = await recordHandlerRun();
  }, 120_000);

  it('are recorded from a real run: history, alerts, the webhook secret, a dead letter, triage\'s index reads', () => {
    const actions = new Set(recorded.map((call) => call.action));
    expect([...actions]).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'sns:Publish', 'secretsmanager:GetSecretValue', 'sqs:SendMessage', 'dynamodb:Query']));
    expect(recorded.filter((call) => call.indexName !== undefined).length).toBeGreaterThan(0);
  });

  it('are each a row of the call table (action, and the index a Query or Scan names)', () => {
    const variant = centralVariant('default');
    const rows = centralCalls(variant, { ...CENTRAL_CONTEXTS.default, slackWebhookSecretName: 'denial-alerter/slack-webhook' }).filter((call) => call.caller.startsWith('the handler'));
    const rowKeys = new Set(rows.map((call) => `${call.action} ${/\/index\/(\w+)/.exec(JSON.stringify(call.resource))?.[1] ?? ''}`.trim()));
    // A TransactWriteItems call is authorized as the actions of its items (the engine's are Puts): DynamoDB developer
    // guide, "Using IAM with DynamoDB transactions".
    const keyOf = (call: RecordedAwsCall) => (call.action === 'dynamodb:TransactWriteItems' ? 'dynamodb:PutItem' : `${call.action} ${call.indexName ?? ''}`.trim());
    const missing = [...new Set(recorded.map(keyOf))].filter((key) => !rowKeys.has(key));
    expect(missing).toEqual([]);
    expect(Object.values(TABLE_SCHEMA.indexes).some((index) => recorded.some((call) => call.indexName === index.name))).toBe(true);
  });
});
