/**
 * The deployment's configuration, from `cdk.json` context (or `-c key=value`), validated before anything is built:
 * a wrong value fails `cdk synth` with a message naming the key.
 */
import type { Node } from 'constructs';
import { resolveSettings, type Settings } from '../lambdas/core/config.js';

/** Data events the optional trail can log. */
export const TRAIL_DATA_EVENT_KINDS = ['s3', 'lambda'] as const;
export type TrailDataEventKind = (typeof TRAIL_DATA_EVENT_KINDS)[number];

/** Everything the stacks can be told. */
export interface StackConfig {
  /** Name of an existing Secrets Manager secret holding the Slack webhook URL. @default no Slack */
  readonly slackWebhookSecretName?: string;
  /** Email addresses subscribed to the alert topic. @default [] */
  readonly alertEmails: readonly string[];
  /** Spike rules and suppressions (the `Settings` of `lambdas/core/config.ts`), `extraErrorCodes` merged in. */
  readonly settings: Settings;
  /** Days the handler's logs are kept (rounded up to a retention CloudWatch offers). @default 30 */
  readonly logRetentionDays: number;
  /** Create a multi-Region trail for accounts that have none. @default false */
  readonly createTrail: boolean;
  /** Data events the optional trail logs. @default [] */
  readonly trailDataEvents: readonly TrailDataEventKind[];
  /** Event sources whose VPC-endpoint denials (`VpceAccessDenied`) the optional trail logs. @default [] */
  readonly trailNetworkActivitySources: readonly string[];
  /** Organization id: lets member accounts' forwarders put events on the central bus. @default no organization */
  readonly organizationId?: string;
  /** Let the handler read principals' and resources' policies (read-only actions). @default false */
  readonly policyLookups: boolean;
  /** SQS messages per handler invocation. @default 1000 */
  readonly batchSize: number;
  /** ARN of the central event bus the forwarder sends to; overrides `centralAccount`/`centralRegion`. */
  readonly centralBusArn?: string;
  /** Account of the central stack. @default the forwarder's own account */
  readonly centralAccount?: string;
  /** Region of the central stack. @default the forwarder's own Region */
  readonly centralRegion?: string;
}

/** Raised when the context is wrong; the message names the key. */
export class StackConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackConfigError';
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const EVENT_SOURCE = /^[a-z0-9-]+\.amazonaws\.com$/;

/** Reads and validates the configuration from the app's context. */
export function stackConfigFrom(node: Node): StackConfig {
  // Strings stay strings (an account id is not a number); other kinds may come as JSON text from `-c key=value`.
  const get = (key: string): unknown => fromCommandLine(node.tryGetContext(key));
  const getString = (key: string): unknown => node.tryGetContext(key);
  const stringArray = (key: string, valid: (value: string) => boolean, what: string): string[] => {
    const value = get(key) ?? [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !valid(item))) {
      throw new StackConfigError(`context "${key}" must be an array of ${what}, got ${JSON.stringify(value)}`);
    }
    return value as string[];
  };
  const boolean = (key: string): boolean => {
    const value = get(key) ?? false;
    if (typeof value !== 'boolean') throw new StackConfigError(`context "${key}" must be true or false, got ${JSON.stringify(value)}`);
    return value;
  };
  const number = (key: string, fallback: number, min: number, max: number): number => {
    const value = get(key) ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new StackConfigError(`context "${key}" must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const optionalString = (key: string, pattern: RegExp): string | undefined => {
    const value = getString(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) throw new StackConfigError(`context "${key}" is not valid: ${JSON.stringify(value)}`);
    return value;
  };

  const extraErrorCodes = stringArray('extraErrorCodes', (code) => /^[\w.:-]{1,128}$/.test(code), 'errorCode strings');
  const rawSettings = get('settings') ?? {};
  if (typeof rawSettings !== 'object' || rawSettings === null || Array.isArray(rawSettings)) {
    throw new StackConfigError(`context "settings" must be an object, got ${JSON.stringify(rawSettings)}`);
  }
  let settings: Settings;
  try {
    settings = resolveSettings(rawSettings as Partial<Record<keyof Settings, unknown>>);
  } catch (error) {
    throw new StackConfigError(`context "settings": ${(error as Error).message}`, { cause: error });
  }
  // One list for the rule and the handler: the top-level key and the setting are merged.
  settings = { ...settings, extraErrorCodes: [...new Set([...settings.extraErrorCodes, ...extraErrorCodes])] };

  const createTrail = boolean('createTrail');
  const trailDataEvents = stringArray('trailDataEvents', (kind) => (TRAIL_DATA_EVENT_KINDS as readonly string[]).includes(kind), '"s3" and/or "lambda"');
  const trailNetworkActivitySources = stringArray('trailNetworkActivitySources', (source) => EVENT_SOURCE.test(source), 'event sources like "ec2.amazonaws.com"');
  if (!createTrail && (trailDataEvents.length > 0 || trailNetworkActivitySources.length > 0)) {
    throw new StackConfigError('context "trailDataEvents" and "trailNetworkActivitySources" need "createTrail": true (they configure the trail this app creates)');
  }
  return {
    slackWebhookSecretName: optionalString('slackWebhookSecretName', /^[\w/+=.@-]{1,512}$/),
    alertEmails: stringArray('alertEmails', (email) => EMAIL.test(email), 'email addresses'),
    settings,
    logRetentionDays: number('logRetentionDays', 30, 1, 3653),
    createTrail,
    trailDataEvents: trailDataEvents as TrailDataEventKind[],
    trailNetworkActivitySources,
    organizationId: optionalString('organizationId', /^o-[a-z0-9]{10,32}$/),
    policyLookups: boolean('policyLookups'),
    batchSize: number('batchSize', 1000, 1, 10_000),
    centralBusArn: optionalString('centralBusArn', /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\-/]+$/),
    centralAccount: optionalString('centralAccount', /^\d{12}$/),
    centralRegion: optionalString('centralRegion', /^[a-z]{2}(-[a-z]+)+-\d+$/),
  };
}

/** `-c key=value` gives strings: read JSON arrays, objects, booleans and numbers from them. */
function fromCommandLine(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*([[{]|true$|false$|-?\d+$)/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
