/**
 * What an alert's fix, resource line and verify command are about: the fingerprint's resource family, or the distinct
 * resources denied when they are few: never one member of many.
 *
 * The fingerprint groups denials by resource family (`instance/*`, a log group's streams, an S3 prefix) because the
 * tail is volatile: every new instance or container brings a new id. A fix for the one resource in the sample would
 * be denied again on the next. So:
 * - the family, when it generalises the denied resources (a `*` where they carry ids), written in the IAM catalogue's
 *   ARN format of one of the action's resource types, so that every `*` replaces an ARN variable (never a fixed part);
 * - else the distinct denied resources, up to {@link MAX_LISTED_RESOURCES};
 * - else (more of them) one pattern with `*` where the most denied ones differ, in the same ARN format;
 * - `*` only when the action supports no resource type; a visible placeholder when the record named none.
 */
import type { AlertSummary } from '../alert.js';
import { actionResourceTypes, resourceArnFormat } from '../iam-catalog.js';

/** At most this many resources are listed in a statement (more become one pattern). */
export const MAX_LISTED_RESOURCES = 5;
/** Shown where the record does not name the resource: replace it with the resource's ARN. */
export const UNKNOWN_RESOURCE = '<resource ARN: not in the record>';
/** How the window's resource top-N names a denial that named no resource. */
export const UNNAMED_RESOURCE = '(unknown)';

/** The scope of an alert's fix. */
export interface ResourceScope {
  /**
   * `any`: the action takes no resource (`*`); `unknown`: no resource named; `single`: one resource; `family`: the
   * fingerprint's family pattern; `list`: the distinct resources; `pattern`: a pattern over many distinct resources.
   */
  kind: 'any' | 'unknown' | 'single' | 'family' | 'list' | 'pattern';
  /** The statement's Resource values (one pattern, or up to {@link MAX_LISTED_RESOURCES} ARNs). */
  resources: string[];
  /** Distinct resources denied in the alert's window (null when the alert carries no window context). */
  distinct: number | null;
  /** Denials in the window that named no resource. */
  unnamed: number;
  /** Real denied resource ARNs to simulate with (at most {@link MAX_LISTED_RESOURCES}); empty when none is known. */
  examples: string[];
  /** False when the placeholder stands in for the resource. */
  known: boolean;
  /** Distinct resources the statement does not name or match for sure (a pattern derived from the top 5 of many). */
  unverified: number;
}

/** The scope of an alert: see the module comment. `action` is the exact IAM action (canonical spelling). */
export function resourceScope(alert: Pick<AlertSummary, 'resource' | 'resourceFamily' | 'window'>, action: string): ResourceScope {
  const types = actionResourceTypes(action);
  const window = alert.window?.resources;
  const unnamed = window?.top.find((entry) => entry.value === UNNAMED_RESOURCE)?.count ?? 0;
  const named = window ? window.top.map((entry) => entry.value).filter(isArn) : isArn(alert.resource) ? [alert.resource] : [];
  const distinct = window ? Math.max(window.distinct - (unnamed > 0 ? 1 : 0), named.length) : null;
  const base = { distinct, unnamed, examples: named.slice(0, MAX_LISTED_RESOURCES), unverified: 0 };
  if (types !== null && types.length === 0) return { ...base, kind: 'any', resources: ['*'], known: true };
  const family = isArn(alert.resourceFamily) ? alert.resourceFamily : null;
  if (named.length === 0) {
    if (family) return { ...base, kind: 'family', resources: [arnPattern(action, [], family) ?? family], known: true };
    return { ...base, kind: 'unknown', resources: [UNKNOWN_RESOURCE], known: false };
  }
  if (family && generalises(family, named)) {
    return { ...base, kind: 'family', resources: [arnPattern(action, named, family) ?? family], known: true };
  }
  const count = distinct ?? named.length;
  if (count <= 1) return { ...base, kind: 'single', resources: [named[0]!], known: true };
  if (count <= MAX_LISTED_RESOURCES && named.length >= count) return { ...base, kind: 'list', resources: named.slice(0, MAX_LISTED_RESOURCES), known: true };
  const pattern = arnPattern(action, named, null);
  if (pattern) return { ...base, kind: 'pattern', resources: [pattern], known: true, unverified: Math.max(0, count - named.length) };
  return { ...base, kind: 'list', resources: named.slice(0, MAX_LISTED_RESOURCES), known: true, unverified: Math.max(0, count - MAX_LISTED_RESOURCES) };
}

/**
 * One ARN pattern covering `members` (and `family`, when given), in the ARN format of one of the action's resource
 * types: each ARN variable keeps its value where all agree, takes the family's wildcard value where the family has
 * one (an S3 prefix `logs/*`), and is `*` otherwise. Null when no resource type's format fits them all.
 *
 * @example arnPattern('logs:CreateLogStream', ['arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/x:log-stream:a', '…:log-stream:b'], null)
 * // 'arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/x:log-stream:*'
 */
export function arnPattern(action: string, members: readonly string[], family: string | null): string | null {
  const colon = action.indexOf(':');
  const service = action.slice(0, colon);
  const types = actionResourceTypes(action) ?? [];
  const samples = members.length > 0 ? members : family ? [family] : [];
  if (samples.length === 0) return null;
  for (const type of types) {
    const format = resourceArnFormat(service, type);
    if (!format) continue;
    const parser = formatParser(format);
    const parsed = samples.map((member) => parser.parse(member));
    if (parsed.some((values) => values === null)) continue;
    const familyValues = family ? parser.parse(family)?.values ?? null : null;
    // A family that is a prefix of every member (a log group of log streams): every variable past it is volatile.
    const prefix = family && !familyValues && samples.every((member) => isPrefixFamily(family, member)) ? family.length : null;
    const values = parser.variables.map((_, index) => {
      const column = parsed.map((row) => row!.values[index]!);
      const wide = familyValues?.[index];
      if (wide !== undefined && wide.includes('*') && column.every((value) => globMatches(wide, value))) return wide;
      if (prefix !== null && parsed.every((row) => row!.starts[index]! >= prefix)) return '*';
      return column.every((value) => value === column[0]) ? column[0]! : '*';
    });
    return parser.build(values);
  }
  return null;
}

interface FormatParser {
  variables: string[];
  /** The variables' values and where each starts in the ARN, or null when the ARN does not fit the format. */
  parse(arn: string): { values: string[]; starts: number[] } | null;
  build(values: readonly string[]): string;
}

const parsers = new Map<string, FormatParser>();

/** `arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}` as a parser and a builder. */
function formatParser(format: string): FormatParser {
  const cached = parsers.get(format);
  if (cached) return cached;
  const pieces = format.split(/\$\{(\w+)\}/);
  const literals = pieces.filter((_, index) => index % 2 === 0);
  const variables = pieces.filter((_, index) => index % 2 === 1);
  const body = literals.map((literal, index) => escapeRegExp(literal) + (index < variables.length ? (index === variables.length - 1 ? '(.+)' : '(.+?)') : '')).join('');
  const regex = new RegExp(`^${body}$`, 'sd');
  const parser: FormatParser = {
    variables,
    parse: (arn) => {
      const match = regex.exec(arn);
      if (!match) return null;
      return { values: match.slice(1), starts: variables.map((_, index) => match.indices![index + 1]![0]) };
    },
    build: (values) => literals.map((literal, index) => literal + (index < values.length ? values[index] : '')).join(''),
  };
  parsers.set(format, parser);
  return parser;
}

/**
 * True when the family is wider than the members: a `*` they fill with concrete values (`instance/*`), or a prefix
 * they extend past a separator (a log group of log streams).
 */
function generalises(family: string, members: readonly string[]): boolean {
  if (members.every((member) => isPrefixFamily(family, member))) return true;
  return family.includes('*') && members.some((member) => member !== family) && members.every((member) => globMatches(family, member));
}

function isPrefixFamily(family: string, member: string): boolean {
  return member.length > family.length && member.startsWith(family) && /[:/]/.test(member[family.length]!);
}

/** IAM-style glob: `*` any run, `?` one character. */
function globMatches(pattern: string, value: string): boolean {
  const body = pattern.split('*').map((part) => part.split('?').map(escapeRegExp).join('.')).join('.*');
  return new RegExp(`^${body}$`, 's').test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isArn(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.startsWith('arn:') && value !== '*';
}
