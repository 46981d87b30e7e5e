import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertNotifier } from '../../lambdas/adapters/alert-notifier.js';
import { SlackWebhookSender } from '../../lambdas/adapters/slack-webhook-sender.js';
import { SnsAlertPublisher } from '../../lambdas/adapters/sns-alert-publisher.js';
import { readJsonl } from '../support/corpus.js';
import { alertFromRecord } from '../support/alerts.js';
import { startHttpServer, type RecordedRequest } from '../support/http-server.js';

const alert = alertFromRecord(readJsonl('stratus-red-team-detonation-logs/denied.jsonl')[0]!);
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const PUBLISH_RESPONSE = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult><ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata></PublishResponse>`;

/** A stand-in for SNS on loopback that answers Publish as SNS does (query protocol). */
async function fakeSns(status = 200) {
  const server = await startHttpServer((_, res) => {
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error><RequestId>x</RequestId></ErrorResponse>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' }).end(PUBLISH_RESPONSE);
  });
  closers.push(server.close);
  return server;
}

function publishParams(request: RecordedRequest): URLSearchParams {
  return new URLSearchParams(request.body);
}

const snsClient = (url: string) => new SNSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

describe('SNS publishing through the AWS SDK to a local endpoint', () => {
  it('sends subject, body and filterable message attributes', async () => {
    const sns = await fakeSns();
    await new SnsAlertPublisher(snsClient(sns.url), 'arn:aws:sns:us-east-1:111122223333:denials').publish(alert);
    expect(sns.requests).toHaveLength(1);
    const params = publishParams(sns.requests[0]!);
    expect(params.get('Action')).toBe('Publish');
    expect(params.get('TopicArn')).toBe('arn:aws:sns:us-east-1:111122223333:denials');
    expect(params.get('Subject')).toBe('Denial Alerter: ec2:GetPasswordData denied 29x for stratus-red-team-ec2-get-password-data-role');
    expect(params.get('Message')).toMatch(/Least-privilege fix, add to an identity policy of/);
    const attributes: Record<string, string> = {};
    for (let index = 1; params.has(`MessageAttributes.entry.${index}.Name`); index++) {
      expect(params.get(`MessageAttributes.entry.${index}.Value.DataType`)).toBe('String');
      attributes[params.get(`MessageAttributes.entry.${index}.Name`)!] = params.get(`MessageAttributes.entry.${index}.Value.StringValue`)!;
    }
    expect(attributes).toEqual({ account: '457448411975', principalType: 'AssumedRole', action: 'ec2:GetPasswordData', layer: 'identity-policy', severity: 'medium', reason: 'threshold' });
  });
});

describe('failure isolation between channels', () => {
  it('Slack down: SNS still delivers, and the Slack failure comes back with the alert intact', async () => {
    const sns = await fakeSns();
    const slack = await startHttpServer((_, res) => void res.writeHead(500).end());
    closers.push(slack.close);
    const notifier = createAlertNotifier({
      slack: new SlackWebhookSender({ webhookUrl: slack.url, totalTimeoutMs: 1000, sleep: async () => undefined }),
      sns: new SnsAlertPublisher(snsClient(sns.url), 'arn:aws:sns:us-east-1:111122223333:denials'),
    });
    const failures = await notifier.publish([alert]);
    expect(sns.requests).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ channel: 'slack', alert });
    expect(failures[0]!.error).toMatch(/HTTP 500/);
  });

  it('SNS down: Slack still delivers, and the SNS failure is reported', async () => {
    const sns = await fakeSns(500);
    const slack = await startHttpServer((_, res) => void res.writeHead(200).end('ok'));
    closers.push(slack.close);
    const notifier = createAlertNotifier({
      slack: new SlackWebhookSender({ webhookUrl: slack.url, sleep: async () => undefined }),
      sns: new SnsAlertPublisher(snsClient(sns.url), 'arn:aws:sns:us-east-1:111122223333:denials'),
    });
    const failures = await notifier.publish([alert, { ...alert, fingerprint: 'second' }]);
    expect(slack.requests).toHaveLength(2);
    expect(failures.map((failure) => [failure.channel, failure.alert.fingerprint])).toEqual([
      ['sns', alert.fingerprint],
      ['sns', 'second'],
    ]);
  });
});
