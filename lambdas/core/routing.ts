/**
 * Alert routing: which Slack webhooks and SNS topics an alert goes to, chosen by its account, organizational unit,
 * principal, action, resource, severity or tags. The same routes come from `cdk.json` context (`routes`), the handler's
 * `DENIAL_ALERTER_ROUTES` environment variable and `replay --settings`.
 *
 * Routes are tried in order; the first that matches wins, unless it says `continue: true`, in which case the next
 * matching routes add their channels too. The last route must be a default (no `match`), so no alert reaches no one.
 *
 * Pure: organizational units and tags are facts the caller passes in (read from context or policy lookups).
 */
import type { AlertSummary, Severity } from './alert.js';
import { globToRegExp } from './spike/suppression.js';

/** What a route matches. Every field given must match (AND); a list matches when any of its entries does (OR). */
export interface RouteMatch {
  /** 12-digit account ids. */
  accounts?: string[];
  /** Organizational unit or root ids (`ou-…`, `r-…`): matches an account anywhere below one of them. */
  organizationalUnits?: string[];
  /** Principal ARN globs (`*` any run, `?` one character; case-insensitive), e.g. `arn:aws:iam::*:role/ci-*`. */
  principals?: string[];
  /** Action globs, case-insensitive, e.g. `s3:*`, `kms:Decrypt`. */
  actions?: string[];
  /** Resource ARN globs, case-insensitive. */
  resources?: string[];
  /** Triage severities this route takes (an alert without triage counts as `info`). */
  severities?: Severity[];
  /** Takes alerts of this severity or above. */
  minSeverity?: Severity;
  /** Tags of the principal: every key given must be present with a value matching one of its globs. */
  principalTags?: Record<string, string | string[]>;
  /** Tags of the denied resource, like `principalTags`. */
  resourceTags?: Record<string, string | string[]>;
}

/** One route: a name (shown in the alert and used in channel ids), what it matches, and where its alerts go. */
export interface Route {
  /** Letters, digits, `.`, `_`, `-`; unique. Channel ids use it (`slack:<name>`). */
  name: string;
  /** Omitted: a default route that matches every alert. */
  match?: RouteMatch;
  /** Secrets Manager ARN of the Slack webhook URL (exclusive with `slackWebhookSecretName`). */
  slackWebhookSecretArn?: string;
  /** Secrets Manager name of the Slack webhook URL (exclusive with `slackWebhookSecretArn`). */
  slackWebhookSecretName?: string;
  /** SNS topic ARN. */
  snsTopicArn?: string;
  /**
   * Slack app mode (`slackAppSecretName`): the channel id (`C…`/`G…`) this route's alerts are threaded in;
   * {@link APP_SECRET_CHANNEL} for the app secret's own channel. @default the app secret's channel
   */
  slackChannel?: string;
  /** Also try the following routes after this one matched. @default false */
  continue?: boolean;
}

/** Facts about an alert that are not in it; the caller reads them (context, lookups) so routing stays pure. */
export interface RoutingFacts {
  /** Account id → the ids of its organizational units and root, from the account upward (order does not matter). */
  accountOrganizationalUnits?: Readonly<Record<string, readonly string[]>>;
  /** The principal's tags, when known. */
  principalTags?: Readonly<Record<string, string>>;
  /** The denied resource's tags, when known. */
  resourceTags?: Readonly<Record<string, string>>;
}

/**
 * The facts for routing one alert: `base` (organizational units), plus the principal's tags when the diagnosis read
 * them with the principal's policies (policy lookups, `--policies`).
 */
export function routingFactsOf(alert: AlertSummary, base: RoutingFacts): RoutingFacts {
  const principalTags = alert.diagnosis?.principalTags;
  return principalTags && base.principalTags === undefined ? { ...base, principalTags } : base;
}

/** `slackChannel` of a route that posts to the Slack app secret's own channel (the default route in app mode). */
export const APP_SECRET_CHANNEL = 'app-secret-channel';

/** The name of the route built from a single topic and secret when no routes are configured. */
export const DEFAULT_ROUTE_NAME = 'default';

/**
 * The routes in force: the configured ones, or else one default route over `fallback`'s topic and Slack secret (none
 * when it has neither: alerts are then only logged and counted).
 */
export function routesInForce(routes: readonly Route[] | undefined, fallback: Pick<Route, 'snsTopicArn' | 'slackWebhookSecretArn' | 'slackWebhookSecretName' | 'slackChannel'>): Route[] {
  if (routes !== undefined && routes.length > 0) return [...routes];
  const channels = Object.fromEntries(Object.entries(fallback).filter(([, value]) => Boolean(value)));
  return Object.keys(channels).length > 0 ? [{ name: DEFAULT_ROUTE_NAME, ...channels }] : [];
}

/**
 * The Slack webhook secret of the default route (the last one, which matches every alert), or null: where the
 * operations topic's alarms go besides email.
 */
export function defaultRouteSlackSecret(routes: readonly Route[]): string | null {
  const fallback = routes.at(-1);
  if (!fallback || fallback.match !== undefined) return null;
  return fallback.slackWebhookSecretArn ?? fallback.slackWebhookSecretName ?? null;
}

/** The routes an alert took and the channel ids they name, deduplicated, in route order. */
export interface RoutingDecision {
  routes: Route[];
  channels: string[];
}

/** Raised when routes are not valid; the message names the route and key. */
export class RouteConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteConfigError';
  }
}

/** Severities from least to most urgent. */
export const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];

/** Channel id prefixes. A channel id never holds a secret: Slack channels are named by route, SNS by topic ARN. */
export const CHANNEL_PREFIX = { slack: 'slack:', sns: 'sns:' } as const;

/** The Slack channel id of a route. */
export function slackChannelId(routeName: string): string {
  return `${CHANNEL_PREFIX.slack}${routeName}`;
}

/** The SNS channel id of a topic. */
export function snsChannelId(topicArn: string): string {
  return `${CHANNEL_PREFIX.sns}${topicArn}`;
}

/** The channel ids one route delivers to. */
export function channelsOfRoute(route: Route): string[] {
  const channels: string[] = [];
  if (route.slackWebhookSecretArn !== undefined || route.slackWebhookSecretName !== undefined || route.slackChannel !== undefined) {
    channels.push(slackChannelId(route.name));
  }
  if (route.snsTopicArn !== undefined) channels.push(snsChannelId(route.snsTopicArn));
  return channels;
}

const ROUTE_KEYS = ['name', 'match', 'slackWebhookSecretArn', 'slackWebhookSecretName', 'snsTopicArn', 'slackChannel', 'continue'] as const;
const MATCH_KEYS = [
  'accounts',
  'organizationalUnits',
  'principals',
  'actions',
  'resources',
  'severities',
  'minSeverity',
  'principalTags',
  'resourceTags',
] as const;
const ROUTE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;
const OU_OR_ROOT_ID = /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Validates routes from JSON (`cdk.json` context, an environment variable, a settings file).
 *
 * @param json - the parsed `routes` value: an array of routes.
 * @returns the routes, in order.
 * @throws {@link RouteConfigError} naming the route and key that is wrong (e.g. `routes[1] ("prod").match.accounts[0]`).
 */
export function parseRoutes(json: unknown): Route[] {
  if (!Array.isArray(json)) throw new RouteConfigError('routes must be an array of routes');
  if (json.length === 0) throw new RouteConfigError('routes must hold at least one route (a default route with no "match")');
  const names = new Set<string>();
  const routes = json.map((value, index) => parseRoute(value, `routes[${index}]`, names));
  routes.forEach((route, index) => {
    if (route.match === undefined && route.continue !== true && index < routes.length - 1) {
      throw new RouteConfigError(
        `routes[${index}] ("${route.name}") has no "match" and no "continue": the routes after it could never match; put the default route last`,
      );
    }
  });
  const last = routes[routes.length - 1]!;
  if (last.match !== undefined) {
    throw new RouteConfigError(
      `the last route ("${last.name}") must be a default route with no "match", so that an alert matching no other route still reaches someone`,
    );
  }
  return routes;
}

/** Parses routes from a JSON string (an environment variable); empty or undefined gives `undefined` (no routes). */
export function routesFromJson(json: string | undefined): Route[] | undefined {
  if (json === undefined || json.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new RouteConfigError(`routes are not valid JSON: ${(error as Error).message}`);
  }
  return parseRoutes(parsed);
}

/**
 * Validates the account → organizational units map (context `accountOrganizationalUnits`).
 *
 * @throws {@link RouteConfigError} naming the bad account or id.
 */
export function parseAccountOrganizationalUnits(json: unknown): Record<string, string[]> {
  const where = 'accountOrganizationalUnits';
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RouteConfigError(`${where} must be an object of account id → organizational unit ids`);
  }
  const result: Record<string, string[]> = {};
  for (const [account, ids] of Object.entries(json)) {
    if (!ACCOUNT_ID.test(account)) throw new RouteConfigError(`${where} key "${account}" is not a 12-digit account id`);
    result[account] = stringList(ids, `${where}["${account}"]`, OU_OR_ROOT_ID, 'an organizational unit or root id (ou-…, r-…)');
  }
  return result;
}

function parseRoute(value: unknown, where: string, names: Set<string>): Route {
  if (!isPlainObject(value)) throw new RouteConfigError(`${where} must be an object`);
  const name = value.name;
  if (typeof name !== 'string' || !ROUTE_NAME.test(name)) {
    throw new RouteConfigError(`${where}.name must be 1–64 letters, digits, ".", "_" or "-", got ${JSON.stringify(name)}`);
  }
  const at = `${where} ("${name}")`;
  if (names.has(name)) throw new RouteConfigError(`${at}.name is used by an earlier route: names must be unique`);
  names.add(name);
  rejectUnknownKeys(value, ROUTE_KEYS, at);
  const route: Route = { name };
  if (value.match !== undefined) route.match = parseMatch(value.match, `${at}.match`);
  if (value.slackWebhookSecretArn !== undefined && value.slackWebhookSecretName !== undefined) {
    throw new RouteConfigError(`${at} gives both slackWebhookSecretArn and slackWebhookSecretName: give one`);
  }
  if (value.slackWebhookSecretArn !== undefined) {
    route.slackWebhookSecretArn = patterned(value.slackWebhookSecretArn, `${at}.slackWebhookSecretArn`, SECRET_ARN, 'a Secrets Manager secret ARN');
  }
  if (value.slackWebhookSecretName !== undefined) {
    const secretName = value.slackWebhookSecretName;
    if (typeof secretName !== 'string' || secretName === '' || secretName.startsWith('https://')) {
      throw new RouteConfigError(`${at}.slackWebhookSecretName must be the name of a secret holding the webhook URL (never the URL itself)`);
    }
    route.slackWebhookSecretName = secretName;
  }
  if (value.snsTopicArn !== undefined) {
    route.snsTopicArn = patterned(value.snsTopicArn, `${at}.snsTopicArn`, TOPIC_ARN, 'an SNS topic ARN');
  }
  if (value.slackChannel !== undefined) {
    route.slackChannel = patterned(value.slackChannel, `${at}.slackChannel`, /^[CG][A-Z0-9]{6,20}$/, 'a Slack channel id (C… or G…; Slack app mode)');
  }
  if (value.continue !== undefined) {
    if (typeof value.continue !== 'boolean') throw new RouteConfigError(`${at}.continue must be true or false`);
    route.continue = value.continue;
  }
  if (channelsOfRoute(route).length === 0) {
    throw new RouteConfigError(`${at} has no channel: give slackWebhookSecretArn, slackWebhookSecretName or snsTopicArn`);
  }
  return route;
}

function parseMatch(value: unknown, where: string): RouteMatch {
  if (!isPlainObject(value)) throw new RouteConfigError(`${where} must be an object`);
  rejectUnknownKeys(value, MATCH_KEYS, where);
  const match: RouteMatch = {};
  if (value.accounts !== undefined) match.accounts = stringList(value.accounts, `${where}.accounts`, ACCOUNT_ID, 'a 12-digit account id');
  if (value.organizationalUnits !== undefined) {
    match.organizationalUnits = stringList(
      value.organizationalUnits,
      `${where}.organizationalUnits`,
      OU_OR_ROOT_ID,
      'an organizational unit or root id (ou-…, r-…)',
    );
  }
  for (const key of ['principals', 'actions', 'resources'] as const) {
    if (value[key] !== undefined) match[key] = stringList(value[key], `${where}.${key}`);
  }
  if (value.severities !== undefined) {
    match.severities = stringList(value.severities, `${where}.severities`).map((entry, index) =>
      severity(entry, `${where}.severities[${index}]`),
    );
  }
  if (value.minSeverity !== undefined) match.minSeverity = severity(value.minSeverity, `${where}.minSeverity`);
  for (const key of ['principalTags', 'resourceTags'] as const) {
    if (value[key] !== undefined) match[key] = tagPatterns(value[key], `${where}.${key}`);
  }
  if (Object.keys(match).length === 0) {
    throw new RouteConfigError(`${where} is empty: omit "match" for a default route, or give at least one condition`);
  }
  return match;
}

function tagPatterns(value: unknown, where: string): Record<string, string | string[]> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new RouteConfigError(`${where} must be a non-empty object of tag key → value glob (or list of globs)`);
  }
  const result: Record<string, string | string[]> = {};
  for (const [key, patterns] of Object.entries(value)) {
    if (typeof patterns === 'string') result[key] = patterns;
    else result[key] = stringList(patterns, `${where}["${key}"]`);
  }
  return result;
}

function severity(value: unknown, where: string): Severity {
  if (typeof value !== 'string' || !(SEVERITY_ORDER as readonly string[]).includes(value)) {
    throw new RouteConfigError(`${where} must be one of ${SEVERITY_ORDER.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as Severity;
}

function stringList(value: unknown, where: string, pattern?: RegExp, what = 'a non-empty string'): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new RouteConfigError(`${where} must be a non-empty array`);
  return value.map((entry, index) => {
    if (typeof entry !== 'string' || entry === '' || (pattern !== undefined && !pattern.test(entry))) {
      throw new RouteConfigError(`${where}[${index}] must be ${what}, got ${JSON.stringify(entry)}`);
    }
    return entry;
  });
}

function patterned(value: unknown, where: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new RouteConfigError(`${where} must be ${what}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function rejectUnknownKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new RouteConfigError(`${where} has unknown key "${key}" (known: ${known.join(', ')})`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compiled globs; the patterns come from configuration, so the map stays small. */
const GLOBS = new Map<string, RegExp>();

/** `*` (any run, `/` and `:` included) and `?` (one character) glob, whole value, case-insensitive. */
function globMatches(pattern: string, value: string): boolean {
  let regex = GLOBS.get(pattern);
  if (regex === undefined) {
    GLOBS.set(pattern, (regex = globToRegExp(pattern)));
  }
  return regex.test(value);
}

function anyGlob(patterns: readonly string[], value: string | null | undefined): boolean {
  return value != null && patterns.some((pattern) => globMatches(pattern, value));
}

function tagsMatch(patterns: Record<string, string | string[]>, tags: Readonly<Record<string, string>> | undefined): boolean {
  if (tags === undefined) return false;
  return Object.entries(patterns).every(([key, wanted]) => anyGlob(typeof wanted === 'string' ? [wanted] : wanted, tags[key]));
}

/** Whether one route's `match` takes an alert (a route without `match` takes every alert). */
export function routeMatches(route: Route, alert: AlertSummary, facts: RoutingFacts = {}): boolean {
  const match = route.match;
  if (match === undefined) return true;
  const account = alert.accountId;
  if (match.accounts !== undefined && (account === null || !match.accounts.includes(account))) return false;
  if (match.organizationalUnits !== undefined) {
    const units = account === null ? undefined : facts.accountOrganizationalUnits?.[account];
    if (units === undefined || !match.organizationalUnits.some((id) => units.includes(id))) return false;
  }
  if (match.principals !== undefined && !anyGlob(match.principals, alert.principalArn)) return false;
  if (match.actions !== undefined && !anyGlob(match.actions, alert.action)) return false;
  if (match.resources !== undefined && !anyGlob(match.resources, alert.resource)) return false;
  const severity = alert.triage?.severity ?? 'info';
  if (match.severities !== undefined && !match.severities.includes(severity)) return false;
  if (match.minSeverity !== undefined && SEVERITY_ORDER.indexOf(severity) < SEVERITY_ORDER.indexOf(match.minSeverity)) {
    return false;
  }
  if (match.principalTags !== undefined && !tagsMatch(match.principalTags, facts.principalTags)) return false;
  if (match.resourceTags !== undefined && !tagsMatch(match.resourceTags, facts.resourceTags)) return false;
  return true;
}

/**
 * Chooses an alert's routes and channels: routes in order, the first match wins unless it says `continue`.
 *
 * @returns the matched routes and their channel ids (deduplicated: two routes naming one topic give one SNS channel).
 */
export function routeAlert(alert: AlertSummary, routes: readonly Route[], facts: RoutingFacts = {}): RoutingDecision {
  const chosen: Route[] = [];
  for (const route of routes) {
    if (!routeMatches(route, alert, facts)) continue;
    chosen.push(route);
    if (route.continue !== true) break;
  }
  const channels = [...new Set(chosen.flatMap(channelsOfRoute))];
  return { routes: chosen, channels };
}

/** The route names as the alert shows them (`alert.route`): `prod`, or `audit+prod` when several took it. */
export function routeLabel(decision: RoutingDecision): string | undefined {
  return decision.routes.length === 0 ? undefined : decision.routes.map((route) => route.name).join('+');
}
