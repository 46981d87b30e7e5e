/**
 * Slack app mode's channels for the routed publisher: every route's Slack delivery goes through the app (one
 * `WebClient` for the bot token), threaded per incident in the route's `slackChannel`, else the app secret's channel.
 */
import type { WebClient } from '@slack/web-api';
import type { RenderOptions } from '../../core/render/alert-facts.js';
import { APP_SECRET_CHANNEL, type Route } from '../../core/routing.js';
import type { ResponderStore } from '../../engine/responder-store.js';
import type { AlertChannel } from '../notifier.js';
import type { SlackAppSecret } from './app-secret.js';
import { slackThreadChannel, type SlackThreadChannelOptions } from './thread-channel.js';
import { slackWebClient } from './web-client.js';

export interface SlackAppChannelsOptions {
  /** The app secret (read on first use, then kept). */
  secret: () => Promise<SlackAppSecret>;
  store: ResponderStore;
  /** @default Slack's own API */
  slackApiUrl?: string;
  render?: RenderOptions;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: SlackThreadChannelOptions['log'];
}

/** A channel factory for `createAlertPublisher`: `slack:<route>` → the route's threaded app channel. */
export function slackAppChannels(options: SlackAppChannelsOptions): (id: string, route: Route) => AlertChannel {
  let client: Promise<WebClient> | undefined;
  let secret: Promise<SlackAppSecret> | undefined;
  const readSecret = () => {
    secret ??= options.secret();
    secret.catch(() => (secret = undefined));
    return secret;
  };
  const clientOf = () => {
    client ??= readSecret().then((value) => slackWebClient(value.botToken, { slackApiUrl: options.slackApiUrl }));
    client.catch(() => (client = undefined));
    return client;
  };
  return (id, route) =>
    slackThreadChannel(id, {
      client: clientOf,
      slackChannel: async () => (route.slackChannel && route.slackChannel !== APP_SECRET_CHANNEL ? route.slackChannel : (await readSecret()).channel),
      store: options.store,
      render: options.render,
      now: options.now,
      sleep: options.sleep,
      log: options.log,
    });
}
