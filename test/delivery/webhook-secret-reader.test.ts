import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { readSlackWebhookUrl, WebhookSecretError } from '../../lambdas/adapters/slack-webhook-secret.js';
import { startLocalServer, type LocalServer } from '../support/http-server.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:denial-alerter/slack-AbCdEf';
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A local Secrets Manager (JSON 1.1 protocol) answering GetSecretValue with the scripted secret strings. */
async function fakeSecretsManager(answers: Array<string | number>) {
  const server = await startLocalServer((request, res, index) => {
    const answer = answers[Math.min(index, answers.length - 1)]!;
    if (typeof answer === 'number') {
      return void res.writeHead(answer, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not allowed' }));
    }
    const { SecretId } = JSON.parse(request.body) as { SecretId: string };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ ARN: SecretId, Name: 'denial-alerter/slack', SecretString: answer }));
  });
  servers.push(server);
  const client = new SecretsManagerClient({ endpoint: server.origin, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  return { server, client };
}

describe('Slack webhook URL from Secrets Manager', () => {
  it.each([
    ['the URL itself', 'https://hooks.slack.com/services/T1/B2/plain'],
    ['JSON url', '{"url": "https://hooks.slack.com/services/T1/B2/json"}'],
    ['JSON webhookUrl', '{"webhookUrl": "https://hooks.slack.com/services/T1/B2/webhook"}'],
  ])('accepts %s, read once per client (cold start)', async (_, secret) => {
    const { server, client } = await fakeSecretsManager([secret]);
    const first = await readSlackWebhookUrl(client, ARN);
    expect(first).toMatch(/^https:\/\/hooks\.slack\.com\/services\/T1\/B2\/\w+$/);
    await expect(readSlackWebhookUrl(client, ARN)).resolves.toBe(first);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ SecretId: ARN });
  });

  it('does not cache a failed read: the next call tries again', async () => {
    const { server, client } = await fakeSecretsManager([400, 'https://hooks.slack.com/services/T1/B2/later']);
    const error = await readSlackWebhookUrl(client, ARN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect((error as Error).message).toContain(`could not read the Slack webhook secret ${ARN}: AccessDeniedException`);
    await expect(readSlackWebhookUrl(client, ARN)).resolves.toBe('https://hooks.slack.com/services/T1/B2/later');
    expect(server.requests).toHaveLength(2);
  });

  it.each([['hunter2-not-a-url'], ['{"token": "hunter2"}'], ['{hunter2'], ['http://hooks.slack.com/services/hunter2']])('refuses %s without echoing the secret', async (secret) => {
    const { client } = await fakeSecretsManager([secret]);
    const error = await readSlackWebhookUrl(client, ARN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect(`${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).cause)}`).not.toContain('hunter2');
    expect((error as Error).message).toContain(ARN);
  });
});
