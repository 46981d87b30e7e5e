/**
 * Posts messages to a Slack incoming webhook, within Slack's rules: about one message per second per webhook, HTTP 429
 * with `Retry-After` honoured, 5xx / timeouts / network errors retried with exponential backoff inside a bounded total
 * time, other 4xx final. The webhook URL is a secret: it never appears in errors or logs.
 */
import type { SlackMessage } from '../core/summary/slack-message.js';

/** Raised when a message could not be delivered; the message never contains the webhook URL. */
export class SlackDeliveryError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SlackDeliveryError';
  }
}

export interface SlackWebhookSenderOptions {
  webhookUrl: string;
  /** Per-attempt timeout. @default 5000 */
  attemptTimeoutMs?: number;
  /** Give up after this long (including waits). @default 30000 */
  totalTimeoutMs?: number;
  /** Minimum gap between two messages. @default 1100 */
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
}

/** Sends Slack messages one at a time, paced. */
export class SlackWebhookSender {
  private readonly options: Required<Omit<SlackWebhookSenderOptions, 'webhookUrl'>>;
  private nextSendAt = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly webhookOptions: SlackWebhookSenderOptions) {
    this.options = {
      attemptTimeoutMs: webhookOptions.attemptTimeoutMs ?? 5000,
      totalTimeoutMs: webhookOptions.totalTimeoutMs ?? 30_000,
      minIntervalMs: webhookOptions.minIntervalMs ?? 1100,
      sleep: webhookOptions.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: webhookOptions.now ?? Date.now,
      fetch: webhookOptions.fetch ?? fetch,
    };
  }

  /** Sends one message; resolves when Slack accepted it, rejects with {@link SlackDeliveryError}. */
  send(message: SlackMessage): Promise<void> {
    const result = this.queue.then(() => this.sendNow(message));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async sendNow(message: SlackMessage): Promise<void> {
    const { sleep, now, attemptTimeoutMs, totalTimeoutMs, minIntervalMs } = this.options;
    const deadline = now() + totalTimeoutMs;
    const body = JSON.stringify(message);
    let lastProblem = 'not sent';
    for (let attempt = 1; ; attempt++) {
      const wait = this.nextSendAt - now();
      if (wait > 0) await sleep(wait);
      let retryAfterMs: number | null = null;
      try {
        const response = await this.options.fetch(this.webhookOptions.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(attemptTimeoutMs),
        });
        this.nextSendAt = now() + minIntervalMs;
        const text = await response.text().catch(() => '');
        if (response.ok) return;
        lastProblem = `HTTP ${response.status}${text ? ` ${text.slice(0, 100)}` : ''}`;
        if (response.status === 429) retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
        else if (response.status < 500) throw new SlackDeliveryError(`Slack refused the message: ${lastProblem}`, attempt);
      } catch (error) {
        if (error instanceof SlackDeliveryError) throw error;
        lastProblem = describeNetworkError(error, this.webhookOptions.webhookUrl);
        this.nextSendAt = now() + minIntervalMs;
      }
      const delay = retryAfterMs ?? Math.min(8000, 500 * 2 ** (attempt - 1));
      if (now() + delay > deadline) {
        throw new SlackDeliveryError(`Slack delivery gave up after ${attempt} attempt(s) in ${totalTimeoutMs} ms: ${lastProblem}`, attempt);
      }
      await sleep(delay);
    }
  }
}

function retryAfterOf(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : 1000;
}

function describeNetworkError(error: unknown, url: string): string {
  const err = error as Error & { cause?: { code?: string } };
  const reason = err.name === 'TimeoutError' || err.name === 'AbortError' ? 'timed out' : err.cause?.code ?? err.message ?? 'network error';
  return reason.split(url).join('<webhook>');
}
