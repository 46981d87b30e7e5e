/**
 * The handler's SNS path: an alarm on the operations topic reaches the default route's Slack webhook (read from a
 * loopback Secrets Manager), never a more specific route's; a notice Slack refuses fails the invocation (Lambda then
 * retries it and sends it to the on-failure queue); without a Slack webhook on the default route it is only logged.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { isSnsEvent } from '../../lambdas/adapters/operations-slack.js';
import { makeHandler, operationsDependenciesFromEnvironment } from '../../lambdas/handler.js';
import { useHttpServers, type Respond } from '../support/http-server.js';

const servers = useHttpServers();
const OPERATIONS_TOPIC = 'arn:aws:sns:us-east-1:111122223333:DenialAlerter-Operations';

const alarmEvent = (state: string): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${OPERATIONS_TOPIC}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
      Sns: {
        Type: 'Notification',
        MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        TopicArn: OPERATIONS_TOPIC,
        Subject: `${state}: "DenialAlerter-AlertDeadLetters" in US East (N. Virginia)`,
        Message: JSON.stringify({ AlarmName: 'DenialAlerter-AlertDeadLetters', NewStateValue: state, OldStateValue: 'OK', NewStateReason: 'Threshold Crossed: 1 datapoint [2.0] >= 1.0', AWSAccountId: '111122223333', Region: 'US East (N. Virginia)', StateChangeTime: '2026-11-30T10:05:00.000+0000' }),
        Timestamp: '2026-11-30T10:05:01.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
        UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${OPERATIONS_TOPIC}:2bcfbf39`,
        MessageAttributes: {},
      },
    },
  ],
});

/** A local Secrets Manager holding each route's webhook URL, and the handler built over it from `env`. */
async function handlerWith(env: NodeJS.ProcessEnv, webhooks: Record<string, string>) {
  const secrets = await servers.start((request, res) => {
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: SecretId, Name: SecretId, SecretString: webhooks[SecretId] }));
  });
  const client = new SecretsManagerClient({ endpoint: secrets.origin, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  const logged: string[] = [];
  const counted: Array<[string, number]> = [];
  const operations = await operationsDependenciesFromEnvironment(env, () => client);
  const handler = makeHandler(
    () => {
      throw new Error('an SNS event must not build the SQS path');
    },
    () => ({ ...operations, log: (level, message) => logged.push(`${level}: ${message}`), metric: (name, value) => counted.push([name, value]) }),
  );
  return { handler, logged, counted, secrets };
}

const context = { getRemainingTimeInMillis: () => 30_000 };
const ok: Respond = (_, res) => void res.writeHead(200).end('ok');

describe('alarms on the operations topic to Slack', () => {
  it('posts the alarm to the default route\'s webhook, not to a more specific route\'s', async () => {
    const payments = await servers.start(ok);
    const everyone = await servers.start(ok);
    const routes = [
      { name: 'payments', match: { accounts: ['111122223333'] }, slackWebhookSecretName: 'slack/payments' },
      { name: 'all', slackWebhookSecretName: 'slack/all' },
    ];
    const { handler, logged, counted } = await handlerWith({ DENIAL_ALERTER_ROUTES: JSON.stringify(routes) }, { 'slack/payments': `${payments.url}/services/T/P/x`, 'slack/all': `${everyone.url}/services/T/A/x` });
    await handler(alarmEvent('ALARM'), context);
    expect(payments.requests).toHaveLength(0);
    expect(everyone.requests).toHaveLength(1);
    const posted = JSON.parse(everyone.requests[0]!.body) as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(posted.text).toBe('Alarm: DenialAlerter-AlertDeadLetters (ALARM)');
    expect(posted.blocks[0]!.text!.text).toBe('\u{1F6A8} Alarm: DenialAlerter-AlertDeadLetters');
    expect(logged).toEqual(['info: operations notice sent to Slack']);
    expect(counted).toEqual([['OperationsNoticesSent', 1]]);
  });

  it('fails the invocation when Slack refuses the notice (Lambda retries it, then keeps it in the on-failure queue)', async () => {
    const refusing = await servers.start((_, res) => void res.writeHead(400).end('invalid_payload'));
    const { handler, logged, counted } = await handlerWith({ SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbCdEf' }, { 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbCdEf': `${refusing.url}/services/T/B/x` });
    await expect(handler(alarmEvent('ALARM'), context)).rejects.toThrow(/1 operations notice\(s\) not delivered to Slack: .*400/);
    expect(refusing.requests).toHaveLength(1);
    expect(logged).toEqual(['error: operations notice not delivered to Slack']);
    expect(counted).toEqual([['OperationsNoticesSent', 0]]);
  });

  it('only logs the notice when the default route has no Slack webhook (the topic\'s email subscribers have it)', async () => {
    const { handler, logged, secrets } = await handlerWith({ ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts' }, {});
    await handler(alarmEvent('OK'), context);
    expect(logged).toEqual(['warn: operations notice not sent to Slack: the default route has no Slack webhook']);
    expect(secrets.requests).toHaveLength(0);
  });

  it('tells SNS notifications from SQS batches', () => {
    expect(isSnsEvent(alarmEvent('ALARM'))).toBe(true);
    expect(isSnsEvent({ Records: [{ messageId: 'm1', eventSource: 'aws:sqs', body: '{}' }] } as unknown as SQSEvent)).toBe(false);
    expect(isSnsEvent({ Records: [] })).toBe(false);
    expect(isSnsEvent(null)).toBe(false);
  });
});

