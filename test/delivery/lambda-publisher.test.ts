/**
 * The Lambda's publisher: routes from `DENIAL_ALERTER_ROUTES`, each route's Slack webhook read from a (local) Secrets
 * Manager once per execution environment, SNS through the real SDK to a local endpoint.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { createLambdaPublisher, effectiveRoutes } from '../../lambdas/adapters/lambda-notifier.js';
import { deliveryDeadline, DELIVERY_SAFETY_MARGIN_MS } from '../../lambdas/config/delivery.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { Diagnosis } from '../../lambdas/core/iam-policy/diagnose.js';
import { historyTableLink } from '../../lambdas/core/render/cloudtrail-link.js';
import { routesFromJson } from '../../lambdas/core/routing.js';
import { stsAssumeRole } from '../render/alerts.js';
import { useHttpServers, type Respond } from '../support/http-server.js';
import { fakeSns, parsePublish, snsClient } from './sns-fake.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:org-alerts';
const servers = useHttpServers();
const server = servers.start;

/** A local Secrets Manager (JSON 1.1) holding `secrets` by id; other ids are refused as AccessDenied. */
async function secretsManager(secrets: Record<string, string>) {
  const local = await server((request, res) => {
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    if (!(SecretId in secrets)) {
      return void res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not allowed' }));
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: secrets[SecretId] }));
  });
  const client = new SecretsManagerClient({ endpoint: local.origin, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  return { local, client };
}

const ok: Respond = (_, res) => void res.writeHead(200).end('ok');
const alertIn = (accountId: string, alertId: string): AlertSummary => ({ ...stsAssumeRole, accountId, alertId });
const deadline = () => Date.now() + 60_000;

describe('the Lambda publisher', () => {
  it('routes from the environment variable; each route\'s webhook secret is read once and kept; SNS for the audit route', async () => {
    const prod = await server(ok);
    const dev = await server(ok);
    const sns = await fakeSns();
    servers.track(sns);
    const secrets = await secretsManager({ 'slack/prod': `${prod.url}/services/T/PROD/x`, 'slack/dev': JSON.stringify({ url: `${dev.url}/services/T/DEV/x` }) });
    const routes = routesFromJson(
      JSON.stringify([
        { name: 'audit', snsTopicArn: TOPIC, continue: true },
        { name: 'prod', match: { organizationalUnits: ['ou-ab12-prod0001'] }, slackWebhookSecretName: 'slack/prod' },
        { name: 'dev', slackWebhookSecretName: 'slack/dev' },
      ]),
    );
    const publisher = createLambdaPublisher({
      routes,
      accountOrganizationalUnits: { '111111111111': ['ou-ab12-prod0001', 'r-ab12'] },
      clients: { secretsManager: () => secrets.client, sns: () => snsClient(sns.origin) },
      slack: { minIntervalMs: 10 },
    });
    const first = await publisher.publish([{ alert: alertIn('111111111111', 'p1'), alreadyDelivered: [] }, { alert: alertIn('222222222222', 'd1'), alreadyDelivered: [] }], { deadlineMs: deadline() });
    expect(first).toEqual([
      { alertId: 'p1', channel: `sns:${TOPIC}`, status: 'delivered' },
      { alertId: 'p1', channel: 'slack:prod', status: 'delivered' },
      { alertId: 'd1', channel: `sns:${TOPIC}`, status: 'delivered' },
      { alertId: 'd1', channel: 'slack:dev', status: 'delivered' },
    ]);
    await publisher.publish([{ alert: alertIn('111111111111', 'p2'), alreadyDelivered: [] }], { deadlineMs: deadline() });
    expect(prod.requests).toHaveLength(2);
    expect(dev.requests).toHaveLength(1);
    expect(secrets.local.requests.map((request) => (JSON.parse(request.body) as { SecretId: string }).SecretId).sort()).toEqual(['slack/dev', 'slack/prod']);
    expect(sns.requests.map((request) => parsePublish(request).message)).toEqual([
      expect.stringContaining('route: audit+prod'),
      expect.stringContaining('route: audit+dev'),
      expect.stringContaining('route: audit+prod'),
    ]);
  });

  it('gives Slack a History button and SNS a History line to the deployment\'s table in the console', async () => {
    const webhook = await server(ok);
    const sns = await fakeSns();
    servers.track(sns);
    const secrets = await secretsManager({ 'slack/all': `${webhook.url}/services/T/ALL/x` });
    const historyUrl = historyTableLink('eu-west-1', 'DenialAlerter-History');
    const publisher = createLambdaPublisher({
      routes: routesFromJson(JSON.stringify([{ name: 'all', slackWebhookSecretName: 'slack/all', snsTopicArn: TOPIC }])),
      clients: { secretsManager: () => secrets.client, sns: () => snsClient(sns.origin) },
      historyUrl,
    });
    await publisher.publish([{ alert: alertIn('111111111111', 'h1'), alreadyDelivered: [] }], { deadlineMs: deadline() });
    const posted = JSON.parse(webhook.requests[0]!.body) as { blocks: unknown[]; attachments?: Array<{ blocks: unknown[] }> };
    const buttons = JSON.stringify([...posted.blocks, ...(posted.attachments ?? []).flatMap((attachment) => attachment.blocks)]);
    expect(buttons).toContain(`"url":"${historyUrl}"`);
    expect(parsePublish(sns.requests[0]!).message).toContain(`History: ${historyUrl}`);
  });

  it('routes by the principal\'s tags when policy lookups read them with its policies; without them, to the default', async () => {
    const payments = await server(ok);
    const fallback = await server(ok);
    const secrets = await secretsManager({ 'slack/payments': `${payments.url}/services/T/PAY/x`, 'slack/all': `${fallback.url}/services/T/ALL/x` });
    const publisher = createLambdaPublisher({
      routes: routesFromJson(JSON.stringify([{ name: 'payments', match: { principalTags: { team: 'pay*' } }, slackWebhookSecretName: 'slack/payments' }, { name: 'all', slackWebhookSecretName: 'slack/all' }])),
      clients: { secretsManager: () => secrets.client },
    });
    const diagnosis: Diagnosis = { decision: 'implicit-deny', layer: 'identity-policy', denyingStatement: null, changes: [], managedPolicies: [], dependsOn: [], notChecked: [], summary: 'no policy allows it' };
    const tagged = { ...alertIn('111111111111', 't1'), diagnosis: { ...diagnosis, principalTags: { team: 'payments', env: 'prod' } } };
    const untagged = { ...alertIn('111111111111', 'u1'), diagnosis };
    const outcomes = await publisher.publish([{ alert: tagged, alreadyDelivered: [] }, { alert: untagged, alreadyDelivered: [] }], { deadlineMs: deadline() });
    expect(outcomes).toEqual([
      { alertId: 't1', channel: 'slack:payments', status: 'delivered' },
      { alertId: 'u1', channel: 'slack:all', status: 'delivered' },
    ]);
    expect(payments.requests).toHaveLength(1);
    expect(fallback.requests).toHaveLength(1);
  });

  it('a secret that cannot be read fails that route\'s Slack only (the error names the secret, never a URL)', async () => {
    const dev = await server(ok);
    const secrets = await secretsManager({ 'slack/dev': `${dev.url}/services/T/DEV/x` });
    const publisher = createLambdaPublisher({
      routes: routesFromJson(JSON.stringify([{ name: 'prod', match: { accounts: ['111111111111'] }, slackWebhookSecretName: 'slack/prod' }, { name: 'dev', slackWebhookSecretName: 'slack/dev' }])),
      clients: { secretsManager: () => secrets.client },
    });
    const outcomes = await publisher.publish([{ alert: alertIn('111111111111', 'p1'), alreadyDelivered: [] }, { alert: alertIn('222222222222', 'd1'), alreadyDelivered: [] }], { deadlineMs: deadline() });
    expect(outcomes[0]).toMatchObject({ alertId: 'p1', channel: 'slack:prod', status: 'failed' });
    expect(outcomes[0]!.error).toContain('could not read the Slack webhook secret slack/prod: AccessDeniedException');
    expect(outcomes[1]).toEqual({ alertId: 'd1', channel: 'slack:dev', status: 'delivered' });
  });

  it('without routes, one default route over the stack\'s topic and secret; with neither, no route', () => {
    expect(effectiveRoutes({ snsTopicArn: TOPIC, slackWebhookSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:s' })).toEqual([
      { name: 'default', slackWebhookSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:s', snsTopicArn: TOPIC },
    ]);
    expect(effectiveRoutes({})).toEqual([]);
    const routes = routesFromJson(JSON.stringify([{ name: 'only', snsTopicArn: TOPIC }]));
    expect(effectiveRoutes({ routes, snsTopicArn: 'arn:aws:sns:us-east-1:111122223333:ignored' })).toEqual(routes);
  });
});

describe('the delivery deadline of an invocation', () => {
  it('is the remaining time less the safety margin kept for dead-lettering; a short invocation still gets part of what is left', () => {
    expect(deliveryDeadline(1_000_000, 120_000)).toBe(1_000_000 + 120_000 - DELIVERY_SAFETY_MARGIN_MS);
    expect(deliveryDeadline(1_000_000, 4_000)).toBe(1_001_000);
    expect(deliveryDeadline(1_000_000, 600)).toBe(1_000_300);
  });
});
