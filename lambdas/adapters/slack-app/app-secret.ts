/**
 * The Slack app mode's secret (context `slackAppSecretName`): JSON `{"botToken": "xoxb-…", "signingSecret": "…",
 * "channel": "C…"}`, optionally `"teamId": "T…"` (else the bot token's workspace, from `auth.test`) and
 * `"userGroup": "S…"` (only its members may click). Errors name the field, never a value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** What the Slack app secret holds. */
export interface SlackAppSecret {
  botToken: string;
  signingSecret: string;
  /** Default channel id for routes that name none. */
  channel: string;
  teamId?: string;
  userGroup?: string;
}

/** Raised when the secret cannot be read or is not the expected JSON. */
export class SlackAppSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlackAppSecretError';
  }
}

/** A Slack conversation id (public `C…`, private `G…`). */
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,20}$/;

/** Parses and checks the secret string. */
export function parseSlackAppSecret(text: string): SlackAppSecret {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SlackAppSecretError('the Slack app secret is not JSON: expected {"botToken": "xoxb-…", "signingSecret": "…", "channel": "C…"}');
  }
  if (typeof value !== 'object' || value === null) throw new SlackAppSecretError('the Slack app secret must be a JSON object');
  if (typeof value.botToken !== 'string' || !/^xoxb-[\w-]+$/.test(value.botToken)) throw new SlackAppSecretError('the Slack app secret\'s "botToken" must be a bot token (xoxb-…)');
  if (typeof value.signingSecret !== 'string' || !/^[0-9a-f]{16,128}$/i.test(value.signingSecret)) throw new SlackAppSecretError('the Slack app secret\'s "signingSecret" must be the app\'s signing secret (hex)');
  if (typeof value.channel !== 'string' || !SLACK_CHANNEL_ID.test(value.channel)) throw new SlackAppSecretError('the Slack app secret\'s "channel" must be a channel id (C… or G…), not a name');
  if (value.teamId !== undefined && (typeof value.teamId !== 'string' || !/^T[A-Z0-9]{4,20}$/.test(value.teamId))) throw new SlackAppSecretError('the Slack app secret\'s "teamId" must be a workspace id (T…)');
  if (value.userGroup !== undefined && (typeof value.userGroup !== 'string' || !/^S[A-Z0-9]{4,20}$/.test(value.userGroup))) throw new SlackAppSecretError('the Slack app secret\'s "userGroup" must be a user group id (S…)');
  return {
    botToken: value.botToken,
    signingSecret: value.signingSecret,
    channel: value.channel,
    ...(value.teamId ? { teamId: value.teamId as string } : {}),
    ...(value.userGroup ? { userGroup: value.userGroup as string } : {}),
  };
}

/** Reads the secret from Secrets Manager (the caller keeps it for the life of the environment). */
export async function readSlackAppSecret(client: SecretsManagerClient, secretId: string): Promise<SlackAppSecret> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new SlackAppSecretError(`could not read the Slack app secret ${secretId}: ${(error as Error).name}`, { cause: error });
  }
  if (!text) throw new SlackAppSecretError(`the Slack app secret ${secretId} has no string value`);
  return parseSlackAppSecret(text);
}
