/**
 * Sends a replay's alerts to Slack and SNS when asked, so that a back-test can be seen in a test channel. Without a
 * delivery flag, alerts are only printed (a settings file's routes never post to real channels by surprise).
 *
 * - `--slack-webhook URL` / `--sns-topic ARN`: one default route.
 * - Routes from `--settings` choose each alert's channels as the Lambda does; `--route-webhook NAME=URL` sends a
 *   route's Slack messages to a test webhook, `--slack-webhook` sends every route's Slack messages to one, and
 *   `--deliver-to-routes` uses the routes' own secrets (Secrets Manager) and topics.
 * - `--delivery-budget` bounds the time each channel may spend over the whole run: a hanging or rate-limiting webhook
 *   ends in the dead-letter file within it, never in a replay that waits an hour.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import { createAlertPublisher, routedAlert, slackAlertChannel, snsAlertChannel, type AlertChannel, type SnsSender } from '../adapters/notifier.js';
import { SlackWebhookSender } from '../adapters/slack-webhook.js';
import type { AlertSummary } from '../core/alert.js';
import { SettingsError, type Settings } from '../core/config.js';
import { parseAccountOrganizationalUnits, parseRoutes, routingFactsOf, type Route, type RoutingFacts } from '../core/routing.js';
import { ROUTING_ENV } from '../config/env.js';
import { routingFromEnvironment } from '../config/routing.js';
import type { AlertPublisher } from '../engine/alert-publisher.js';
import { readSettingsFile } from './settings-file.js';

/** One alert that one channel could not take (kept in the dead-letter file). */
export interface DeliveryFailure {
  channel: string;
  error: string;
  alert: AlertSummary;
}

export interface ReplayNotifier {
  /** Delivers within what is left of the run's budget; resolves with the failures, never rejects. */
  publish(alerts: readonly AlertSummary[]): Promise<DeliveryFailure[]>;
  /** The same channels as an {@link AlertPublisher} (for an engine that publishes from its outbox). */
  publisher: AlertPublisher;
  /** True when some channel is configured. */
  delivers: boolean;
  /** The alert with `route` set as the routes choose it (for printing), or unchanged when there are no routes. */
  routed(alert: AlertSummary): AlertSummary;
  /** Slack app mode (`--slack-channel`): threads per incident in this channel, with this bot token. */
  slackApp?: { channel: string; token: string; apiUrl?: string };
}

export const NOTIFY_OPTIONS = {
  'slack-webhook': { type: 'string' },
  'sns-topic': { type: 'string' },
  'route-webhook': { type: 'string', multiple: true },
  'deliver-to-routes': { type: 'boolean' },
  'delivery-budget': { type: 'string' },
} as const;

/** The default of `--delivery-budget`. */
export const DEFAULT_DELIVERY_BUDGET = '60s';

export const NOTIFY_HELP = `Sending alerts (optional; without these, alerts are only printed):
  --slack-webhook URL         Slack incoming webhook (env: DENIAL_ALERTER_SLACK_WEBHOOK); never printed. With
                              routes, every route's Slack messages go to it
  --sns-topic ARN             SNS topic (env: DENIAL_ALERTER_SNS_TOPIC), reached with the standard AWS environment
                              (AWS_ENDPOINT_URL_SNS for a local endpoint)
  --route-webhook NAME=URL    Send route NAME's Slack messages to URL, a test webhook (repeatable). The routes are
                              the settings file's "routes" (--settings), else DENIAL_ALERTER_ROUTES as in the Lambda
  --deliver-to-routes         Deliver to the routes' own Slack secrets (Secrets Manager) and SNS topics
  --delivery-budget TIME      Time each channel may spend delivering over the whole run, e.g. 30s, 2m (default
                              ${DEFAULT_DELIVERY_BUDGET}); what a hanging or rate-limited channel could not deliver
                              within it goes to the dead-letter file`;

/** Routing settings a replay may carry (from `--settings`). */
type RoutingSettings = Pick<Settings, 'routes' | 'accountOrganizationalUnits'>;

/**
 * Builds the notifier from flags, environment and settings.
 *
 * @param settings - the resolved settings (their `routes`); when not given, read from `values.settings` (a file).
 * @throws {@link SettingsError} on a bad flag value (the message names the flag).
 */
export function createReplayNotifier(values: Record<string, unknown>, env: NodeJS.ProcessEnv, settings?: RoutingSettings): ReplayNotifier {
  const slackWebhook = (values['slack-webhook'] as string | undefined) ?? env.DENIAL_ALERTER_SLACK_WEBHOOK;
  const snsTopic = (values['sns-topic'] as string | undefined) ?? env.DENIAL_ALERTER_SNS_TOPIC;
  const routeWebhooks = parseRouteWebhooks(values['route-webhook']);
  const budgetMs = parseDuration((values['delivery-budget'] as string | undefined) ?? DEFAULT_DELIVERY_BUDGET, '--delivery-budget');
  if (slackWebhook && !/^https?:\/\/\S+$/.test(slackWebhook)) throw new SettingsError('--slack-webhook must be an http(s) URL');
  if (snsTopic && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/.test(snsTopic)) {
    throw new SettingsError(`--sns-topic must be an SNS topic ARN, got "${snsTopic}"`);
  }
  const routing = settings?.routes !== undefined ? settings : { ...routingOf(env), ...withoutUndefined(routingFromFile(values.settings)) };
  const configured = routing.routes;
  const deliverToRoutes = values['deliver-to-routes'] === true;
  if (configured === undefined && (routeWebhooks.size > 0 || deliverToRoutes)) {
    throw new SettingsError(`--route-webhook and --deliver-to-routes need routes: give them in the --settings file ("routes": [...]) or ${ROUTING_ENV.routes}`);
  }
  if (configured !== undefined && snsTopic) throw new SettingsError('--sns-topic cannot be combined with routes: name the topics in the routes');
  for (const name of routeWebhooks.keys()) {
    if (!configured?.some((route) => route.name === name)) throw new SettingsError(`--route-webhook names route "${name}", which is not among the routes`);
  }

  const routes: Route[] =
    configured ??
    (slackWebhook || snsTopic
      ? [{ name: 'default', ...(slackWebhook ? { slackWebhookSecretName: 'replay/--slack-webhook' } : {}), ...(snsTopic ? { snsTopicArn: snsTopic } : {}) }]
      : []);
  const delivers = configured === undefined ? routes.length > 0 : deliverToRoutes || routeWebhooks.size > 0 || Boolean(slackWebhook);
  const facts: RoutingFacts = routing.accountOrganizationalUnits ? { accountOrganizationalUnits: routing.accountOrganizationalUnits } : {};
  const routed = (alert: AlertSummary) => (routes.length === 0 ? alert : routedAlert(alert, routes, routingFactsOf(alert, facts)).alert);
  if (!delivers) {
    return { publish: async () => [], publisher: { publish: async () => [] }, delivers: false, routed };
  }

  const senders = new Map<string, SlackWebhookSender>();
  /** One sender per webhook (Slack's pacing is per webhook), whichever routes share it. */
  const senderFor = (key: string, webhookUrl: string | (() => Promise<string>)) => {
    let sender = senders.get(key);
    if (sender === undefined) senders.set(key, (sender = new SlackWebhookSender({ webhookUrl })));
    return sender;
  };
  // The AWS SDK's clients are loaded on first use (~0.3 s to import: a replay that only prints never loads them).
  let secrets: Promise<SecretsManagerClient> | undefined;
  let sns: Promise<SNSClient> | undefined;
  const channel = (id: string, route: Route): AlertChannel | undefined => {
    if (id.startsWith('sns:')) {
      if (configured !== undefined && !deliverToRoutes) return undefined;
      const topicArn = id.slice('sns:'.length);
      let publisher: Promise<{ publish: SnsSender['publish'] }> | undefined;
      return snsAlertChannel(id, {
        async publish(alert, options) {
          sns ??= import('@aws-sdk/client-sns').then(({ SNSClient }) => new SNSClient({ region: env.AWS_REGION ?? topicArn.split(':')[3] }));
          publisher ??= Promise.all([sns, import('../adapters/sns-publisher.js')]).then(([client, { SnsPublisher }]) => new SnsPublisher(client, topicArn));
          return (await publisher).publish(alert, options);
        },
      });
    }
    const testWebhook = routeWebhooks.get(route.name) ?? slackWebhook;
    if (testWebhook) return slackAlertChannel(id, senderFor(`url:${testWebhook}`, testWebhook));
    const secretId = route.slackWebhookSecretArn ?? route.slackWebhookSecretName;
    if (!deliverToRoutes || secretId === undefined) return undefined;
    return slackAlertChannel(
      id,
      senderFor(`secret:${secretId}`, async () => {
        secrets ??= import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient }) => new SecretsManagerClient({ region: env.AWS_REGION ?? regionOfArn(secretId) }));
        const [client, { readSlackWebhookUrl }] = await Promise.all([secrets, import('../adapters/slack-webhook-secret.js')]);
        return readSlackWebhookUrl(client, secretId);
      }),
    );
  };
  const publisher = createAlertPublisher({
    routes: configured !== undefined && !deliverToRoutes ? routes.map((route) => onlyTestWebhooks(route, routeWebhooks, slackWebhook)) : routes,
    channel,
    facts: (alert) => routingFactsOf(alert, facts),
    budgetPerChannelMs: budgetMs,
  });
  return {
    delivers: true,
    publisher,
    routed,
    async publish(alerts) {
      if (alerts.length === 0) return [];
      const outcomes = await publisher.publish(
        alerts.map((alert) => ({ alert, alreadyDelivered: [] })),
        // The budget bounds each channel; the call's own deadline is the budget too (nothing waits longer).
        { deadlineMs: Date.now() + budgetMs },
      );
      // Dead letters keep the alert as its channels saw it (with the route that chose it).
      const byId = new Map(alerts.map((alert) => [alert.alertId, routed(alert)]));
      return outcomes
        .filter((outcome) => outcome.status === 'failed')
        .map((outcome) => ({ channel: outcome.channel, error: outcome.error ?? 'failed', alert: byId.get(outcome.alertId)! }));
    },
  };
}

/**
 * With routes but no `--deliver-to-routes`, only test webhooks deliver: a route keeps its Slack channel when a test
 * webhook stands in for it, and its SNS topic is left out (routing, and the route named in each alert, stay the same).
 */
function onlyTestWebhooks(route: Route, routeWebhooks: Map<string, string>, slackWebhook: string | undefined): Route {
  const { snsTopicArn: _topic, slackWebhookSecretArn: _arn, slackWebhookSecretName: _name, ...rest } = route;
  return routeWebhooks.has(route.name) || slackWebhook ? { ...rest, slackWebhookSecretName: `replay/${route.name}` } : rest;
}

/** Routes from the Lambda's own variables (`DENIAL_ALERTER_ROUTES`, `DENIAL_ALERTER_ACCOUNT_OUS`), when set. */
function routingOf(env: NodeJS.ProcessEnv): RoutingSettings {
  try {
    return routingFromEnvironment(env);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function routingFromFile(path: unknown): RoutingSettings {
  if (typeof path !== 'string' || path === '') return {};
  const raw = readSettingsFile(path);
  try {
    return {
      routes: raw.routes === undefined ? undefined : parseRoutes(raw.routes),
      accountOrganizationalUnits: raw.accountOrganizationalUnits === undefined ? undefined : parseAccountOrganizationalUnits(raw.accountOrganizationalUnits),
    };
  } catch (error) {
    throw new SettingsError(`settings file ${path}: ${(error as Error).message}`);
  }
}

function parseRouteWebhooks(value: unknown): Map<string, string> {
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const result = new Map<string, string>();
  for (const entry of entries as string[]) {
    const match = /^([A-Za-z0-9._-]{1,64})=(https?:\/\/\S+)$/.exec(entry);
    if (!match) throw new SettingsError('--route-webhook must be NAME=URL (a route name, then an http(s) URL)');
    result.set(match[1]!, match[2]!);
  }
  return result;
}

/**
 * Parses a duration: `90` (seconds), `90s`, `2m`, `1500ms`, `1h`.
 *
 * @throws {@link SettingsError} naming the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new SettingsError(`${flag} must be a duration like 30s, 2m or 1500ms, got "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unit);
  if (ms <= 0) throw new SettingsError(`${flag} must be more than zero`);
  return ms;
}

function regionOfArn(arn: string): string | undefined {
  return arn.startsWith('arn:') ? arn.split(':')[3] : undefined;
}
