/**
 * The channels of the Lambda: per route, a Slack webhook whose URL is read from Secrets Manager on first use (never
 * from a plain environment variable) and an SNS topic. One Slack sender per webhook secret (Slack's pacing is per
 * webhook), one SNS publisher per topic, one SDK client of each kind, all created on first use and kept for the life
 * of the execution environment. A secret that cannot be read fails that route's Slack deliveries only.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { RenderOptions } from '../core/render/alert-facts.js';
import { buildSlackMessage } from '../core/render/slack.js';
import { buildSnsMessage } from '../core/render/sns.js';
import { APP_SECRET_CHANNEL, routesInForce, routingFactsOf, type Route, type RoutingFacts } from '../core/routing.js';
import type { AlertPublisher } from '../engine/alert-publisher.js';
import { createAlertPublisher, slackAlertChannel, snsAlertChannel, type AlertChannel } from './notifier.js';
import { fetchSlackWebhookUrl } from './slack-webhook-secret.js';
import { SlackWebhookSender, type SlackWebhookOptions } from './slack-webhook.js';
import { SnsPublisher } from './sns-publisher.js';
import { slackAppChannels, type SlackAppChannelsOptions } from './slack-app/app-channels.js';
import { readSlackAppSecret, type SlackAppSecret } from './slack-app/app-secret.js';

export interface LambdaPublisherOptions {
  /** Routes from `DENIAL_ALERTER_ROUTES`; when absent, one default route takes `snsTopicArn` and `slackWebhookSecretArn`. */
  routes?: readonly Route[];
  snsTopicArn?: string;
  slackWebhookSecretArn?: string;
  /** Account id → organizational unit ids, for routes matching `organizationalUnits`. */
  accountOrganizationalUnits?: Readonly<Record<string, readonly string[]>>;
  /** SDK clients (tests point them at local endpoints). @default created on first use */
  clients?: { sns?: () => SNSClient; secretsManager?: () => SecretsManagerClient };
  /** Slack timing. @default 5 s per attempt, 20 s per message (the caller's deadline bounds both) */
  slack?: Partial<Omit<SlackWebhookOptions, 'webhookUrl'>>;
  /** The deployment's history table in the console (`historyTableLink`): the "History" button. @default none */
  historyUrl?: string | null;
  /** Slack app mode (`SLACK_APP_SECRET_ARN`): every route's Slack alerts are threaded through the app. @default webhooks */
  slackApp?: Omit<SlackAppChannelsOptions, 'render'>;
  /** A channel every alert also goes to, whatever its route (the Security Hub findings, `adapters/security-hub.ts`). */
  securityHub?: AlertChannel;
}

/** The routes in force: the configured ones, or one default route over the stack's topic and secret ({@link routesInForce}). */
export function effectiveRoutes(options: Pick<LambdaPublisherOptions, 'routes' | 'snsTopicArn' | 'slackWebhookSecretArn' | 'slackApp'>): Route[] {
  return routesInForce(options.routes, { snsTopicArn: options.snsTopicArn, slackWebhookSecretArn: options.slackWebhookSecretArn, ...(options.slackApp ? { slackChannel: APP_SECRET_CHANNEL } : {}) });
}

/** Builds the Lambda's routed publisher (nothing is created until the first alert). */
export function createLambdaPublisher(options: LambdaPublisherOptions): AlertPublisher {
  const sns = once(options.clients?.sns ?? (() => new SNSClient({})));
  const secretsManager = once(options.clients?.secretsManager ?? (() => new SecretsManagerClient({})));
  const slackSenders = new Map<string, SlackWebhookSender>();
  const render: RenderOptions = { historyUrl: options.historyUrl ?? null };
  const appChannel = options.slackApp ? slackAppChannels({ ...options.slackApp, render }) : null;
  const organization: RoutingFacts = options.accountOrganizationalUnits ? { accountOrganizationalUnits: options.accountOrganizationalUnits } : {};
  return createAlertPublisher({
    routes: effectiveRoutes(options),
    facts: (alert) => routingFactsOf(alert, organization),
    everyAlert: options.securityHub ? [options.securityHub.id] : [],
    channel(id, route) {
      if (options.securityHub && id === options.securityHub.id) return options.securityHub;
      if (id.startsWith('sns:')) return snsAlertChannel(id, new SnsPublisher(sns(), id.slice('sns:'.length), (alert) => buildSnsMessage(alert, render)));
      if (appChannel) return appChannel(id, route);
      const secretId = route.slackWebhookSecretArn ?? route.slackWebhookSecretName;
      if (secretId === undefined) return undefined;
      let sender = slackSenders.get(secretId);
      if (sender === undefined) {
        // The sender keeps the URL for the life of the environment and reads the secret again if Slack says the
        // webhook is gone (a rotated secret).
        sender = new SlackWebhookSender({ totalTimeoutMs: 20_000, ...options.slack, webhookUrl: () => fetchSlackWebhookUrl(secretsManager(), secretId) });
        slackSenders.set(secretId, sender);
      }
      return slackAlertChannel(id, sender, (alert) => buildSlackMessage(alert, render));
    },
  });
}

/**
 * Reads the Slack app's secret (app mode) through a new Secrets Manager client: the app channels keep what it returns.
 * Here rather than in the handler's bundle, so that the client loads with the first alert, as the webhooks' does.
 */
export function readSlackAppSecretFromSecretsManager(secretArn: string): Promise<SlackAppSecret> {
  return readSlackAppSecret(new SecretsManagerClient({}), secretArn);
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
