/**
 * The Lambda entry point: SQS batches of EventBridge CloudTrail events in, alerts to their routes' Slack webhooks and
 * SNS topics out. The same engine runs in `denial-alerter replay`. The operations topic's alarms (SNS events) go to
 * the default route's Slack webhook (`adapters/operations-slack.ts`).
 *
 * The composition root: {@link dependenciesFromEnvironment} builds everything once per execution environment from
 * `HANDLER_ENV` / `ROUTING_ENV`, {@link makeSqsHandler} turns dependencies into a handler, and the exported `handler`
 * is that, wrapped in Powertools' logger and metrics middlewares. What an invocation may not need is loaded on first
 * use: the policy-lookup path (nine SDK clients, with `POLICY_LOOKUPS=true` only), alert delivery, the Security Hub
 * channel, and the rare paths with the SNS, SQS and Secrets Manager clients (operations notices, own-role notices, the
 * canary check, dead letters).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbDenialStore } from './adapters/dynamodb-denial-store.js';
import { lazyAlertPublisher } from './adapters/lazy-publisher.js';
import { isSnsEvent, type OperationsSlackDeps } from './adapters/operations-slack.js';
import type { Diagnosis } from './core/iam-policy/diagnose.js';
import type { Denial } from './core/types.js';
import { forwarderRoleNamesFromJson, OWN_ROLES_ENV } from './config/own-roles.js';
import { settingsFromJson, type Settings } from './core/config.js';
import { DynamoDbIncidentStore } from './adapters/dynamodb-incident-store.js';
import { lazySecurityHubFindings, type SecurityHubRound } from './adapters/lazy-security-hub.js';
import { incidentQuietPeriod } from './core/findings/incident.js';
import { SECURITY_HUB_ENV } from './config/security-hub.js';
import { historyTableLink } from './core/render/cloudtrail-link.js';
import { deliveryDeadline } from './config/delivery.js';
import { HANDLER_ENV, MEMBER_ACCOUNTS_ENV, POLICY_LOOKUPS_ENV, SLACK_APP_ENV } from './config/env.js';
import { slackAppDelivery } from './adapters/slack-app/lambda-wiring.js';
import { routingFromEnvironment } from './config/routing.js';
import { withConfigurationFile } from './config/configuration-file.js';
import { METRICS } from './config/metrics.js';
import { processSqsBatch, type SqsBatchDeps } from './engine/process-sqs-batch.js';
import { createSpikeEngine } from './engine/spike-engine.js';
import { DynamoDbChangeStore } from './adapters/dynamodb-change-store.js';
import { whatChangedHooks } from './engine/enrichers/changes.js';
import { createTriageEnricher } from './engine/enrichers/triage.js';
import { neverBlindHooks } from './engine/never-blind.js';
import { DynamoDbCanaryStore } from './adapters/dynamodb-canary-store.js';
import { alerterResourcesFromJson, type AlerterResources } from './core/blinding/own-resources.js';
import { NEVER_BLIND_ENV } from './config/never-blind.js';
import { isScheduledEvent } from './adapters/scheduled-event.js';
import { loadOnce } from './adapters/load-once.js';

const logger = new Logger({ serviceName: METRICS.service });
const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });

/**
 * What the handler is built from: the batch processor's dependencies (engine, store, publisher, dead letters, clock),
 * and, with Security Hub on, the round that archives quiet incidents' findings after each batch.
 */
export type HandlerDependencies = SqsBatchDeps & { archiveQuietFindings?: (deadlineMs: number) => Promise<unknown> };

/**
 * Builds the SQS handler from its dependencies (created on the first invocation, then kept).
 *
 * Each invocation's alerts are delivered by `context.getRemainingTimeInMillis()` minus a safety margin, so that what
 * could not be delivered is still dead-lettered before Lambda stops the invocation.
 */
export function makeSqsHandler(dependencies: () => HandlerDependencies) {
  let deps: HandlerDependencies | undefined;
  return async function handleSqsBatch(event: SQSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> {
    deps ??= dependencies();
    const now = deps.now ?? Date.now;
    const deadlineMs = deliveryDeadline(now(), context.getRemainingTimeInMillis());
    const response = await processSqsBatch(event, deps, { deadlineMs });
    // Never fails the batch: what is not archived now stays open for the next batch's round.
    await deps.archiveQuietFindings?.(deadlineMs).catch((error: unknown) => deps!.log?.('warn', 'archiving quiet Security Hub findings failed', { error: String(error) }));
    return response;
  };
}

/**
 * The handler for both event sources: SQS batches of denials, and SNS notifications of the operations topic (alarms,
 * to the default route's Slack); and, with `canaryCheck`, the stack's schedule (the canary check). Each path's
 * dependencies are built on its first event, then kept (a failed build is tried again on the next); the SNS path's
 * delivery is in the operations module, loaded with the first notification.
 */
export function makeHandler(
  dependencies: () => HandlerDependencies,
  operations: () => OperationsSlackDeps | Promise<OperationsSlackDeps>,
  canaryCheck?: () => ((nowMs: number) => Promise<unknown>) | Promise<(nowMs: number) => Promise<unknown>>,
) {
  const handleSqsBatch = makeSqsHandler(dependencies);
  const operationsDeps = loadOnce(async () => operations());
  const runCanaryCheck = canaryCheck && loadOnce(async () => canaryCheck());
  return async function handle(event: SQSEvent | SNSEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse | void> {
    // The stack's schedule: the canary check (docs/never-blind.md); a failed notice fails the invocation (Lambda retries).
    if (runCanaryCheck && isScheduledEvent(event)) {
      await (await runCanaryCheck())(Date.now());
      return;
    }
    if (isSnsEvent(event)) {
      const deps = await operationsDeps();
      const { deliverOperationsNotices } = await loadOperationsModule();
      return deliverOperationsNotices(event, deps, deliveryDeadline(Date.now(), context.getRemainingTimeInMillis()));
    }
    return handleSqsBatch(event, context);
  };
}

/** The handler's logger and metrics, as its dependencies and the operations module take them. */
const reporting = {
  log: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => logger[level](message, details ?? {}),
  metric: (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value),
};

/**
 * Builds the operations path from the environment (loading the operations module): the default route's Slack
 * webhook, read from Secrets Manager on first use.
 */
export async function operationsDependenciesFromEnvironment(env: NodeJS.ProcessEnv = process.env, secretsManager?: () => SecretsManagerClient): Promise<OperationsSlackDeps> {
  return (await loadOperationsModule()).operationsSlackFromEnvironment(env, reporting, secretsManager);
}

/** Reads a required environment variable; the error names it. */
function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Builds the handler's dependencies from the environment (once per execution environment). */
export function dependenciesFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerDependencies {
  const settings = settingsFromJson(env[HANDLER_ENV.settings]);
  const dynamodb = new DynamoDBClient({});
  const store = new DynamoDbDenialStore({ tableName: required(env, HANDLER_ENV.tableName), client: dynamodb });
  const changes = new DynamoDbChangeStore({ tableName: required(env, HANDLER_ENV.tableName), client: dynamodb });
  // Loaded (with its SQS client) by the first dead letter: most invocations have none.
  const sendDeadLetter = loadOnce(async () => (await loadOperationsModule()).sqsDeadLetterSender());
  const queues = {
    'unreadable-record': env[HANDLER_ENV.recordDeadLetterQueueUrl],
    'undelivered-alert': env[HANDLER_ENV.alertDeadLetterQueueUrl],
  } as const;
  // Slack app mode (threads, buttons the engine obeys) when the stack set SLACK_APP_SECRET_ARN; else webhooks as before.
  const slackApp = slackAppDelivery(env[SLACK_APP_ENV.secretArn], {
    tableName: required(env, HANDLER_ENV.tableName),
    dynamodb,
    // Read with the first alert, by the alert delivery module (which holds the Secrets Manager client).
    readSecret: async (secretArn) => (await loadAlertDeliveryModule()).readSlackAppSecretFromSecretsManager(secretArn),
    log: reporting.log,
  });
  const securityHub = securityHubFromEnvironment(env, dynamodb, settings);
  const publisherOptions = {
    ...routingFromEnvironment(env),
    securityHub: securityHub?.channel(),
    snsTopicArn: env[HANDLER_ENV.snsTopicArn],
    slackWebhookSecretArn: env[HANDLER_ENV.slackWebhookSecretArn],
    historyUrl: historyTableLink(env.AWS_REGION, env[HANDLER_ENV.tableName]),
    slackApp: slackApp.channels,
  };
  // Rendering, SNS and Slack load with the first alert (alert-delivery.mjs beside the bundle, HANDLER_LAZY_MODULES).
  const publisher = slackApp.obey(lazyAlertPublisher(async () => (await loadAlertDeliveryModule()).createLambdaPublisher(publisherOptions)));
  const whatChanged = whatChangedHooks(changes, settings);
  const neverBlind = neverBlindHooks(store, settings, {
    // The function's own name is known only at run time (the stack cannot pass a function its own name: a circular reference).
    own: withOwnFunction(alerterResourcesFromJson(env[NEVER_BLIND_ENV.ownResources]), env.AWS_LAMBDA_FUNCTION_NAME),
    canaries: new DynamoDbCanaryStore({ tableName: required(env, HANDLER_ENV.tableName), client: dynamodb }),
  });
  // Loaded by the first denial of the alerter's own roles, then kept (it remembers what it sent this hour).
  const ownRoleNotices = loadOnce(async () => (await loadOperationsModule()).ownRoleNoticesFromEnvironment(env, reporting));
  const triage = createTriageEnricher({ store, onHistoryError: (error) => logger.warn('triage history unavailable', { error: String(error) }) });
  return {
    store,
    publisher,
    // Arrival time is the clock: an event dated in the future or older than the counters moves nothing.
    engine: createSpikeEngine({
      store,
      settings,
      now: Date.now,
      clock: 'arrival',
      diagnose: env[POLICY_LOOKUPS_ENV] === 'true' ? lazyPolicyDiagnoser() : undefined,
      ...neverBlind,
      observers: [...whatChanged.observers, ...neverBlind.observers],
      // Changes before triage: routes read the severity, and triage may weigh a linked change.
      enrichers: [...whatChanged.enrichers, triage],
      // The alerter's own roles: their denials are an operations matter, never a responders' alert or a lookup.
      ownRoles: { handlerFunctionName: env.AWS_LAMBDA_FUNCTION_NAME, handlerAccountId: env[MEMBER_ACCOUNTS_ENV.ownAccountId], readerRoleArnPattern: env[MEMBER_ACCOUNTS_ENV.readerRoleArnPattern], forwarderRoleNames: forwarderRoleNamesFromJson(env[OWN_ROLES_ENV.forwarderRoleNames]) },
      onOwnRoleDenial: async (notice) => (await ownRoleNotices()).deliver(notice),
    }),
    async deadLetter(kind, body) {
      const queueUrl = queues[kind];
      if (!queueUrl) {
        logger.error('no dead-letter queue configured; kept in the log only', { kind, body });
        return;
      }
      await (await sendDeadLetter())(queueUrl, JSON.stringify({ kind, ...body }).slice(0, 262_000));
    },
    metric: reporting.metric,
    log: reporting.log,
    archiveQuietFindings: securityHub ? (deadlineMs) => securityHub.archiveQuiet({ deadlineMs }) : undefined,
  };
}

/** The alerter's resources with the handler's own function name added (its event-source mapping names it). */
function withOwnFunction(own: AlerterResources, functionName: string | undefined): AlerterResources {
  return functionName ? { ...own, functionNames: [...own.functionNames, functionName] } : own;
}

/**
 * The Security Hub channel when the stack turned it on (`SECURITY_HUB_ACCOUNT_ID`), else undefined. Its module (and SDK
 * client) loads on first use: in the bundle, `security-hub.mjs` beside `index.mjs` (`HANDLER_LAZY_MODULES`).
 */
function securityHubFromEnvironment(env: NodeJS.ProcessEnv, dynamodb: DynamoDBClient, settings: Settings): SecurityHubRound | undefined {
  const accountId = env[SECURITY_HUB_ENV.accountId];
  if (!accountId) return undefined;
  const options = {
    store: new DynamoDbIncidentStore({ tableName: required(env, HANDLER_ENV.tableName), client: dynamodb }),
    accountId,
    region: required(env, 'AWS_REGION'),
    quietMs: incidentQuietPeriod(settings),
  };
  return lazySecurityHubFindings(async () => ((await import(SECURITY_HUB_MODULE)) as typeof import('./adapters/security-hub-module.js')).createSecurityHubFindings(options));
}

/** The alert delivery module (the routed publisher, its renderers and channels): beside the bundle, or the sources'. */
const ALERT_DELIVERY_MODULE = import.meta.url.endsWith('.mjs') ? './alert-delivery.mjs' : './adapters/lambda-notifier.js';

/** Loads the alert delivery module (from beside the bundle, or from the sources). */
export function loadAlertDeliveryModule(): Promise<typeof import('./adapters/lambda-notifier.js')> {
  return import(ALERT_DELIVERY_MODULE);
}

/**
 * The operations module (operations notices, own-role notices, the canary check, dead letters: the SNS, SQS and
 * Secrets Manager clients): beside the bundle (`operations.mjs`), or next to this module in the sources.
 */
const OPERATIONS_MODULE = import.meta.url.endsWith('.mjs') ? './operations.mjs' : './adapters/operations-module.js';

/** Loads the operations module (from beside the bundle, or from the sources). */
export function loadOperationsModule(): Promise<typeof import('./adapters/operations-module.js')> {
  return import(OPERATIONS_MODULE);
}

/** The Security Hub module: beside the bundle (`security-hub.mjs`), or next to this module in the sources. */
const SECURITY_HUB_MODULE = import.meta.url.endsWith('.mjs') ? './security-hub.mjs' : './adapters/security-hub-module.js';

/**
 * The policy-lookup module. In the Lambda bundle it is a file of its own beside `index.mjs` (`policy-diagnoser.mjs`,
 * built by the stack's after-bundling step from `HANDLER_LAZY_MODULES`), so that its SDK clients are neither in the
 * bundle nor loaded at cold start; from the sources it is the TypeScript module next to this one. The specifier is
 * computed, so the bundler leaves the import alone.
 */
const POLICY_DIAGNOSER_MODULE = import.meta.url.endsWith('.mjs') ? './policy-diagnoser.mjs' : './adapters/policy-sources/policy-diagnoser.js';

/** Loads the policy-lookup module (from beside the bundle, or from the sources). */
export function loadPolicyDiagnoserModule(): Promise<typeof import('./adapters/policy-sources/policy-diagnoser.js')> {
  return import(POLICY_DIAGNOSER_MODULE);
}

/**
 * The policy diagnoser, loaded on the first alerting denial: the lookups' SDK clients and the managed-policy index
 * are neither loaded nor evaluated at cold start (a failed load is retried on the next denial).
 */
function lazyPolicyDiagnoser(): (denial: Denial) => Promise<Diagnosis> {
  let loading: Promise<(denial: Denial) => Promise<Diagnosis>> | undefined;
  return async (denial) => {
    loading ??= loadPolicyDiagnoserModule().then((module) => module.createPolicyDiagnoser());
    try {
      return await (await loading)(denial);
    } catch (error) {
      loading = undefined;
      throw error;
    }
  };
}

export const handler = middy(
  makeHandler(
    () => dependenciesFromEnvironment(withConfigurationFile(process.env)),
    () => operationsDependenciesFromEnvironment(withConfigurationFile(process.env)),
    async () => (await loadOperationsModule()).canaryCheckFromEnvironment(withConfigurationFile(process.env), { dynamodb: () => new DynamoDBClient({}), log: reporting.log }),
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
