/**
 * The routed publisher (the engine's AlertPublisher) against loopback HTTP servers standing in for Slack and SNS,
 * under small deadlines that stand for the Lambda's remaining time (2 s here for the 120 s of a real invocation).
 * Assertions are on outcomes, never on durations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAlertPublisher, slackAlertChannel, snsAlertChannel, type AlertChannel } from '../../lambdas/adapters/notifier.js';
import { SlackWebhookSender } from '../../lambdas/adapters/slack-webhook.js';
import { SnsPublisher } from '../../lambdas/adapters/sns-publisher.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { buildSlackMessage, type SlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { parseRoutes, type Route } from '../../lambdas/core/routing.js';
import type { ChannelOutcome } from '../../lambdas/engine/alert-publisher.js';
import { ec2GetPasswordData, stsAssumeRole } from '../render/alerts.js';
import { dropConnection, useHttpServers, type LocalServer } from '../support/http-server.js';
import { fakeSns, parsePublish, snsClient } from './sns-fake.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:denial-alerts';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbCdEf';
const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSecretToken123';
/** The simulated remaining time of an invocation. */
const BUDGET_MS = 3000;
const alerts: AlertSummary[] = [ec2GetPasswordData, stsAssumeRole];
const untouched = structuredClone(alerts);
const servers = useHttpServers();

// Rendering is CPU work that runs before a channel's clock matters (and can take a while on a loaded machine): render
// each Slack message once, and warm the SNS renderer, so that the small deadlines below measure delivery only.
function memo<T>(render: (alert: AlertSummary) => T): (alert: AlertSummary) => T {
  const rendered = new Map<string, T>();
  return (alert) => {
    const key = JSON.stringify(alert);
    if (!rendered.has(key)) rendered.set(key, render(alert));
    return rendered.get(key)!;
  };
}
const renderSlack = memo<SlackMessage>(buildSlackMessage);
const renderSns = memo(buildSnsMessage);
const prodAlert: AlertSummary = { ...ec2GetPasswordData, alertId: 'prod-1', accountId: '111111111111' };
const devAlert: AlertSummary = { ...stsAssumeRole, alertId: 'dev-1', accountId: '222222222222' };
const otherAlert: AlertSummary = { ...stsAssumeRole, alertId: 'other-1', accountId: '333333333333' };
beforeAll(() => {
  const used: Array<[AlertSummary, string]> = [...alerts.map((alert): [AlertSummary, string] => [alert, 'default']), [prodAlert, 'prod'], [prodAlert, 'audit+team'], [devAlert, 'dev'], [otherAlert, 'default']];
  for (const [alert, route] of used) {
    renderSlack({ ...alert, route });
    renderSns({ ...alert, route });
  }
}, 120_000);
const server = servers.start;

async function sns(status = 200): Promise<LocalServer> {
  const started = await fakeSns(status);
  servers.track(started);
  return started;
}

const requestsOf = (alertList: readonly AlertSummary[], alreadyDelivered: string[] = []) => alertList.map((alert) => ({ alert, alreadyDelivered }));

/** A publisher over one default route: Slack at `slackOrigin`, SNS at `snsOrigin`. */
function publisherOf(options: { slackOrigin?: string; snsOrigin?: string; routes?: Route[]; webhooks?: Record<string, string>; budgetPerChannelMs?: number }) {
  const routes = options.routes ?? [{ name: 'default', ...(options.slackOrigin ? { slackWebhookSecretArn: SECRET } : {}), ...(options.snsOrigin ? { snsTopicArn: TOPIC } : {}) }];
  const webhooks = options.webhooks ?? { default: `${options.slackOrigin}${SECRET_PATH}` };
  const senders = new Map<string, SlackWebhookSender>();
  return createAlertPublisher({
    routes,
    budgetPerChannelMs: options.budgetPerChannelMs,
    channel(id, route): AlertChannel | undefined {
      if (id.startsWith('sns:')) return options.snsOrigin ? snsAlertChannel(id, new SnsPublisher(snsClient(options.snsOrigin), id.slice(4), renderSns)) : undefined;
      const url = webhooks[route.name];
      if (!url) return undefined;
      if (!senders.has(url)) senders.set(url, new SlackWebhookSender({ webhookUrl: url, minIntervalMs: 20, initialBackoffMs: 100 }));
      return slackAlertChannel(id, senders.get(url)!, renderSlack);
    },
  });
}

const deadline = () => Date.now() + BUDGET_MS;
const byChannel = (outcomes: ChannelOutcome[], channel: string) => outcomes.filter((outcome) => outcome.channel === channel);

function expectNoSecret(outcomes: ChannelOutcome[]): void {
  const text = JSON.stringify(outcomes);
  expect(text).not.toContain('xoxSecretToken123');
  expect(text).not.toContain('T0SECRET');
}

describe('delivery within the invocation deadline', () => {
  it('Slack hanging: SNS still delivers every alert; each Slack alert fails by the deadline, the later one untried', async () => {
    const slack = await server(() => 'hang');
    const topic = await sns();
    const outcomes = await publisherOf({ slackOrigin: slack.origin, snsOrigin: topic.origin }).publish(requestsOf(alerts), { deadlineMs: deadline() });

    expect(byChannel(outcomes, `sns:${TOPIC}`)).toEqual(alerts.map((alert) => ({ alertId: alert.alertId, channel: `sns:${TOPIC}`, status: 'delivered' })));
    expect(topic.requests.map((request) => parsePublish(request).subject)).toEqual(alerts.map((alert) => renderSns({ ...alert, route: 'default' }).subject));
    const slackOutcomes = byChannel(outcomes, 'slack:default');
    expect(slackOutcomes.map((outcome) => [outcome.alertId, outcome.status])).toEqual(alerts.map((alert) => [alert.alertId, 'failed']));
    expect(slackOutcomes[0]!.error).toMatch(/^SlackDeliveryError: Slack delivery gave up after \d+ attempts? \(budget \d+ ms\): timed out after \d+ ms/);
    expect(slackOutcomes[1]!.error).toMatch(/^not tried: (slack:default failed for an earlier alert of this batch|the delivery deadline had passed)/);
    expectNoSecret(outcomes);
    expect(alerts).toEqual(untouched);
  });

  it('Slack answering 500: retried with backoff, then failed by the deadline; SNS unaffected', async () => {
    const slack = await server((_, res) => void res.writeHead(500).end('internal'));
    const topic = await sns();
    const outcomes = await publisherOf({ slackOrigin: slack.origin, snsOrigin: topic.origin }).publish(requestsOf([ec2GetPasswordData]), { deadlineMs: deadline() });
    expect(byChannel(outcomes, `sns:${TOPIC}`)[0]!.status).toBe('delivered');
    const [failed] = byChannel(outcomes, 'slack:default');
    expect(failed).toMatchObject({ status: 'failed', alertId: ec2GetPasswordData.alertId });
    expect(failed!.error).toMatch(/gave up after \d+ attempts .*HTTP 500 internal/);
    expect(slack.requests.length).toBeGreaterThan(1);
  });

  it('429 with Retry-After 3600: fails at once (dead-letter now) instead of sleeping an hour; the next alert is not even sent', async () => {
    const slack = await server((_, res) => void res.writeHead(429, { 'retry-after': '3600' }).end('rate_limited'));
    const topic = await sns();
    const outcomes = await publisherOf({ slackOrigin: slack.origin, snsOrigin: topic.origin }).publish(requestsOf(alerts), { deadlineMs: Date.now() + 120_000 });
    const slackOutcomes = byChannel(outcomes, 'slack:default');
    expect(slackOutcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed']);
    expect(slackOutcomes[0]!.error).toContain('HTTP 429 rate limited (Retry-After 3600 s), past the delivery deadline: not waiting');
    expect(slackOutcomes[1]!.error).toMatch(/^not tried: slack:default failed for an earlier alert of this batch \(.*Retry-After 3600 s/);
    expect(slack.requests).toHaveLength(1);
    expect(byChannel(outcomes, `sns:${TOPIC}`).map((outcome) => outcome.status)).toEqual(['delivered', 'delivered']);
  });

  it('Slack closing the connection: network errors retried, then failed by the deadline', async () => {
    const slack = await server((_, res) => dropConnection(res));
    const outcomes = await publisherOf({ slackOrigin: slack.origin }).publish(requestsOf([stsAssumeRole]), { deadlineMs: deadline() });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ channel: 'slack:default', status: 'failed', alertId: stsAssumeRole.alertId });
    expect(outcomes[0]!.error).toMatch(/network error/);
    expect(slack.requests.length).toBeGreaterThan(1);
    expectNoSecret(outcomes);
  });

  it('a deadline already past: nothing is sent, every channel reports failed', async () => {
    const slack = await server((_, res) => void res.writeHead(200).end('ok'));
    const topic = await sns();
    const outcomes = await publisherOf({ slackOrigin: slack.origin, snsOrigin: topic.origin }).publish(requestsOf(alerts), { deadlineMs: Date.now() - 1 });
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(slack.requests).toHaveLength(0);
    expect(topic.requests).toHaveLength(0);
  });

  it('a retry from the outbox skips the channels that already took the alert', async () => {
    const slack = await server((_, res) => void res.writeHead(200).end('ok'));
    const topic = await sns();
    const outcomes = await publisherOf({ slackOrigin: slack.origin, snsOrigin: topic.origin }).publish(requestsOf([ec2GetPasswordData], ['slack:default']), {
      deadlineMs: deadline(),
    });
    expect(outcomes).toEqual([{ alertId: ec2GetPasswordData.alertId, channel: `sns:${TOPIC}`, status: 'delivered' }]);
    expect(slack.requests).toHaveLength(0);
  });

  it('a channel that cannot be built fails its deliveries only, naming the channel', async () => {
    const topic = await sns();
    const publisher = publisherOf({ routes: [{ name: 'default', slackWebhookSecretArn: SECRET, snsTopicArn: TOPIC }], webhooks: {}, snsOrigin: topic.origin });
    const outcomes = await publisher.publish(requestsOf([ec2GetPasswordData]), { deadlineMs: deadline() });
    expect(outcomes).toEqual([
      { alertId: ec2GetPasswordData.alertId, channel: 'slack:default', status: 'failed', error: 'channel slack:default is not configured' },
      { alertId: ec2GetPasswordData.alertId, channel: `sns:${TOPIC}`, status: 'delivered' },
    ]);
  });

  it('a per-channel budget (replay): a hanging webhook spends its own budget, later calls fail it at once, SNS goes on', async () => {
    const slack = await server(() => 'hang');
    const topic = await sns();
    const publisher = publisherOf({ slackOrigin: slack.origin, snsOrigin: topic.origin, budgetPerChannelMs: 1000 });
    await publisher.publish(requestsOf([ec2GetPasswordData]), { deadlineMs: Date.now() + 60_000 });
    const second = await publisher.publish(requestsOf([stsAssumeRole]), { deadlineMs: Date.now() + 60_000 });
    expect(byChannel(second, 'slack:default')).toEqual([
      { alertId: stsAssumeRole.alertId, channel: 'slack:default', status: 'failed', error: 'not tried: the delivery budget of 1 s for this channel is spent' },
    ]);
    expect(byChannel(second, `sns:${TOPIC}`)[0]!.status).toBe('delivered');
    expect(slack.requests).toHaveLength(1);
  });
});

describe('routing', () => {
  it('each webhook receives its own accounts\' alerts, the default route the rest, and each message names its route', async () => {
    const prod = await server((_, res) => void res.writeHead(200).end('ok'));
    const dev = await server((_, res) => void res.writeHead(200).end('ok'));
    const fallback = await server((_, res) => void res.writeHead(200).end('ok'));
    const routes = parseRoutes([
      { name: 'prod', match: { accounts: ['111111111111'] }, slackWebhookSecretName: 'slack/prod' },
      { name: 'dev', match: { accounts: ['222222222222'] }, slackWebhookSecretName: 'slack/dev' },
      { name: 'default', slackWebhookSecretName: 'slack/default' },
    ]);
    const publisher = publisherOf({
      routes,
      webhooks: { prod: `${prod.origin}${SECRET_PATH}`, dev: `${dev.origin}${SECRET_PATH}`, default: `${fallback.origin}${SECRET_PATH}` },
    });
    const outcomes = await publisher.publish(requestsOf([prodAlert, devAlert, otherAlert]), { deadlineMs: deadline() });
    expect(outcomes).toEqual([
      { alertId: 'prod-1', channel: 'slack:prod', status: 'delivered' },
      { alertId: 'dev-1', channel: 'slack:dev', status: 'delivered' },
      { alertId: 'other-1', channel: 'slack:default', status: 'delivered' },
    ]);
    const bodies = (target: LocalServer) => target.requests.map((request) => request.body);
    expect(bodies(prod)).toHaveLength(1);
    expect(bodies(prod)[0]).toContain('ec2:GetPasswordData');
    expect(bodies(prod)[0]).toContain('route `prod`');
    expect(bodies(dev)).toHaveLength(1);
    expect(bodies(dev)[0]).toContain('route `dev`');
    expect(bodies(fallback)).toHaveLength(1);
  });

  it('a route with continue also sends to the next matching route (SNS for audit, Slack for the team)', async () => {
    const team = await server((_, res) => void res.writeHead(200).end('ok'));
    const topic = await sns();
    const routes = parseRoutes([
      { name: 'audit', snsTopicArn: TOPIC, continue: true },
      { name: 'team', match: { actions: ['EC2:*'] }, slackWebhookSecretName: 'slack/team' },
      { name: 'default', slackWebhookSecretName: 'slack/default' },
    ]);
    const publisher = publisherOf({ routes, snsOrigin: topic.origin, webhooks: { team: `${team.origin}${SECRET_PATH}` } });
    const outcomes = await publisher.publish(requestsOf([prodAlert]), { deadlineMs: deadline() });
    expect(outcomes).toEqual([
      { alertId: 'prod-1', channel: `sns:${TOPIC}`, status: 'delivered' },
      { alertId: 'prod-1', channel: 'slack:team', status: 'delivered' },
    ]);
    expect(parsePublish(topic.requests[0]!).message).toContain('audit+team');
  });
});
