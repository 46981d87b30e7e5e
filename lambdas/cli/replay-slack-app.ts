/**
 * `replay --slack-channel ID [--slack-api-url URL]`: the flags of Slack app mode in a replay, with the bot token from
 * `SLACK_BOT_TOKEN` (never a flag). The publisher that threads alerts is `replay/slack-app.ts`.
 */
import type { ReplayNotifier } from '../replay/notifier.js';
import { UsageError } from './command-kit.js';

/** Help of the two flags. */
export const SLACK_APP_REPLAY_FLAGS = {
  channel: ['--slack-channel <id>', 'Slack app mode: thread alerts per incident in this channel id (C…), with the bot token from SLACK_BOT_TOKEN'],
  apiUrl: ['--slack-api-url <url>', 'with --slack-channel: another Slack API base URL (a local stand-in) [https://slack.com/api/]'],
} as const;

/**
 * The notifier, marked for Slack app delivery when `--slack-channel` is given.
 *
 * @throws {@link UsageError} on a bad channel id or URL, or without `SLACK_BOT_TOKEN`.
 */
export async function withReplaySlackApp(notifier: ReplayNotifier, flags: { slackChannel?: string; slackApiUrl?: string }, env: NodeJS.ProcessEnv): Promise<ReplayNotifier> {
  if (flags.slackChannel === undefined) {
    if (flags.slackApiUrl !== undefined) throw new UsageError('--slack-api-url goes with --slack-channel');
    return notifier;
  }
  // Loaded only here: the module reads the app secret with the AWS SDK, which a replay without Slack never imports.
  const { SLACK_CHANNEL_ID } = await import('../adapters/slack-app/app-secret.js');
  if (!SLACK_CHANNEL_ID.test(flags.slackChannel)) throw new UsageError(`--slack-channel must be a channel id (C… or G…), got "${flags.slackChannel}"`);
  if (flags.slackApiUrl !== undefined && !/^https?:\/\/\S+$/.test(flags.slackApiUrl)) throw new UsageError('--slack-api-url must be an http(s) URL');
  const token = env.SLACK_BOT_TOKEN;
  if (!token || !/^xoxb-[\w-]+$/.test(token)) throw new UsageError('--slack-channel needs the bot token (xoxb-…) in SLACK_BOT_TOKEN; it is never a flag');
  return { ...notifier, delivers: true, slackApp: { channel: flags.slackChannel, token, apiUrl: flags.slackApiUrl } };
}
