/**
 * Reads the Slack webhook URL from Secrets Manager. The secret string is the URL itself, or JSON with `url` or
 * `webhookUrl`. The value is cached per client and secret (so once per cold start when the client is created once);
 * a failed read is not cached, so the next call tries again. Errors name the secret, never its value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebhookSecretError } from './delivery-errors.js';

export { WebhookSecretError };

const cache = new WeakMap<SecretsManagerClient, Map<string, Promise<string>>>();

/**
 * Extracts the webhook URL from a secret string.
 *
 * @throws {@link WebhookSecretError} when the secret holds no https URL.
 */
export function webhookUrlFromSecret(secret: string): string {
  const trimmed = secret.trim();
  let candidate: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      // JSON.parse's message quotes the text it could not read: keep no cause.
      throw new WebhookSecretError('the Slack webhook secret starts with "{" but is not valid JSON');
    }
    candidate = parsed.url ?? parsed.webhookUrl;
    if (typeof candidate !== 'string') throw new WebhookSecretError('the Slack webhook secret is JSON without a string "url" or "webhookUrl"');
  }
  const url = String(candidate).trim();
  // http:// only to a loopback address (a local stand-in), as the sender itself accepts.
  if (!/^https:\/\/[^\s/]+\/\S*$/.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/\S*$/.test(url)) throw new WebhookSecretError('the Slack webhook secret does not hold an https:// URL (plain, or JSON {"url": "…"} / {"webhookUrl": "…"})');
  return url;
}

/**
 * Reads the secret and returns the webhook URL (cached per client and secret ARN).
 *
 * @throws {@link WebhookSecretError} when the secret cannot be read or holds no URL.
 */
export function readSlackWebhookUrl(client: SecretsManagerClient, secretArn: string): Promise<string> {
  let perClient = cache.get(client);
  if (!perClient) cache.set(client, (perClient = new Map()));
  const cached = perClient.get(secretArn);
  if (cached) return cached;
  const reading = fetchUrl(client, secretArn);
  perClient.set(secretArn, reading);
  reading.catch(() => perClient.delete(secretArn));
  return reading;
}

/**
 * Reads the secret and returns the webhook URL, uncached (for a caller that keeps the URL itself and reads again when
 * Slack says the webhook is gone, as `SlackWebhookSender` does).
 *
 * @throws {@link WebhookSecretError} when the secret cannot be read or holds no URL.
 */
export function fetchSlackWebhookUrl(client: SecretsManagerClient, secretId: string): Promise<string> {
  return fetchUrl(client, secretId);
}

async function fetchUrl(client: SecretsManagerClient, secretArn: string): Promise<string> {
  let secret: string | undefined;
  try {
    secret = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    throw new WebhookSecretError(`could not read the Slack webhook secret ${secretArn}: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
  }
  if (!secret) throw new WebhookSecretError(`the Slack webhook secret ${secretArn} has no string value`);
  try {
    return webhookUrlFromSecret(secret);
  } catch (error) {
    throw new WebhookSecretError(`${(error as Error).message} (secret ${secretArn})`);
  }
}
