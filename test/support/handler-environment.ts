/**
 * The Lambda handler as `dependenciesFromEnvironment` builds it, for end-to-end tests: real SDK clients pointed by
 * `AWS_ENDPOINT_URL_*` at DynamoDB Local, a loopback SNS and a loopback Secrets Manager, and every other AWS endpoint
 * at a catch-all loopback that answers 500 and counts what reaches it (a policy lookup: IAM, STS, Organizations, KMS…).
 * Two routes: `payments` (the responders of account 111122223333: its own Slack webhook and topic) and the default
 * route `all` (its Slack webhook also receives the operations notices). Call once per test file.
 */
import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll } from 'vitest';
import { dependenciesFromEnvironment, makeHandler, operationsDependenciesFromEnvironment } from '../../lambdas/handler.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { parsePublish, PUBLISH_RESPONSE } from '../delivery/sns-fake.js';
import { useDynamoDbLocal } from './dynamodb.js';
import { startHttpServer, useHttpServers, type LocalServer, type Respond } from './http-server.js';

export const HANDLER_ACCOUNT = '111122223333';
export const HANDLER_FUNCTION_NAME = 'DenialAlerter-Handler1234';
export const OPERATIONS_TOPIC = `arn:aws:sns:us-east-1:${HANDLER_ACCOUNT}:DenialAlerter-Operations`;
export const PAYMENTS_TOPIC = `arn:aws:sns:us-east-1:${HANDLER_ACCOUNT}:payments-alerts`;
export const INVOCATION = { getRemainingTimeInMillis: () => 60_000 };

/** An SQS batch of EventBridge envelopes around `records`, message ids `${tag}0`, `${tag}1`, … */
export const sqsBatch = (records: CloudTrailRecord[], tag: string): SQSEvent => ({
  Records: records.map((record, index) => ({ messageId: `${tag}${index}`, body: JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record }) }) as SQSRecord),
});

/** What a topic delivers to its Lambda subscription (the handler) for one Publish. */
export const asSubscriptionEvent = (publish: ReturnType<typeof parsePublish>): SNSEvent =>
  ({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', TopicArn: publish.topicArn, Subject: publish.subject, Message: publish.message, MessageAttributes: {} } }] }) as unknown as SNSEvent;

/** The `text` of each message a Slack webhook received. */
export const postedText = (server: LocalServer) => server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);

/** Starts the loopbacks for the file; `deployment(extraEnv)` builds one handler over a fresh table. */
export function useHandlerEnvironment() {
  const dynamo = useDynamoDbLocal();
  const servers = useHttpServers();
  const sdkEnvironment: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};
  const webhooks: Record<string, string> = {};
  let catchAll: LocalServer;
  let sns: LocalServer;
  let secrets: LocalServer;

  beforeAll(async () => {
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
    // The SDK clients read their endpoints from process.env.
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

  /** A handler over a fresh table with policy lookups on, its Slack webhooks, and what reached SNS and the catch-all. */
  async function deployment(extra: Record<string, string> = {}) {
    const ok: Respond = (_, res) => void res.writeHead(200).end('ok');
    const paymentsSlack = await servers.start(ok);
    const defaultSlack = await servers.start(ok);
    webhooks['slack/payments'] = `${paymentsSlack.url}/services/T/P/x`;
    webhooks['slack/all'] = `${defaultSlack.url}/services/T/A/x`;
    const { tableName } = await dynamo.newTable();
    const routes = [
      { name: 'payments', match: { accounts: [HANDLER_ACCOUNT] }, slackWebhookSecretName: 'slack/payments', snsTopicArn: PAYMENTS_TOPIC },
      { name: 'all', slackWebhookSecretName: 'slack/all' },
    ];
    const env: NodeJS.ProcessEnv = {
      ...sdkEnvironment,
      AWS_LAMBDA_FUNCTION_NAME: HANDLER_FUNCTION_NAME,
      DENIAL_TABLE_NAME: tableName,
      DENIAL_ALERTER_ROUTES: JSON.stringify(routes),
      POLICY_LOOKUPS: 'true',
      MEMBER_READER_ROLE_ARN: 'arn:aws:iam::*:role/DenialAlerterReader',
      CENTRAL_ACCOUNT_ID: HANDLER_ACCOUNT,
      ...extra,
    };
    const handler = makeHandler(() => dependenciesFromEnvironment(env), () => operationsDependenciesFromEnvironment(env));
    const snsBefore = sns.requests.length;
    const lookupsBefore = catchAll.requests.length;
    return {
      handler,
      paymentsSlack,
      defaultSlack,
      publishes: () => sns.requests.slice(snsBefore).map(parsePublish),
      lookups: () => catchAll.requests.length - lookupsBefore,
    };
  }

  return { deployment };
}
