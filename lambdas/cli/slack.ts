/**
 * `denial-alerter slack`: helpers for Slack app mode.
 *
 * - `slack manifest [--interactions-url URL] [--user-group]` prints the app manifest (paste it at
 *   api.slack.com/apps → Create New App → From a manifest). Scopes: `chat:write` only (`usergroups:read` too with
 *   `--user-group`). The URL is the stack's `SlackInteractionsUrl` output.
 * - `slack check --channel C…` checks the bot token from `SLACK_BOT_TOKEN` (never a flag): `auth.test`, then
 *   `conversations.info` for the bot's membership of the channel (that needs `channels:read`; without it the check
 *   says so and the first alert will tell: Slack answers `not_in_channel`).
 *
 * App manifests: https://api.slack.com/reference/manifests
 */
import type { Command } from 'commander';
import { slackApiError, slackWebClient } from '../adapters/slack-app/web-client.js';
import { SLACK_CHANNEL_ID } from '../adapters/slack-app/app-secret.js';
import { UsageError, type CliContext } from './command-kit.js';

const URL_PLACEHOLDER = 'https://REPLACE-WITH-THE-SlackInteractionsUrl-OUTPUT.lambda-url.REGION.on.aws/';

/** The Slack app manifest of Denial Alerter. */
export function slackManifest(options: { interactionsUrl?: string; userGroup?: boolean }): Record<string, unknown> {
  return {
    display_information: { name: 'Denial Alerter', description: 'AccessDenied spike alerts: one thread per incident; Acknowledge, Snooze, Expected.', background_color: '#232f3e' },
    features: { bot_user: { display_name: 'denial-alerter', always_online: false } },
    oauth_config: { scopes: { bot: ['chat:write', ...(options.userGroup ? ['usergroups:read'] : [])] } },
    settings: { interactivity: { is_enabled: true, request_url: options.interactionsUrl ?? URL_PLACEHOLDER }, org_deploy_enabled: false, socket_mode_enabled: false, token_rotation_enabled: false },
  };
}

/** Adds `slack` to the program. */
export function registerSlackCommand(program: Command, context: CliContext): Command {
  const slack = program.command('slack').summary('Slack app mode: print the app manifest, check the bot token and channel').description('Helpers for Slack app mode (threads and response buttons).');
  slack
    .command('manifest')
    .description('print the Slack app manifest (JSON) to paste when creating the app')
    .option('--interactions-url <url>', 'the stack output SlackInteractionsUrl (aws cloudformation describe-stacks --stack-name DenialAlerter --query "Stacks[0].Outputs")')
    .option('--user-group', 'ask for usergroups:read too (the secret names a "userGroup" whose members alone may click)')
    .action((flags: { interactionsUrl?: string; userGroup?: boolean }) => {
      if (flags.interactionsUrl !== undefined && !/^https:\/\/\S+$/.test(flags.interactionsUrl)) throw new UsageError('--interactions-url must be an https:// URL (the SlackInteractionsUrl output)');
      context.io.stdout.write(`${JSON.stringify(slackManifest(flags), null, 2)}\n`);
      if (flags.interactionsUrl === undefined) context.io.stderr.write('denial-alerter slack: no --interactions-url: replace the placeholder request_url with the stack output SlackInteractionsUrl\n');
    });
  slack
    .command('check')
    .description('check the bot token (SLACK_BOT_TOKEN) with auth.test and that the bot is in --channel')
    .requiredOption('--channel <id>', 'the channel id (C…) alerts go to')
    .option('--slack-api-url <url>', 'another Slack API base URL (a local stand-in)')
    .action(async (flags: { channel: string; slackApiUrl?: string }) => {
      const token = context.env.SLACK_BOT_TOKEN;
      if (!token || !/^xoxb-[\w-]+$/.test(token)) throw new UsageError('set SLACK_BOT_TOKEN to the app\'s bot token (xoxb-…); it is never a flag');
      if (!SLACK_CHANNEL_ID.test(flags.channel)) throw new UsageError(`--channel must be a channel id (C… or G…), got "${flags.channel}"`);
      const client = slackWebClient(token, { slackApiUrl: flags.slackApiUrl });
      const say = (line: string) => context.io.stdout.write(`${line}\n`);
      try {
        const auth = await client.auth.test();
        say(`ok  token: bot ${auth.user_id} in workspace ${auth.team} (${auth.team_id})`);
      } catch (error) {
        say(`FAIL token: ${slackApiError('auth.test', error).message}`);
        context.status = 1;
        return;
      }
      try {
        const info = await client.conversations.info({ channel: flags.channel });
        if (info.channel?.is_member) say(`ok  channel: the bot is in ${flags.channel}`);
        else {
          say(`FAIL channel: the bot is not in ${flags.channel}: /invite @denial-alerter there`);
          context.status = 1;
        }
      } catch (error) {
        const failure = slackApiError('conversations.info', error);
        if (failure.slackError === 'missing_scope') say('??  channel: cannot tell without the channels:read scope; the first alert will (Slack answers not_in_channel)');
        else {
          say(`FAIL channel: ${failure.message}`);
          context.status = 1;
        }
      }
    });
  return slack;
}
