/**
 * Errors of alert delivery. Each keeps a `cause`; none ever carries the Slack webhook URL (it is a secret: whoever
 * has it can post to the channel), so they are safe to log and to dead-letter.
 */

/** The delivery channels. */
export const CHANNELS = ['slack', 'sns'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A delivery that failed for good (after its retries). */
export class DeliveryError extends Error {
  readonly channel: Channel;
  /** Attempts made (0 when nothing could be sent). */
  readonly attempts: number;
  /** True when a later try may succeed (timeouts, 5xx, rate limits); false for a refusal (4xx, bad URL). */
  readonly retryable: boolean;

  constructor(message: string, details: { channel: Channel; attempts: number; retryable: boolean; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DeliveryError';
    this.channel = details.channel;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
  }
}

/** Slack did not take the message. */
export class SlackDeliveryError extends DeliveryError {
  /** The last HTTP status Slack answered, or null when none (timeout, network error). */
  readonly status: number | null;

  constructor(message: string, details: { attempts: number; retryable: boolean; status?: number | null; cause?: unknown }) {
    super(message, { ...details, channel: 'slack' });
    this.name = 'SlackDeliveryError';
    this.status = details.status ?? null;
  }
}

/** SNS did not take the message. */
export class SnsDeliveryError extends DeliveryError {
  constructor(message: string, details: { attempts: number; retryable: boolean; cause?: unknown }) {
    super(message, { ...details, channel: 'sns' });
    this.name = 'SnsDeliveryError';
  }
}

/** The webhook secret does not hold a usable URL; the message never contains the secret's value. */
export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSecretError';
  }
}

/** The text put where the webhook URL was. */
export const REDACTED_URL = '<webhook URL redacted>';

/** Removes every form of `secretUrl` (whole, without scheme, its path, percent-encoded) from `text`. */
export function redactUrl(text: string, secretUrl: string): string {
  const forms = new Set<string>([secretUrl, encodeURI(secretUrl), encodeURIComponent(secretUrl), secretUrl.replace(/^https?:\/\//, '')]);
  try {
    const parsed = new URL(secretUrl);
    forms.add(parsed.href);
    if (parsed.pathname.length > 1) forms.add(parsed.pathname + parsed.search);
    if (parsed.pathname.length > 1) forms.add(parsed.pathname);
  } catch {
    // not a URL: the whole string is the secret
  }
  let result = text;
  for (const form of [...forms].filter((value) => value.length >= 8).sort((a, b) => b.length - a.length)) result = result.split(form).join(REDACTED_URL);
  return result;
}

/**
 * A copy of an error that is safe to keep as `cause`: the same name, code and message chain with the URL removed
 * (a fetch error's message or cause may quote the URL it could not reach).
 */
export function redactedError(error: unknown, secretUrl: string, depth = 0): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redactUrl(source.message, secretUrl));
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  if (source.cause !== undefined && depth < 3) copy.cause = redactedError(source.cause, secretUrl, depth + 1);
  copy.stack = undefined;
  return copy;
}
