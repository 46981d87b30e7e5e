/**
 * `replay --slack-channel ID [--slack-api-url URL]`: a replay drives Slack app mode (threads per incident, response
 * buttons) with the bot token from `SLACK_BOT_TOKEN` (never a flag), against Slack or any Slack API base URL. And
 * whatever the delivery, a replay into a table (`--table`, `--endpoint`) obeys the snoozes and Expected suppressions
 * stored there, as the Lambda does.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbResponderStore } from '../adapters/dynamodb-responder-store.js';
import { createAlertPublisher } from '../adapters/notifier.js';
import { slackAppChannels } from '../adapters/slack-app/app-channels.js';
import { SLACK_CHANNEL_ID } from '../adapters/slack-app/app-secret.js';
import type { AlertPublisher } from '../engine/alert-publisher.js';
import { obeyResponders } from '../engine/responder-gate.js';
import { UsageError } from './command-kit.js';
import type { ReplayNotifier } from './replay-notifier.js';

/** Help of the two flags. */
export const SLACK_APP_REPLAY_FLAGS = {
  channel: ['--slack-channel <id>', 'Slack app mode: thread alerts per incident in this channel id (C…), with the bot token from SLACK_BOT_TOKEN'],
  apiUrl: ['--slack-api-url <url>', 'with --slack-channel: another Slack API base URL (a local stand-in) [https://slack.com/api/]'],
} as const;

interface SlackAppReplay {
  channel: string;
  token: string;
  apiUrl?: string;
}
const slackAppOf = new WeakMap<ReplayNotifier, SlackAppReplay>();

/**
 * The notifier, marked for Slack app delivery when `--slack-channel` is given.
 *
 * @throws {@link UsageError} on a bad channel id or URL, or without `SLACK_BOT_TOKEN`.
 */
export function withReplaySlackApp(notifier: ReplayNotifier, flags: { slackChannel?: string; slackApiUrl?: string }, env: NodeJS.ProcessEnv): ReplayNotifier {
  if (flags.slackChannel === undefined) {
    if (flags.slackApiUrl !== undefined) throw new UsageError('--slack-api-url goes with --slack-channel');
    return notifier;
  }
  if (!SLACK_CHANNEL_ID.test(flags.slackChannel)) throw new UsageError(`--slack-channel must be a channel id (C… or G…), got "${flags.slackChannel}"`);
  if (flags.slackApiUrl !== undefined && !/^https?:\/\/\S+$/.test(flags.slackApiUrl)) throw new UsageError('--slack-api-url must be an http(s) URL');
  const token = env.SLACK_BOT_TOKEN;
  if (!token || !/^xoxb-[\w-]+$/.test(token)) throw new UsageError('--slack-channel needs the bot token (xoxb-…) in SLACK_BOT_TOKEN; it is never a flag');
  const marked: ReplayNotifier = { ...notifier, delivers: true };
  slackAppOf.set(marked, { channel: flags.slackChannel, token, apiUrl: flags.slackApiUrl });
  return marked;
}

/**
 * The replay's publisher over its table: the notifier's channels, plus the Slack app's thread when asked, behind the
 * responders' gate when the table may hold responses (a table elsewhere, or Slack app mode).
 */
export function replayPublisher(notifier: ReplayNotifier, connection: { tableName: string; client: DynamoDBClient; emulator: unknown; dataDir: string | null }): AlertPublisher {
  const app = slackAppOf.get(notifier);
  const ownTable = connection.emulator !== null;
  if (!app && ownTable) return notifier.publisher;
  const store = new DynamoDbResponderStore({ tableName: connection.tableName, client: connection.client });
  let publisher = notifier.publisher;
  if (app) {
    const threads = createAlertPublisher({
      routes: [{ name: 'slack-app', slackChannel: app.channel }],
      channel: slackAppChannels({ secret: async () => ({ botToken: app.token, signingSecret: '0'.repeat(32), channel: app.channel }), store, slackApiUrl: app.apiUrl }),
    });
    const others = notifier.publisher;
    publisher = { publish: async (requests, options) => [...(await others.publish(requests, options)), ...(await threads.publish(requests, options))] };
  }
  return obeyResponders(publisher, { store, now: Date.now });
}
