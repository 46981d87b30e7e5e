import { afterEach, describe, expect, it } from 'vitest';
import { SlackDeliveryError, SlackWebhookSender } from '../../lambdas/adapters/slack-webhook-sender.js';
import { buildSlackMessage } from '../../lambdas/core/summary/slack-message.js';
import { readJsonl } from '../support/corpus.js';
import { alertFromRecord } from '../support/alerts.js';
import { startHttpServer } from '../support/http-server.js';

const message = buildSlackMessage(alertFromRecord(readJsonl('stratus-red-team-detonation-logs/denied.jsonl')[0]!));
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A clock that only moves when the sender sleeps: waits are recorded, not spent. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), sleeps };
}

async function server(respond: Parameters<typeof startHttpServer>[0]) {
  const started = await startHttpServer(respond);
  closers.push(started.close);
  return started;
}

describe('Slack webhook delivery against a real HTTP server', () => {
  it('posts the Block Kit message as JSON and succeeds on 200', async () => {
    const slack = await server((_, res) => void res.writeHead(200).end('ok'));
    const time = fakeTime();
    await new SlackWebhookSender({ webhookUrl: `${slack.url}/services/T0/B0/secret`, ...time }).send(message);
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(slack.requests[0]!.body)).toEqual(JSON.parse(JSON.stringify(message)));
  });

  it('waits for Retry-After on 429, then delivers', async () => {
    const slack = await server((_, res, index) => void (index === 0 ? res.writeHead(429, { 'retry-after': '3' }).end('rate_limited') : res.writeHead(200).end('ok')));
    const time = fakeTime();
    await new SlackWebhookSender({ webhookUrl: slack.url, ...time }).send(message);
    expect(slack.requests).toHaveLength(2);
    expect(time.sleeps).toContain(3000);
  });

  it('retries 5xx with backoff and gives up within the total time, without the URL in the error', async () => {
    const slack = await server((_, res) => void res.writeHead(500).end('oops'));
    const time = fakeTime();
    const sender = new SlackWebhookSender({ webhookUrl: `${slack.url}/services/T0/B0/s3cr3t`, totalTimeoutMs: 10_000, ...time });
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).message).toMatch(/gave up after \d attempt\(s\).*HTTP 500/);
    expect((error as SlackDeliveryError).message).not.toContain('s3cr3t');
    expect(slack.requests.length).toBeGreaterThanOrEqual(3);
    expect(time.sleeps.filter((ms) => ms >= 500)).toEqual([...time.sleeps.filter((ms) => ms >= 500)].sort((a, b) => a - b));
  });

  it('recovers from a 500 followed by a 200', async () => {
    const slack = await server((_, res, index) => void res.writeHead(index === 0 ? 503 : 200).end());
    await new SlackWebhookSender({ webhookUrl: slack.url, ...fakeTime() }).send(message);
    expect(slack.requests).toHaveLength(2);
  });

  it('times out a hanging response and retries', async () => {
    const slack = await server((_, res, index) => (index === 0 ? false : void res.writeHead(200).end('ok')));
    const time = fakeTime();
    await new SlackWebhookSender({ webhookUrl: slack.url, attemptTimeoutMs: 200, ...time }).send(message);
    expect(slack.requests).toHaveLength(2);
  });

  it('does not retry a 4xx other than 429', async () => {
    const slack = await server((_, res) => void res.writeHead(404).end('no_service'));
    const error = await new SlackWebhookSender({ webhookUrl: slack.url, ...fakeTime() }).send(message).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Slack refused the message: HTTP 404 no_service/);
    expect(slack.requests).toHaveLength(1);
  });

  it('paces messages to about one per second per webhook', async () => {
    const slack = await server((_, res) => void res.writeHead(200).end('ok'));
    const time = fakeTime();
    const sender = new SlackWebhookSender({ webhookUrl: slack.url, ...time });
    await Promise.all([sender.send(message), sender.send(message), sender.send(message)]);
    expect(slack.requests).toHaveLength(3);
    expect(time.sleeps.filter((ms) => ms > 1000)).toHaveLength(2);
  });

  it('reports a refused connection without the URL', async () => {
    const slack = await server((_, res) => void res.end());
    await slack.close();
    closers.pop();
    const error = await new SlackWebhookSender({ webhookUrl: `${slack.url}/hook/secret-token`, totalTimeoutMs: 2000, ...fakeTime() }).send(message).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/ECONNREFUSED|fetch failed/);
    expect((error as Error).message).not.toContain('secret-token');
  });
});
