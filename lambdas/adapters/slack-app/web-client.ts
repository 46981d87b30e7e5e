/**
 * The `@slack/web-api` client as the Slack app mode uses it, and the translation of its errors into the delivery
 * errors the notifier understands (`retryable` set when trying again later may succeed).
 *
 * The client's own retries are off: the outbox and the caller's deadline decide about retries, as for a webhook.
 * Slack's rate limits (HTTP 429 with `Retry-After`): https://api.slack.com/apis/rate-limits
 */
import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';

/** The client of one bot token; `slackApiUrl` points it at any Slack API base URL (tests, `replay --slack-api-url`). */
export function slackWebClient(botToken: string, options: { slackApiUrl?: string; timeoutMs?: number } = {}): WebClient {
  return new WebClient(botToken, {
    ...(options.slackApiUrl ? { slackApiUrl: withSlash(options.slackApiUrl) } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 5_000,
    allowAbsoluteUrls: false,
    logLevel: undefined,
    logger: silentLogger(),
  });
}

/** Slack API errors that say this message can never be delivered as it is (no retry helps). */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_blocks', 'msg_too_long', 'invalid_auth', 'account_inactive', 'token_revoked', 'missing_scope', 'restricted_action']);

/** A failed Slack API call, in one line, with `retryable` and (for a 429) `retryAfterMs`. */
export class SlackApiError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly slackError: string | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SlackApiError';
  }
}

/** Translates what `@slack/web-api` threw. */
export function slackApiError(method: string, error: unknown): SlackApiError {
  const coded = error as { code?: string; data?: WebAPICallResult & { error?: string }; statusCode?: number; retryAfter?: number; original?: Error };
  switch (coded.code) {
    case ErrorCode.RateLimitedError:
      return new SlackApiError(`Slack ${method} is rate limited (429, Retry-After ${coded.retryAfter} s)`, true, 'ratelimited', (coded.retryAfter ?? 1) * 1000);
    case ErrorCode.PlatformError: {
      const slackError = String(coded.data?.error ?? 'unknown_error');
      const hint = slackError === 'channel_not_found' || slackError === 'not_in_channel' ? ': check the channel id and invite the app to the channel (/invite @denial-alerter)' : '';
      return new SlackApiError(`Slack ${method} answered ${slackError}${hint}`, !PERMANENT.has(slackError), slackError);
    }
    case ErrorCode.HTTPError:
      return new SlackApiError(`Slack ${method} answered HTTP ${coded.statusCode}`, (coded.statusCode ?? 500) >= 500 || coded.statusCode === 408, null);
    case ErrorCode.RequestError:
      return new SlackApiError(`Slack ${method} could not be reached (${coded.original?.name ?? 'request error'})`, true, null);
    default:
      return new SlackApiError(`Slack ${method} failed (${(error as Error)?.name ?? 'error'})`, true, null);
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function silentLogger() {
  const none = () => undefined;
  return { debug: none, info: none, warn: none, error: none, setLevel: none, getLevel: () => 'error' as never, setName: none };
}
