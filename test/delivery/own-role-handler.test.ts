/**
 * Issue 23, bullet 6, end to end: the Lambda handler as `dependenciesFromEnvironment` builds it (real SDK clients
 * pointed by `AWS_ENDPOINT_URL_*` at DynamoDB Local, a loopback SNS, a loopback Secrets Manager, and a catch-all
 * loopback for every other AWS endpoint, so that any policy lookup would be seen there), loopback Slack webhooks.
 *
 * A hundred denials of the alerter's own roles (labelled synthetic records: `test/support/records.ts`) give one
 * operations notice (one Publish on the operations topic, which the handler's own subscription posts as one operations
 * message to the default route's Slack), no lookup, and nothing on the responders' route (its Slack and its topic).
 * Another principal's burst, in the same table and handler, still alerts that route (the control that shows the test
 * can fail).
 */
import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler, dependenciesFromEnvironment, operationsDependenciesFromEnvironment } from '../../lambdas/handler.js';
import { OWN_ROLES_ENV, forwarderRoleNamesFromJson } from '../../lambdas/config/own-roles.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { useHttpServers, type LocalServer, type Respond } from '../support/http-server.js';
import { syntheticBurst } from '../support/records.js';
import { parsePublish, PUBLISH_RESPONSE } from './sns-fake.js';

const dynamo = useDynamoDbLocal();
const servers = useHttpServers();

const ACCOUNT = '111122223333';
const FUNCTION_NAME = 'DenialAlerter-Handler1234';
const OPERATIONS_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:DenialAlerter-Operations`;
const PAYMENTS_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:payments-alerts`;
const context = { getRemainingTimeInMillis: () => 60_000 };

/** The synthetic S3 denial as made by `role` in session `session` (the handler's sessions carry its function name). */
const asRole = (record: CloudTrailRecord, role: string, session: string): CloudTrailRecord =>
  JSON.parse(JSON.stringify(record).replaceAll('ci-deployer/job-42', `${role}/${session}`).replaceAll('role/ci-deployer', `role/${role}`).replaceAll('"ci-deployer"', `"${role}"`)) as CloudTrailRecord;

const envelope = (record: CloudTrailRecord) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record });
const sqsBatch = (records: CloudTrailRecord[], tag: string): SQSEvent => ({ Records: records.map((record, index) => ({ messageId: `${tag}${index}`, body: envelope(record) }) as SQSRecord) });

/** What the operations topic delivers to its Lambda subscription (the handler) for one Publish. */
const asSubscriptionEvent = (publish: ReturnType<typeof parsePublish>): SNSEvent =>
  ({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', TopicArn: publish.topicArn, Subject: publish.subject, Message: publish.message, MessageAttributes: {} } }] }) as unknown as SNSEvent;

/** The SDK's endpoints, for the whole file (the clients read them from process.env). */
const sdkEnvironment: Record<string, string> = {};
const saved: Record<string, string | undefined> = {};
let catchAll: LocalServer;
let sns: LocalServer;
let secrets: LocalServer;
const webhooks: Record<string, string> = {};

beforeAll(async () => {
  const { startHttpServer } = await import('../support/http-server.js');
  // Any AWS call other than DynamoDB, SNS and Secrets Manager (IAM, STS, Organizations, KMS, …: a policy lookup).
  catchAll = await startHttpServer((_, res) => void res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"not expected"}'));
  sns = await startHttpServer((_, res) => void res.writeHead(200, { 'content-type': 'text/xml' }).end(PUBLISH_RESPONSE));
  secrets = await startHttpServer((request, res) => {
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: webhooks[SecretId] }));
  });
  Object.assign(sdkEnvironment, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL: catchAll.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.emulator().endpoint,
    AWS_ENDPOINT_URL_SNS: sns.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
  });
  for (const [name, value] of Object.entries(sdkEnvironment)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
}, 120_000);

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([catchAll?.close(), sns?.close(), secrets?.close()]);
});

/** Loopback Slack webhooks for the responders' route (payments) and the default route, and the handler's environment. */
async function deployment(extra: Record<string, string>) {
  const ok: Respond = (_, res) => void res.writeHead(200).end('ok');
  const paymentsSlack = await servers.start(ok);
  const defaultSlack = await servers.start(ok);
  webhooks['slack/payments'] = `${paymentsSlack.url}/services/T/P/x`;
  webhooks['slack/all'] = `${defaultSlack.url}/services/T/A/x`;
  const { tableName } = await dynamo.newTable();
  const routes = [
    { name: 'payments', match: { accounts: [ACCOUNT] }, slackWebhookSecretName: 'slack/payments', snsTopicArn: PAYMENTS_TOPIC },
    { name: 'all', slackWebhookSecretName: 'slack/all' },
  ];
  const env: NodeJS.ProcessEnv = {
    ...sdkEnvironment,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    DENIAL_TABLE_NAME: tableName,
    DENIAL_ALERTER_ROUTES: JSON.stringify(routes),
    POLICY_LOOKUPS: 'true',
    MEMBER_READER_ROLE_ARN: 'arn:aws:iam::*:role/DenialAlerterReader',
    CENTRAL_ACCOUNT_ID: ACCOUNT,
    ...extra,
  };
  const handler = makeHandler(() => dependenciesFromEnvironment(env), () => operationsDependenciesFromEnvironment(env));
  const publishes = () => sns.requests.slice(snsBefore).map(parsePublish);
  const lookupsBefore = catchAll.requests.length;
  const snsBefore = sns.requests.length;
  return { handler, paymentsSlack, defaultSlack, publishes, lookups: () => catchAll.requests.length - lookupsBefore };
}

const postedText = (server: LocalServer) => server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);

describe("a denial of the alerter's own roles, through the handler", () => {
  it('a hundred denials of the handler role in two batches: one Publish on the operations topic, its Slack message once, no lookup, nothing on the responders\' route', { timeout: 120_000 }, async () => {
    const { handler, paymentsSlack, defaultSlack, publishes, lookups } = await deployment({ [OWN_ROLES_ENV.operationsTopicArn]: OPERATIONS_TOPIC });
    const own = syntheticBurst(100, Date.now() - 90_000, 1).map((record) => asRole(record, 'DenialAlerter-HandlerRole-ABC', FUNCTION_NAME));

    expect(await handler(sqsBatch(own.slice(0, 50), 'a'), context)).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsBatch(own.slice(50), 'b'), context)).toEqual({ batchItemFailures: [] });

    const published = publishes();
    expect(published.map((publish) => publish.topicArn)).toEqual([OPERATIONS_TOPIC]);
    expect(published[0]!.subject).toBe("Denial Alerter: the alerter's handler role was denied s3:PutObject");
    expect(published[0]!.message).toContain(`grant s3:PutObject on arn:aws:s3:::artifacts/builds/app.zip to arn:aws:iam::${ACCOUNT}:role/DenialAlerter-HandlerRole-ABC`);
    expect(published[0]!.message).toContain('No alert went to the responders and no lookup was made');
    expect(lookups()).toBe(0);
    expect(paymentsSlack.requests).toHaveLength(0);
    // Nothing posted to Slack directly: the topic's subscription (the handler's SNS path) does that, once.
    expect(defaultSlack.requests).toHaveLength(0);

    await handler(asSubscriptionEvent(published[0]!), context);
    expect(postedText(defaultSlack)).toEqual(["Operations: Denial Alerter: the alerter's handler role was denied s3:PutObject"]);
    expect(paymentsSlack.requests).toHaveLength(0);

    // The control: another principal's burst in the same deployment alerts the responders' route, and is looked up.
    await handler(sqsBatch(syntheticBurst(6, Date.now() - 60_000, 1, { principal: 'nightly-export' }), 'c'), context);
    expect(paymentsSlack.requests).toHaveLength(1);
    expect(publishes().map((publish) => publish.topicArn)).toEqual([OPERATIONS_TOPIC, PAYMENTS_TOPIC]);
    expect(lookups()).toBeGreaterThan(0);
    expect(defaultSlack.requests).toHaveLength(1);
  });

  it('without the operations topic, the notice goes to the default route\'s Slack directly, once; a forwarder role is recognised from DENIAL_ALERTER_FORWARDER_ROLES', { timeout: 120_000 }, async () => {
    const { handler, paymentsSlack, defaultSlack, publishes, lookups } = await deployment({ [OWN_ROLES_ENV.forwarderRoleNames]: JSON.stringify(['DenialAlerterForwarder*']) });
    const own = syntheticBurst(100, Date.now() - 90_000, 1).map((record) => asRole(record, 'DenialAlerterForwarder-eu-west-1', 'forward'));
    await handler(sqsBatch(own.slice(0, 50), 'a'), context);
    await handler(sqsBatch(own.slice(50), 'b'), context);
    expect(postedText(defaultSlack)).toEqual(["Operations: Denial Alerter: an alerter forwarder's role was denied s3:PutObject"]);
    expect(paymentsSlack.requests).toHaveLength(0);
    expect(publishes()).toEqual([]);
    expect(lookups()).toBe(0);
  });

  it('a denial of the reader role in a member account names the account to deploy it in', { timeout: 120_000 }, async () => {
    const { handler, paymentsSlack, publishes, lookups } = await deployment({ [OWN_ROLES_ENV.operationsTopicArn]: OPERATIONS_TOPIC });
    const own = syntheticBurst(20, Date.now() - 60_000, 1).map((record) => asRole(record, 'DenialAlerterReader', 'lookup'));
    await handler(sqsBatch(own, 'a'), context);
    expect(publishes().map((publish) => publish.message)).toEqual([expect.stringMatching(/deploy the reader role in account 111122223333/)]);
    expect(paymentsSlack.requests).toHaveLength(0);
    expect(lookups()).toBe(0);
  });
});

describe('DENIAL_ALERTER_FORWARDER_ROLES', () => {
  it('is a JSON array of role names; anything else is a one-line error naming the variable', () => {
    expect(forwarderRoleNamesFromJson(undefined)).toEqual([]);
    expect(forwarderRoleNamesFromJson('["DenialAlerterForwarder*","exact-role"]')).toEqual(['DenialAlerterForwarder*', 'exact-role']);
    expect(() => forwarderRoleNamesFromJson('DenialAlerterForwarder*')).toThrow(/^DENIAL_ALERTER_FORWARDER_ROLES is not JSON/);
    expect(() => forwarderRoleNamesFromJson('[""]')).toThrow(/^DENIAL_ALERTER_FORWARDER_ROLES must be a JSON array of role names/);
    expect(() => forwarderRoleNamesFromJson('{"a":1}')).toThrow(/^DENIAL_ALERTER_FORWARDER_ROLES must be/);
  });
});
