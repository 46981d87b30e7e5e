/**
 * The deployment's configuration, from `cdk.json` context (or `-c key=value`), validated before anything is built:
 * a wrong value fails `cdk synth` with a message naming the key.
 */
import type { Node } from 'constructs';
import { resolveSettings, type Settings } from '../lambdas/core/config.js';
import { parseAccountOrganizationalUnits, parseRoutes, type Route } from '../lambdas/core/routing.js';
import { organizationRegions } from './partition-regions.js';

/** Data events the optional trail can log. */
export const TRAIL_DATA_EVENT_KINDS = ['s3', 'lambda'] as const;
export type TrailDataEventKind = (typeof TRAIL_DATA_EVENT_KINDS)[number];

/** Everything the stacks can be told. */
export interface StackConfig {
  /** Name of an existing Secrets Manager secret holding the Slack webhook URL. @default no Slack */
  readonly slackWebhookSecretName?: string;
  /** Slack app mode: name of the JSON secret `{botToken, signingSecret, channel}`. @default incoming webhooks */
  readonly slackAppSecretName?: string;
  /** Email addresses subscribed to the alert topic (`-c alertEmails=a@b.c` or a JSON array). @default [] */
  readonly alertEmails: readonly string[];
  /** Email addresses subscribed to the operations topic that receives the alarms. @default `alertEmails` */
  readonly opsEmails: readonly string[];
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
  /** Import alerts as AWS Security Hub findings (`BatchImportFindings` on the account's default product). @default false */
  readonly securityHub: boolean;
  /** SQS messages per handler invocation. @default 1000 */
  readonly batchSize: number;
  /** ARN of the central event bus the forwarder sends to; overrides `centralAccount`/`centralRegion`. */
  readonly centralBusArn?: string;
  /** Account of the central stack. @default the forwarder's own account */
  readonly centralAccount?: string;
  /** Region of the central stack. @default the forwarder's own Region */
  readonly centralRegion?: string;
  /**
   * The app holds the forwarder stack only (for an account or Region outside the organization rollout), never the
   * central one, so that `cdk deploy --all` deploys what belongs there. @default true when `centralBusArn`,
   * `centralAccount` or `centralRegion` is given, else false
   */
  readonly forwarderOnly: boolean;
  /** Roll the forwarder and the reader role out to the organization with a StackSet. @default no rollout */
  readonly organization?: OrganizationRollout;
  /** Accounts outside the organization whose forwarders may put events on the central bus. @default [] */
  readonly externalAccounts: readonly string[];
  /** Ingest (and forward) policy-change events for "what changed" (docs/what-changed.md). @default true */
  readonly whatChanged: boolean;
  /** Maximum concurrent handler invocations of the SQS event source (2 to 1000). @default the construct's */
  readonly maxConcurrency?: number;
  /** Alert routes by account, OU, principal, tag, severity or action (`lambdas/core/routing.ts`). @default every alert to the alert topic and `slackWebhookSecretName` */
  readonly routes?: readonly Route[];
  /** Account id → its organizational unit and root ids, for routes that match `organizationalUnits`. @default none */
  readonly accountOrganizationalUnits?: Readonly<Record<string, readonly string[]>>;
  /** Deploy the canary here and in every member account and Region, and check it (docs/never-blind.md). @default true */
  readonly canary: boolean;
  /** Minutes between canaries (1 to 1440); "blind" after three missed ones plus 5 minutes. @default 15 */
  readonly canaryMinutes: number;
  /** `account` or `account/region` (either may be `*`) whose canary is never reported blind. @default [] */
  readonly canaryExcluded: readonly string[];
}

/** Where the StackSet deploys, from context `organization`. */
export interface OrganizationRollout {
  /** The organization root (`r-…`) and/or organizational units (`ou-…`) whose accounts, current and future, get the stack. */
  readonly targets: readonly string[];
  /**
   * Regions the forwarder runs in, all of one partition; the partition's IAM Region (us-east-1, us-gov-west-1,
   * cn-north-1) is always added, and cn-northwest-1 in AWS China (IAM, STS global endpoint and CloudFront events).
   */
  readonly regions: readonly string[];
  /** Accounts of those units to leave out. @default [] */
  readonly excludeAccounts: readonly string[];
  /**
   * `DELEGATED_ADMIN` when the central stack is deployed in a delegated administrator account for StackSets, `SELF`
   * in the management account. @default 'DELEGATED_ADMIN'
   */
  readonly callAs: 'SELF' | 'DELEGATED_ADMIN';
}

/** Raised when the context is wrong; the message names the key. */
export class StackConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackConfigError';
  }
}

const EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ORGANIZATION_TARGET = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const ACCOUNT = /^\d{12}$/;
const EVENT_SOURCE = /^[a-z0-9-]+\.amazonaws\.com$/;
const CANARY_EXCLUSION = /^(\d{12}|\*)(\/([a-z]{2}(-[a-z]+)+-\d+|\*))?$/;

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

  // `-c alertEmails=a@b.c` (or `a@b.c,c@d.e`) gives a plain string: one address, or a comma-separated list.
  const emails = (key: string): string[] | undefined => {
    const value = get(key);
    if (value === undefined || value === null) return undefined;
    const list = typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter(Boolean) : value;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || !EMAIL.test(item))) {
      throw new StackConfigError(`context "${key}" must be an email address or an array of email addresses, got ${JSON.stringify(value)}`);
    }
    return list as string[];
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
  const alertEmails = emails('alertEmails') ?? [];
  const organizationId = optionalString('organizationId', /^o-[a-z0-9]{10,32}$/);
  const centralBusArn = optionalString('centralBusArn', /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\-/]+$/);
  const centralAccount = optionalString('centralAccount', ACCOUNT);
  const centralRegion = optionalString('centralRegion', REGION);
  const forwarderOnly = get('forwarder') === undefined ? Boolean(centralBusArn ?? centralAccount ?? centralRegion) : boolean('forwarder');
  const organization = organizationFrom(get('organization'), organizationId);
  if (organization && forwarderOnly) {
    throw new StackConfigError('context "organization" belongs to the central stack; "forwarder" (or centralBusArn, centralAccount, centralRegion) selects the forwarder stack: give one or the other');
  }
  const maxConcurrency = get('maxConcurrency');
  return {
    slackWebhookSecretName: optionalString('slackWebhookSecretName', /^[\w/+=.@-]{1,512}$/),
    slackAppSecretName: optionalString('slackAppSecretName', /^[\w/+=.@-]{1,512}$/),
    alertEmails,
    opsEmails: emails('opsEmails') ?? alertEmails,
    settings,
    logRetentionDays: number('logRetentionDays', 30, 1, 3653),
    createTrail,
    trailDataEvents: trailDataEvents as TrailDataEventKind[],
    trailNetworkActivitySources,
    organizationId,
    // The organization's member accounts are read through their reader roles: lookups are what the rollout is for.
    policyLookups: get('policyLookups') === undefined && organization ? true : boolean('policyLookups'),
    securityHub: boolean('securityHub'),
    batchSize: number('batchSize', 1000, 1, 10_000),
    centralBusArn,
    centralAccount,
    centralRegion,
    forwarderOnly,
    organization,
    whatChanged: get('whatChanged') === undefined ? true : boolean('whatChanged'),
    externalAccounts: stringArray('externalAccounts', (account) => ACCOUNT.test(account), '12-digit account ids'),
    maxConcurrency: maxConcurrency === undefined || maxConcurrency === null ? undefined : number('maxConcurrency', 2, 2, 1000),
    routes: routesFrom(get('routes')),
    accountOrganizationalUnits: accountOrganizationalUnitsFrom(get('accountOrganizationalUnits')),
    canary: get('canary') === undefined ? true : boolean('canary'),
    canaryMinutes: number('canaryMinutes', 15, 1, 1440),
    canaryExcluded: stringArray('canaryExcluded', (entry) => CANARY_EXCLUSION.test(entry), '"account" or "account/region" entries (12-digit account or *, Region name or *)'),
  };
}

/** Validates context `organization`; the rollout needs `organizationId` for the reader role's trust condition. */
function organizationFrom(value: unknown, organizationId: string | undefined): OrganizationRollout | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const fail = (message: string): never => {
    throw new StackConfigError(`context "organization" ${message}`);
  };
  if (typeof value !== 'object' || Array.isArray(value)) fail(`must be an object { "targets": ["r-…" | "ou-…"], "regions": ["eu-west-1", …] }, got ${JSON.stringify(value)}`);
  const { targets, regions, excludeAccounts = [], callAs = 'DELEGATED_ADMIN', ...unknown } = value as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) fail(`has unknown key(s) ${extra.map((key) => `"${key}"`).join(', ')} (known: targets, regions, excludeAccounts, callAs)`);
  const list = (name: string, items: unknown, pattern: RegExp, what: string, nonEmpty: boolean): string[] => {
    if (!Array.isArray(items) || (nonEmpty && items.length === 0) || items.some((item) => typeof item !== 'string' || !pattern.test(item))) {
      fail(`"${name}" must be ${nonEmpty ? 'a non-empty' : 'an'} array of ${what}, got ${JSON.stringify(items)}`);
    }
    return [...new Set(items as string[])];
  };
  const rollout: OrganizationRollout = {
    targets: list('targets', targets, ORGANIZATION_TARGET, 'root ids ("r-…") or organizational unit ids ("ou-…")', true),
    // The partition's IAM Region first: IAM, STS (global endpoint) and CloudFront denials are recorded there, and the
    // reader role (IAM is global) is created there only (lib/partition-regions.ts).
    regions: regionsOf(list('regions', regions, REGION, 'Region names like "eu-west-1"', true), fail),
    excludeAccounts: list('excludeAccounts', excludeAccounts, ACCOUNT, '12-digit account ids', false),
    callAs: callAs === 'SELF' || callAs === 'DELEGATED_ADMIN' ? callAs : fail(`"callAs" must be "SELF" or "DELEGATED_ADMIN", got ${JSON.stringify(callAs)}`),
  };
  if (!organizationId) fail('needs context "organizationId" (aws organizations describe-organization --query Organization.Id): the reader role trusts only principals of that organization');
  return rollout;
}

function regionsOf(regions: string[], fail: (message: string) => never): string[] {
  try {
    return organizationRegions(regions);
  } catch (error) {
    return fail(`"regions": ${(error as Error).message}`);
  }
}

/** Validates context `routes` with the routing module's own parser (the handler and `replay` use the same). */
function routesFrom(value: unknown): Route[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return parseRoutes(value);
  } catch (error) {
    throw new StackConfigError(`context "routes": ${(error as Error).message}`, { cause: error });
  }
}

/** Validates context `accountOrganizationalUnits` (account id → its OU and root ids, for routes matching `organizationalUnits`). */
function accountOrganizationalUnitsFrom(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return parseAccountOrganizationalUnits(value);
  } catch (error) {
    throw new StackConfigError(`context "accountOrganizationalUnits": ${(error as Error).message}`, { cause: error });
  }
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
