/**
 * Reads each Slack webhook secret with the caller's credentials and keeps only its shape: a Slack URL, another URL
 * (its host), or why it is not one. The value itself never leaves this function.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isSlackWebhookUrl, type SlackSecretFacts, type SlackSecretState } from '../../core/preflight/slack-secret.js';
import { webhookUrlFromSecret } from '../slack-webhook-secret.js';
import { attempt, isCallFailure } from './aws-call.js';

/** The state of each secret (`secrets`: name → the routes that use it). */
export async function gatherSlackSecrets(secretsManager: SecretsManagerClient, secrets: ReadonlyMap<string, readonly string[]>): Promise<SlackSecretFacts[]> {
  return Promise.all(
    [...secrets].map(async ([name, usedBy]) => {
      const read = await attempt<{ SecretString?: string; SecretBinary?: unknown }, SlackSecretState>(
        'secretsmanager:GetSecretValue',
        'Secrets Manager',
        () => secretsManager.send(new GetSecretValueCommand({ SecretId: name })),
        (error) => {
          if (error.name === 'ResourceNotFoundException') return { kind: 'missing' };
          if (error.name === 'DecryptionFailure') return { kind: 'unreadable', reason: `DecryptionFailure: the caller may not use the secret's KMS key (kms:Decrypt)` };
          if (error.name === 'InvalidRequestException') return { kind: 'unreadable', reason: `InvalidRequestException (a secret scheduled for deletion answers so; restore it with aws secretsmanager restore-secret --secret-id ${name})` };
          return undefined;
        },
      );
      if (isCallFailure(read) || 'kind' in read) return { name, usedBy, state: read };
      return { name, usedBy, state: shapeOf(read.SecretString, read.SecretBinary !== undefined) };
    }),
  );
}

/** The shape of a secret string, without its value. */
function shapeOf(secret: string | undefined, binary: boolean): SlackSecretState {
  if (secret === undefined || secret === '') return { kind: 'unreadable', reason: binary ? 'it holds a binary value, not a string' : 'it has no string value' };
  let url: string;
  try {
    url = webhookUrlFromSecret(secret);
  } catch (error) {
    // webhookUrlFromSecret's messages name the problem, never the value.
    return { kind: 'not-a-url', reason: (error as Error).message };
  }
  if (isSlackWebhookUrl(url)) return { kind: 'url', slack: true, host: 'hooks.slack.com' };
  let host = 'another host';
  try {
    host = new URL(url).host;
  } catch {
    // keep the neutral word
  }
  return { kind: 'url', slack: false, host };
}
