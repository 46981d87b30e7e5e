import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl, SlackDeliveryError } from '../../lambdas/adapters/delivery-errors.js';
import { retryAfter, SlackWebhookSender, type SlackWebhookOptions } from '../../lambdas/adapters/slack-webhook.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { ec2GetPasswordData } from '../render/alerts.js';
import { closedPort, startLocalServer, type Answer, type LocalServer } from '../support/http-server.js';
import { fakeTime } from './fake-time.js';

const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSecretToken123';
const message = buildSlackMessage(ec2GetPasswordData);
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function webhook(answer: Answer) {
  const server = await startLocalServer(answer);
  servers.push(server);
  return { server, url: `${server.origin}${SECRET_PATH}` };
}

function sender(url: string, options: Partial<SlackWebhookOptions> = {}) {
  const time = fakeTime();
  const retries: string[] = [];
  const slack = new SlackWebhookSender({ webhookUrl: url, now: time.now, sleep: time.sleep, random: () => 1, onRetry: (retry) => retries.push(JSON.stringify(retry)), ...options });
  return { slack, time, retries };
}

async function failure(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SlackDeliveryError);
  return error as SlackDeliveryError;
}

/** Everything an error could leak through: message, cause chain, JSON, stack. */
function everyText(error: unknown, retries: string[] = []): string {
  const parts: string[] = [...retries];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const err = current as Error & { code?: string };
    parts.push(String(err.message), String(err.name), String(err.code), String(err.stack), JSON.stringify(err));
    current = err.cause;
  }
  return parts.join('\n');
}

function expectNoUrl(text: string, url: string): void {
  expect(text).not.toContain(url);
  expect(text).not.toContain('xoxSecretToken123');
  expect(text).not.toContain('T0SECRET');
}

describe('Slack webhook delivery against a local HTTP server', () => {
  it('200: one POST of the Block Kit JSON, no wait', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const { slack, time } = sender(url);
    await expect(slack.send(message)).resolves.toEqual({ attempts: 1 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: SECRET_PATH, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(JSON.parse(server.requests[0]!.body)).toEqual(message);
    expect(time.sleeps).toEqual([]);
  });

  it('paces messages to one per second per webhook, in order, even when sent together', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const { slack, time } = sender(url);
    const texts = ['first', 'second', 'third'];
    await Promise.all(texts.map((text) => slack.send({ ...message, text })));
    expect(server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text)).toEqual(texts);
    expect(time.sleeps).toEqual([1000, 1000]);
  });

  it('429: waits for Retry-After, then delivers; later messages wait too', async () => {
    const { server, url } = await webhook((_, res, index) => void (index === 0 ? res.writeHead(429, { 'retry-after': '3' }).end('rate_limited') : res.writeHead(200).end('ok')));
    const { slack, time, retries } = sender(url);
    await expect(slack.send(message)).resolves.toEqual({ attempts: 2 });
    expect(time.sleeps).toEqual([3000]);
    expect(retries).toEqual([JSON.stringify({ attempt: 1, delayMs: 3000, reason: 'HTTP 429 rate limited (Retry-After 3 s)' })]);
    await slack.send(message);
    expect(time.sleeps).toEqual([3000, 1000]);
    expect(server.requests).toHaveLength(3);
  });

  it('429 with a Retry-After beyond the time budget: gives up at once, retryable, nothing slept', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(429, { 'retry-after': '120' }).end('rate_limited'));
    const { slack, time } = sender(url, { totalTimeoutMs: 30_000 });
    const error = await failure(slack.send(message));
    expect(error).toMatchObject({ attempts: 1, retryable: true, status: 429, channel: 'slack' });
    expect(error.message).toContain('HTTP 429 rate limited (Retry-After 120 s)');
    expect(time.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('500 then 200: retried after the backoff (and the pacing gap)', async () => {
    const { server, url } = await webhook((_, res, index) => void (index === 0 ? res.writeHead(500).end('oops') : res.writeHead(200).end('ok')));
    const { slack, time } = sender(url);
    await expect(slack.send(message)).resolves.toEqual({ attempts: 2 });
    expect(server.requests).toHaveLength(2);
    expect(time.sleeps).toEqual([1000]);
  });

  it('5xx: exponential backoff inside the total budget, then the final failure', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(503).end('unavailable'));
    const { slack, time } = sender(url, { minIntervalMs: 0, totalTimeoutMs: 30_000 });
    const error = await failure(slack.send(message));
    expect(time.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(server.requests).toHaveLength(7);
    expect(error).toMatchObject({ attempts: 7, retryable: true, status: 503 });
    expect(error.message).toBe('Slack delivery gave up after 7 attempts (budget 30000 ms): HTTP 503 unavailable');
  });

  it('jitter scales each backoff between half and all of it', async () => {
    const { url } = await webhook((_, res) => void res.writeHead(500).end());
    const { slack, time } = sender(url, { minIntervalMs: 0, totalTimeoutMs: 3000, random: () => 0 });
    await failure(slack.send(message));
    expect(time.sleeps).toEqual([250, 500, 1000]);
  });

  it('a hanging response times out per attempt and is retried until the budget is spent', async () => {
    const { server, url } = await webhook(() => 'hang');
    const { slack, time } = sender(url, { attemptTimeoutMs: 100, totalTimeoutMs: 2000, minIntervalMs: 0 });
    const error = await failure(slack.send(message));
    expect(server.requests).toHaveLength(3);
    expect(time.sleeps).toEqual([500, 1000]);
    expect(error).toMatchObject({ attempts: 3, retryable: true, status: null });
    expect(error.message).toBe('Slack delivery gave up after 3 attempts (budget 2000 ms): timed out after 100 ms');
    expectNoUrl(everyText(error), url);
  });

  it('4xx other than 429 is final: one attempt, not retryable', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(400).end('invalid_blocks'));
    const { slack, time } = sender(url);
    const error = await failure(slack.send(message));
    expect(error).toMatchObject({ attempts: 1, retryable: false, status: 400 });
    expect(error.message).toBe('Slack refused the message: HTTP 400 invalid_blocks');
    expect(server.requests).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it('the webhook URL never appears in errors, their causes or retry reports, even when the server echoes it', async () => {
    const { url } = await webhook((request, res) => void res.writeHead(502).end(`bad gateway for ${request.url} at ${url}`));
    const { slack, retries } = sender(url, { totalTimeoutMs: 3000 });
    const error = await failure(slack.send(message));
    expect(error.message).toContain('<webhook URL redacted>');
    expectNoUrl(everyText(error, retries), url);

    const refusedUrl = `${await closedPort()}${SECRET_PATH}`;
    const refused = sender(refusedUrl, { totalTimeoutMs: 3000 });
    const networkError = await failure(refused.slack.send(message));
    expect(networkError.message).toMatch(/network error ECONNREFUSED/);
    expect(networkError.cause).toBeInstanceOf(Error);
    expectNoUrl(everyText(networkError, refused.retries), refusedUrl);
  });

  it('refuses plain http to anything but loopback, and a malformed URL, without quoting it or sending', async () => {
    let calls = 0;
    const fetchSpy: typeof fetch = async () => {
      calls++;
      return new Response('ok');
    };
    for (const bad of [`http://hooks.example.com${SECRET_PATH}`, `not a url ${SECRET_PATH}`]) {
      const error = await failure(new SlackWebhookSender({ webhookUrl: bad, fetch: fetchSpy }).send(message));
      expect(error).toMatchObject({ attempts: 0, retryable: false });
      expectNoUrl(everyText(error), bad);
    }
    expect(calls).toBe(0);
  });

  it('reads a lazy webhook URL once; a failed read fails that send only and is tried again', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(200).end('ok'));
    let reads = 0;
    const time = fakeTime();
    const slack = new SlackWebhookSender({
      now: time.now,
      sleep: time.sleep,
      webhookUrl: async () => {
        reads++;
        if (reads === 1) throw new Error('AccessDeniedException: not allowed to read the secret');
        return url;
      },
    });
    const error = await failure(slack.send(message));
    expect(error).toMatchObject({ attempts: 0, retryable: true });
    expect(error.message).toContain('the Slack webhook URL could not be read: AccessDeniedException');
    await slack.send(message);
    await slack.send(message);
    expect(reads).toBe(2);
    expect(server.requests).toHaveLength(2);
  });
});

describe('a rotated webhook', () => {
  it('after Slack says the webhook is gone (404 no_service), the next message reads the URL again and goes to the new one', async () => {
    const old = await webhook((_, res) => void res.writeHead(404).end('no_service'));
    const rotated = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const urls = [old.url, rotated.url];
    let reads = 0;
    const time = fakeTime();
    const slack = new SlackWebhookSender({ now: time.now, sleep: time.sleep, webhookUrl: async () => urls[Math.min(reads++, 1)]! });
    const error = await failure(slack.send(message));
    expect(error).toMatchObject({ status: 404, retryable: false });
    await expect(slack.send(message)).resolves.toEqual({ attempts: 1 });
    await slack.send(message);
    expect(reads).toBe(2);
    expect(old.server.requests).toHaveLength(1);
    expect(rotated.server.requests).toHaveLength(2);
  });
});

describe('the caller\'s deadline bounds every wait', () => {
  it('429 with Retry-After 3600 under a 120 s deadline: fails at once, nothing slept; the next message is not even sent', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(429, { 'retry-after': '3600' }).end('rate_limited'));
    const { slack, time } = sender(url, { totalTimeoutMs: 24 * 3_600_000 });
    const deadlineMs = time.now() + 120_000;
    const error = await failure(slack.send(message, { deadlineMs }));
    expect(error).toMatchObject({ attempts: 1, retryable: true, status: 429 });
    expect(error.message).toBe('Slack delivery gave up after 1 attempt (budget 120000 ms): HTTP 429 rate limited (Retry-After 3600 s), past the delivery deadline: not waiting');
    const next = await failure(slack.send(message, { deadlineMs }));
    expect(next).toMatchObject({ attempts: 0, retryable: true, status: 429 });
    expect(next.message).toBe('Slack delivery not tried: the webhook is held for 3600 s more (rate limited), past the delivery deadline (budget 120000 ms)');
    expect(time.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('5xx backoff stops at the deadline, not at the (longer) per-message budget', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(503).end('unavailable'));
    const { slack, time } = sender(url, { minIntervalMs: 0, totalTimeoutMs: 30_000 });
    const error = await failure(slack.send(message, { deadlineMs: time.now() + 2000 }));
    expect(time.sleeps).toEqual([500, 1000]);
    expect(server.requests).toHaveLength(3);
    expect(error.message).toBe('Slack delivery gave up after 3 attempts (budget 2000 ms): HTTP 503 unavailable');
  });

  it('pacing behind earlier messages that would end past the deadline fails the message without sending it', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const { slack, time } = sender(url, { minIntervalMs: 5000 });
    await slack.send(message);
    const error = await failure(slack.send(message, { deadlineMs: time.now() + 1000 }));
    expect(error.message).toMatch(/^Slack delivery not tried: the webhook is held for 5 s more/);
    expect(server.requests).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it('a deadline already past: not tried, no request', async () => {
    const { server, url } = await webhook((_, res) => void res.writeHead(200).end('ok'));
    const { slack, time } = sender(url);
    const error = await failure(slack.send(message, { deadlineMs: time.now() }));
    expect(error.message).toBe('Slack delivery not tried: the delivery deadline had passed (budget 0 ms)');
    expect(server.requests).toHaveLength(0);
  });

  it('a webhook URL that cannot be read before the deadline (Secrets Manager hanging) fails the send at the deadline', async () => {
    const slack = new SlackWebhookSender({ webhookUrl: () => new Promise<string>(() => undefined) });
    const error = await failure(slack.send(message, { deadlineMs: Date.now() + 200 }));
    expect(error).toMatchObject({ attempts: 0, retryable: true });
    expect(error.message).toBe('the Slack webhook URL could not be read before the delivery deadline');
  });
});

describe('Retry-After and redaction', () => {
  it('reads delta-seconds and HTTP dates; 1 s when missing or unreadable', () => {
    const now = Date.parse('2024-07-30T21:31:00Z');
    expect(retryAfter('2', now)).toBe(2000);
    expect(retryAfter('0.5', now)).toBe(500);
    expect(retryAfter('Tue, 30 Jul 2024 21:31:10 GMT', now)).toBe(10_000);
    expect(retryAfter(null, now)).toBe(1000);
    expect(retryAfter('soon', now)).toBe(1000);
  });

  it('removes the URL in every form', () => {
    const url = 'https://hooks.slack.com/services/T1/B2/abcdefgh';
    expect(redactUrl(`a ${url} b hooks.slack.com/services/T1/B2/abcdefgh c /services/T1/B2/abcdefgh d ${encodeURIComponent(url)}`, url)).toBe(
      'a <webhook URL redacted> b <webhook URL redacted> c <webhook URL redacted> d <webhook URL redacted>',
    );
  });
});
