import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier, type DeliveryFailure } from '../../lambdas/adapters/notifier.js';
import { SlackWebhookSender } from '../../lambdas/adapters/slack-webhook.js';
import { SnsPublisher } from '../../lambdas/adapters/sns-publisher.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { ec2GetPasswordData, stsAssumeRole } from '../render/alerts.js';
import { closedPort, fakeTime, startLocalServer, type LocalServer } from './local-http.js';
import { fakeSns as startFakeSns, parsePublish, snsClient } from './sns-fake.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:denial-alerts';
const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSecretToken123';
const alerts: AlertSummary[] = [ec2GetPasswordData, stsAssumeRole];
const untouched = structuredClone(alerts);
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fakeSns(status = 200) {
  const server = await startFakeSns(status);
  servers.push(server);
  return server;
}

function slackTo(url: string) {
  const time = fakeTime();
  return new SlackWebhookSender({ webhookUrl: url, now: time.now, sleep: time.sleep, totalTimeoutMs: 3000, random: () => 1 });
}

async function slackServer(status: number) {
  const server = await startLocalServer((_, res) => void res.writeHead(status).end(status === 200 ? 'ok' : 'no_service'));
  servers.push(server);
  return server;
}

describe('channels are independent', () => {
  it('Slack down, SNS works: SNS delivers every alert, Slack failures are reported and dead-lettered with the alert intact', async () => {
    const slackUrl = `${await closedPort()}${SECRET_PATH}`;
    const sns = await fakeSns();
    const deadLetters: DeliveryFailure[] = [];
    const notifier = createNotifier({
      slack: slackTo(slackUrl),
      sns: new SnsPublisher(snsClient(sns.origin), TOPIC),
      deadLetter: async (failure) => void deadLetters.push(failure),
    });
    const report = await notifier.publish(alerts);
    expect(report.sns).toEqual({ delivered: [ec2GetPasswordData.fingerprint, stsAssumeRole.fingerprint], failed: [] });
    expect(sns.requests.map((request) => parsePublish(request).subject)).toEqual([
      '[medium] ec2:GetPasswordData denied 29x for stratus-red-team-ec2-get-password-data-role',
      '[low] sts:AssumeRole denied 5x for christophe in 457448411975',
    ]);
    expect(report.slack!.delivered).toEqual([]);
    expect(report.slack!.failed.map((failure) => [failure.channel, failure.deadLetter, failure.alert])).toEqual([
      ['slack', 'sent', ec2GetPasswordData],
      ['slack', 'sent', stsAssumeRole],
    ]);
    expect(report.failures).toEqual(report.slack!.failed);
    expect(deadLetters.map((failure) => failure.alert)).toEqual(untouched);
    expect(deadLetters[0]!.alert).toBe(ec2GetPasswordData);
    for (const failure of report.failures) {
      expect(failure.error).toMatch(/^SlackDeliveryError: Slack delivery gave up after \d+ attempts \(budget 3000 ms\): network error ECONNREFUSED/);
      expect(`${failure.error} ${JSON.stringify(failure)}`).not.toContain('xoxSecretToken123');
    }
    expect(alerts).toEqual(untouched);
  });

  it('SNS failing, Slack works: Slack delivers every alert, SNS failures are reported with the reason', async () => {
    const slack = await slackServer(200);
    const sns = await fakeSns(500);
    const notifier = createNotifier({ slack: slackTo(`${slack.origin}${SECRET_PATH}`), sns: new SnsPublisher(snsClient(sns.origin), TOPIC) });
    const report = await notifier.publish(alerts);
    expect(report.slack).toEqual({ delivered: [ec2GetPasswordData.fingerprint, stsAssumeRole.fingerprint], failed: [] });
    expect(slack.requests).toHaveLength(2);
    expect(report.sns!.delivered).toEqual([]);
    expect(report.sns!.failed).toHaveLength(2);
    expect(report.sns!.failed[1]).toMatchObject({ channel: 'sns', deadLetter: 'none', alert: stsAssumeRole, error: `SnsDeliveryError: SNS Publish to ${TOPIC} failed: InternalErrorException: boom (HTTP 500)` });
  });

  it('a refusing Slack (4xx) and a dead letter that fails too: publish still resolves and says so', async () => {
    const slack = await slackServer(404);
    const notifier = createNotifier({
      slack: slackTo(`${slack.origin}${SECRET_PATH}`),
      deadLetter: async () => {
        throw new Error('queue unavailable');
      },
    });
    const report = await notifier.publish([ec2GetPasswordData]);
    expect(report.sns).toBeUndefined();
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      channel: 'slack',
      error: 'SlackDeliveryError: Slack refused the message: HTTP 404 no_service',
      deadLetter: 'failed',
      deadLetterError: 'Error: queue unavailable',
      alert: ec2GetPasswordData,
    });
  });

  it('a renderer that throws fails that alert on Slack only', async () => {
    const slack = await slackServer(200);
    const sns = await fakeSns();
    const notifier = createNotifier({
      slack: slackTo(`${slack.origin}${SECRET_PATH}`),
      sns: new SnsPublisher(snsClient(sns.origin), TOPIC),
      renderSlack: (alert) => {
        if (alert === stsAssumeRole) throw new TypeError('cannot render');
        return { text: 'x', blocks: [] };
      },
    });
    const report = await notifier.publish(alerts);
    expect(report.slack!.delivered).toEqual([ec2GetPasswordData.fingerprint]);
    expect(report.slack!.failed.map((failure) => failure.error)).toEqual(['TypeError: cannot render']);
    expect(report.sns!.delivered).toHaveLength(2);
  });

  it('no channel configured: nothing sent, nothing failed', async () => {
    await expect(createNotifier({}).publish(alerts)).resolves.toEqual({ failures: [] });
  });
});
