/**
 * Reads the Slack webhook URL from Secrets Manager. The secret string is the URL itself, or JSON with `url` or
 * `webhookUrl`. Read once per cold start.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Raised when the secret does not hold a webhook URL; never includes the secret's value. */
export class WebhookSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSecretError';
  }
}

/** Extracts the URL from a secret string. */
export function webhookUrlFromSecret(secret: string): string {
  const trimmed = secret.trim();
  let candidate = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      candidate = String(parsed.url ?? parsed.webhookUrl ?? '');
    } catch (error) {
      throw new WebhookSecretError('the Slack webhook secret is neither a URL nor valid JSON', { cause: error });
    }
  }
  if (!/^https:\/\/\S+$/.test(candidate)) throw new WebhookSecretError('the Slack webhook secret does not hold an https:// URL (plain, or JSON {"url": "…"})');
  return candidate;
}

/** Reads the secret and returns the webhook URL. */
export async function readSlackWebhookUrl(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!response.SecretString) throw new WebhookSecretError(`secret ${secretArn} has no string value`);
  return webhookUrlFromSecret(response.SecretString);
}
