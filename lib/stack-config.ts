/**
 * The deployment's configuration, from `cdk.json` context (or `-c key=value`), validated before anything is built.
 */
import type { Node } from 'constructs';
import { resolveSettings, type Settings } from '../lambdas/core/config.js';

/** Everything the stacks can be told. */
export interface StackConfig {
  /** Name of an existing Secrets Manager secret holding the Slack webhook URL; no Slack when absent. */
  readonly slackWebhookSecretName?: string;
  /** Email addresses subscribed to the alert topic. @default [] */
  readonly alertEmails: string[];
  /** Spike rules and suppressions (the `Settings` of `lambdas/core/config.ts`). */
  readonly settings: Settings;
  /** Days the handler's logs are kept. @default 30 */
  readonly logRetentionDays: number;
  /** Create a multi-Region trail for accounts that have none. @default false */
  readonly createTrail: boolean;
  /** Data events the optional trail logs: `s3`, `lambda`. @default [] */
  readonly trailDataEvents: Array<'s3' | 'lambda'>;
  /** Organization id: creates a central event bus that member accounts' forwarders may put events on. */
  readonly organizationId?: string;
  /** Let the handler read principals' and resources' policies (read-only IAM, S3, KMS, … actions). @default false */
  readonly policyLookups: boolean;
  /** SQS messages per handler invocation. @default 1000 */
  readonly batchSize: number;
  /** ARN of the central event bus the forwarder stack sends to. @default the central stack's bus in this account */
  readonly centralBusArn?: string;
}

/** Raised when the context is wrong; the message names the key. */
export class StackConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackConfigError';
  }
}

/** Reads and validates the configuration from the app's context. */
export function stackConfigFrom(node: Node): StackConfig {
  const get = (key: string): unknown => {
    const value = node.tryGetContext(key);
    // `-c key=value` gives strings: accept JSON there.
    if (typeof value === 'string' && /^[[{]|^(true|false|\d+)$/.test(value.trim())) {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    return value;
  };
  let settings: Settings;
  try {
    settings = resolveSettings((get('settings') as Partial<Record<keyof Settings, unknown>>) ?? {});
  } catch (error) {
    throw new StackConfigError(`context "settings": ${(error as Error).message}`, { cause: error });
  }
  const alertEmails = (get('alertEmails') as unknown) ?? [];
  if (!Array.isArray(alertEmails) || alertEmails.some((email) => typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email))) {
    throw new StackConfigError('context "alertEmails" must be an array of email addresses');
  }
  const dataEvents = (get('trailDataEvents') as unknown) ?? [];
  if (!Array.isArray(dataEvents) || dataEvents.some((kind) => kind !== 's3' && kind !== 'lambda')) {
    throw new StackConfigError('context "trailDataEvents" must be an array of "s3" and/or "lambda"');
  }
  const number = (key: string, fallback: number, min: number, max: number): number => {
    const value = get(key) ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new StackConfigError(`context "${key}" must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
  const optionalString = (key: string, pattern: RegExp): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) throw new StackConfigError(`context "${key}" is not valid: ${JSON.stringify(value)}`);
    return value;
  };
  return {
    slackWebhookSecretName: optionalString('slackWebhookSecretName', /^[\w/+=.@-]{1,512}$/),
    alertEmails: alertEmails as string[],
    settings,
    logRetentionDays: number('logRetentionDays', 30, 1, 3653),
    createTrail: get('createTrail') === true,
    trailDataEvents: dataEvents as Array<'s3' | 'lambda'>,
    organizationId: optionalString('organizationId', /^o-[a-z0-9]{10,32}$/),
    policyLookups: get('policyLookups') === true,
    batchSize: number('batchSize', 1000, 1, 10_000),
    centralBusArn: optionalString('centralBusArn', /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.-]+$/),
  };
}
