/**
 * Posts messages to a Slack incoming webhook within Slack's rules:
 * - about one message per second per webhook: messages go one at a time, at least `minIntervalMs` apart;
 * - HTTP 429: wait for `Retry-After` (seconds or an HTTP date), and hold every later message too;
 * - 5xx, timeouts (`attemptTimeoutMs` per attempt) and network errors: retry with exponential backoff
 *   (`initialBackoffMs` doubling up to `maxBackoffMs`), all inside `totalTimeoutMs` (waits included);
 * - other 4xx (`invalid_payload`, `no_service`, …): final, not retried (a webhook that is gone, 403/404/410, is read
 *   again from its source on the next message: a rotated secret takes effect without a cold start);
 * - a caller's `deadlineMs` (the Lambda's remaining time, a replay's budget) bounds everything: a wait that would end
 *   past it (a `Retry-After: 3600`, a backoff, the pacing of earlier messages) fails the message at once instead.
 *
 * The webhook URL is a secret: it never appears in errors, in their `cause`, nor in what `onRetry` receives.
 * Time comes from the injected `now`/`sleep` (tests record the delays instead of waiting).
 */
import type { SlackMessage } from '../core/render/slack.js';
import { redactedError, redactUrl, SlackDeliveryError } from './delivery-errors.js';

/** How the sender is configured. */
export interface SlackWebhookOptions {
  /** The webhook URL, or a function that reads it on first send (e.g. from Secrets Manager); a failed read is retried on the next send. */
  readonly webhookUrl: string | (() => Promise<string>);
  /** Time allowed to one HTTP attempt. @default 5000 */
  readonly attemptTimeoutMs?: number;
  /** Time allowed to one message, retries and waits included. @default 30000 */
  readonly totalTimeoutMs?: number;
  /** Minimum gap between two requests to the webhook. @default 1000 */
  readonly minIntervalMs?: number;
  /** First backoff after a 5xx, timeout or network error; doubles each retry. @default 500 */
  readonly initialBackoffMs?: number;
  /** Largest backoff. @default 8000 */
  readonly maxBackoffMs?: number;
  /** Waits `ms` milliseconds. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The current time in milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Jitter source in [0, 1): a backoff is scaled by 0.5 + random() / 2. @default Math.random */
  readonly random?: () => number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Told about each retry (for logs); never receives the URL. */
  readonly onRetry?: (retry: { attempt: number; delayMs: number; reason: string }) => void;
}

/** Per-message options of {@link SlackWebhookSender.send}. */
export interface SlackSendOptions {
  /** Epoch milliseconds (as `now()` gives) after which nothing is sent or awaited. @default no deadline beyond `totalTimeoutMs` */
  readonly deadlineMs?: number;
}

/** What a successful send took. */
export interface SlackSendResult {
  attempts: number;
}

/** Defaults of {@link SlackWebhookOptions}. */
export const SLACK_WEBHOOK_DEFAULTS = { attemptTimeoutMs: 5000, totalTimeoutMs: 30_000, minIntervalMs: 1000, initialBackoffMs: 500, maxBackoffMs: 8000 } as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Statuses by which Slack says the webhook itself no longer works. */
const WEBHOOK_GONE = new Set([403, 404, 410]);

/**
 * Sends Slack messages to one webhook, paced and retried. Create one per webhook and keep it (per cold start): the
 * pacing state lives in the instance.
 *
 * @example
 * const slack = new SlackWebhookSender({ webhookUrl: () => readSlackWebhookUrl(secrets, secretArn) });
 * await slack.send(buildSlackMessage(alert));
 */
export class SlackWebhookSender {
  private readonly settings: Required<Omit<SlackWebhookOptions, 'webhookUrl' | 'onRetry'>>;
  private url: Promise<string> | undefined;
  private nextRequestAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SlackWebhookOptions) {
    this.settings = {
      ...SLACK_WEBHOOK_DEFAULTS,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: Date.now,
      random: Math.random,
      fetch: (...args) => globalThis.fetch(...args),
      ...definedOnly(options),
    };
  }

  /**
   * Sends one message (after any message already being sent); resolves when Slack accepted it.
   *
   * @throws {@link SlackDeliveryError} when Slack refused it, or it could not be delivered within `totalTimeoutMs`.
   */
  send(message: SlackMessage, options: SlackSendOptions = {}): Promise<SlackSendResult> {
    const result = this.queue.then(() => this.deliver(JSON.stringify(message), options.deadlineMs ?? Number.POSITIVE_INFINITY));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async deliver(body: string, callerDeadline: number): Promise<SlackSendResult> {
    const { now, sleep, totalTimeoutMs, attemptTimeoutMs, minIntervalMs } = this.settings;
    const started = now();
    const deadline = Math.min(started + totalTimeoutMs, callerDeadline);
    const budget = `budget ${Math.max(0, Math.round(deadline - started))} ms`;
    if (deadline <= started) {
      throw new SlackDeliveryError(`Slack delivery not tried: the delivery deadline had passed (${budget})`, { attempts: 0, retryable: true });
    }
    if (this.nextRequestAt >= deadline) throw this.heldPastDeadline(0, budget);
    const url = await this.webhookUrl(deadline);
    let problem = 'not sent';
    let status: number | null = null;
    let lastCause: unknown;
    for (let attempt = 1; ; attempt++) {
      if (this.nextRequestAt >= deadline) throw this.heldPastDeadline(attempt - 1, budget);
      const pacing = this.nextRequestAt - now();
      if (pacing > 0) await sleep(pacing);
      const timeout = Math.max(1, Math.min(attemptTimeoutMs, deadline - now()));
      let backoff = 0;
      try {
        const response = await this.settings.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(timeout),
        });
        this.nextRequestAt = now() + minIntervalMs;
        const text = redactUrl(await response.text().catch(() => ''), url).trim().slice(0, 200);
        status = response.status;
        if (response.ok) return { attempts: attempt };
        problem = `HTTP ${response.status}${text ? ` ${text}` : ''}`;
        if (response.status === 429) {
          const retryAfterMs = retryAfter(response.headers.get('retry-after'), now());
          problem = `HTTP 429 rate limited (Retry-After ${Math.ceil(retryAfterMs / 1000)} s)`;
          this.nextRequestAt = Math.max(this.nextRequestAt, now() + retryAfterMs);
        } else if (response.status < 500) {
          // 404 no_service / 410 channel_is_archived: the webhook is gone (rotated, revoked). Read the URL again on
          // the next send, in case its secret now holds a new one.
          if (WEBHOOK_GONE.has(response.status)) this.url = undefined;
          throw new SlackDeliveryError(`Slack refused the message: ${problem}`, { attempts: attempt, retryable: false, status });
        } else {
          backoff = this.backoff(attempt);
        }
      } catch (error) {
        if (error instanceof SlackDeliveryError) throw error;
        this.nextRequestAt = now() + minIntervalMs;
        status = null;
        lastCause = redactedError(error, url);
        problem = describe(error, timeout, url);
        backoff = this.backoff(attempt);
      }
      const resumeAt = Math.max(now() + backoff, this.nextRequestAt);
      if (resumeAt >= deadline) {
        const notWaiting = status === 429 ? ', past the delivery deadline: not waiting' : '';
        throw new SlackDeliveryError(`Slack delivery gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (${budget}): ${problem}${notWaiting}`, {
          attempts: attempt,
          retryable: true,
          status,
          cause: lastCause,
        });
      }
      const wait = resumeAt - now();
      this.options.onRetry?.({ attempt, delayMs: Math.max(0, wait), reason: problem });
      if (wait > 0) await sleep(wait);
    }
  }

  /** The webhook is held (rate limited, or paced behind earlier messages) until past the deadline: fail now. */
  private heldPastDeadline(attempts: number, budget: string): SlackDeliveryError {
    const heldFor = Math.ceil((this.nextRequestAt - this.settings.now()) / 1000);
    return new SlackDeliveryError(`Slack delivery not tried: the webhook is held for ${heldFor} s more (rate limited), past the delivery deadline (${budget})`, {
      attempts,
      retryable: true,
      status: 429,
    });
  }

  private backoff(attempt: number): number {
    const { initialBackoffMs, maxBackoffMs, random } = this.settings;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1));
    return Math.round(base * (0.5 + Math.min(Math.max(random(), 0), 1) / 2));
  }

  private async webhookUrl(deadline: number): Promise<string> {
    const source = this.options.webhookUrl;
    if (this.url === undefined) {
      const reading = (typeof source === 'string' ? Promise.resolve(source) : source()).then(checkUrl);
      // A failed read is forgotten (the next send tries again), also when no send awaits it any more.
      reading.catch(() => {
        if (this.url === reading) this.url = undefined;
      });
      this.url = reading;
    }
    try {
      return await beforeDeadline(this.url, deadline - this.settings.now());
    } catch (error) {
      if (error instanceof DeadlineError) {
        throw new SlackDeliveryError('the Slack webhook URL could not be read before the delivery deadline', { attempts: 0, retryable: true });
      }
      if (error instanceof SlackDeliveryError) throw error;
      throw new SlackDeliveryError(`the Slack webhook URL could not be read: ${(error as Error).message}`, { attempts: 0, retryable: true, cause: error });
    }
  }
}

class DeadlineError extends Error {}

/** Resolves as `promise` does, or rejects with a `DeadlineError` after `ms` (the timer never outlives the race). */
async function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!Number.isFinite(ms)) return promise;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DeadlineError()), Math.max(0, ms))))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Accepts https URLs, and http to loopback only (a local stand-in); the URL is never quoted back. */
function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SlackDeliveryError('the Slack webhook URL is not a valid URL', { attempts: 0, retryable: false });
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))) return url;
  throw new SlackDeliveryError('the Slack webhook URL must be https:// (http:// only to a loopback address)', { attempts: 0, retryable: false });
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfter(header: string | null, nowMs: number): number {
  if (header === null || header.trim() === '') return 1000;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - nowMs);
}

function describe(error: unknown, timeoutMs: number, url: string): string {
  const err = error as Error & { cause?: { code?: unknown; message?: unknown } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = typeof err?.cause?.code === 'string' ? err.cause.code : null;
  return redactUrl(`network error${code ? ` ${code}` : ''}: ${err?.message ?? String(error)}`, url);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([key, entry]) => entry !== undefined && key !== 'webhookUrl' && key !== 'onRetry')) as Partial<T>;
}
