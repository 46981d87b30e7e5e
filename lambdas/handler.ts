/**
 * The Lambda entry point: SQS batches of EventBridge CloudTrail events in, alerts to SNS and Slack out.
 *
 * Dependencies are built once per cold start from the environment (`HANDLER_ENV`) and shared across invocations.
 * The same engine runs in `denial-alerter replay`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbDenialStore } from './adapters/dynamodb-denial-store.js';
import { createLambdaNotifier } from './adapters/lambda-notifier.js';
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { gatherPolicies, type PolicySources } from './adapters/policy-sources/gather-policies.js';
import { IamPrincipalPolicies } from './adapters/policy-sources/iam-principal-policies.js';
import { OrganizationPolicies } from './adapters/policy-sources/organization-policies.js';
import { createTtlCache } from './adapters/policy-sources/ttl-cache.js';
import { diagnose, type Diagnosis } from './core/iam-policy/diagnose.js';
import type { Denial } from './core/types.js';
import { HANDLER_ENV, POLICY_LOOKUPS_ENV } from './config/env.js';
import { METRICS } from './config/metrics.js';
import { settingsFromJson } from './core/config.js';
import { processSqsBatch, type SqsBatchDeps } from './engine/process-sqs-batch.js';
import { createSpikeEngine } from './engine/spike-engine.js';

const logger = new Logger({ serviceName: 'denial-alerter' });
const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });

/** Reads a required environment variable; the error names it. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

let deps: SqsBatchDeps | undefined;

/** Builds the handler's dependencies from the environment (once per cold start). */
export function dependenciesFromEnvironment(): SqsBatchDeps {
  const settings = settingsFromJson(process.env[HANDLER_ENV.settings]);
  const store = new DynamoDbDenialStore({ tableName: required(HANDLER_ENV.tableName), client: new DynamoDBClient({}) });
  const sqs = new SQSClient({});
  const queues = {
    'unreadable-record': process.env[HANDLER_ENV.recordDeadLetterQueueUrl],
    'undelivered-alert': process.env[HANDLER_ENV.alertDeadLetterQueueUrl],
  } as const;
  const notifier = createLambdaNotifier({
    snsTopicArn: process.env[HANDLER_ENV.snsTopicArn],
    slackWebhookSecretArn: process.env[HANDLER_ENV.slackWebhookSecretArn],
  });
  return {
    engine: createSpikeEngine({ store, settings, now: Date.now, diagnose: process.env[POLICY_LOOKUPS_ENV] === 'true' ? policyDiagnoser() : undefined }),
    publish: (alerts) => notifier.publish(alerts),
    async deadLetter(kind, body) {
      const queueUrl = queues[kind];
      if (!queueUrl) {
        logger.error('no dead-letter queue configured; kept in the log only', { kind, body });
        return;
      }
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind, ...body }).slice(0, 262_000) }));
    },
    metric: (name, value) => metrics.addMetric(name, MetricUnit.Count, value),
    log: (level, message, details) => logger[level](message, details ?? {}),
  };
}

/**
 * Explains alerting denials with the policies read from IAM, the resource's service and Organizations (cached for
 * 15 minutes across invocations). Lookups the role may not make are reported in the alert as not checked.
 */
function policyDiagnoser(): (denial: Denial) => Promise<Diagnosis> {
  const sources: PolicySources = {
    iam: new IamPrincipalPolicies(new IAMClient({})),
    sts: new STSClient({}),
    organizations: new OrganizationPolicies(new OrganizationsClient({})),
    resources: {
      s3: new S3Client({}),
      kms: new KMSClient({}),
      sqs: new SQSClient({}),
      sns: new SNSClient({}),
      lambda: new LambdaClient({}),
      secretsManager: new SecretsManagerClient({}),
      ecr: new ECRClient({}),
    },
    cache: createTtlCache(Date.now, 15 * 60_000),
  };
  return async (denial) => {
    const { policies, notChecked, decoded } = await gatherPolicies(denial, sources);
    const diagnosis = diagnose(denial, policies);
    return { ...diagnosis, notChecked: [...notChecked, ...diagnosis.notChecked], ...(decoded ? { decodedAuthorization: decoded } : {}) };
  };
}

/** Handles one SQS batch; reports failed messages so that SQS retries only them. */
export async function handleSqsBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  deps ??= dependenciesFromEnvironment();
  return processSqsBatch(event, deps);
}

export const handler = middy(handleSqsBatch).use(injectLambdaContext(logger)).use(logMetrics(metrics));
