/**
 * The validated description of one back-test: where the organization trail's logs are, which days, accounts and
 * Regions, where Athena writes the extract. Every user input is checked here, before any SQL is written.
 */
import { AthenaInputError, athenaIdentifier } from './sql-text.js';

/** A group of "what changed" events the query also extracts (management events that change policies). */
export interface ChangeEventFilter {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
}

/** What the user asks for (CLI flags, or the construct's props). */
export interface BacktestInput {
  /** The organization trail's bucket. */
  bucket: string;
  /** The trail's S3 key prefix, if it has one (the part before `AWSLogs/`). */
  prefix?: string;
  /** `o-…`: the organization trail writes below `AWSLogs/<org-id>/`. */
  organizationId: string;
  database: string;
  table: string;
  /** First instant, inclusive (ms since the epoch). */
  sinceMs: number;
  /** Last instant, exclusive (ms since the epoch). */
  untilMs: number;
  /** Member accounts to read; none means every account, listed at query time (`injected` projection). */
  accounts?: readonly string[];
  /**
   * How the account partition is projected. `injected` (the values come from the query) keeps the table independent
   * of the account list: a table is created once, and an `enum` frozen in it would silently skip accounts that join
   * later, even when a query names them. `enum` is honoured for 1 to {@link MAX_ENUM_PROJECTION_VALUES} accounts.
   * @default 'injected'
   */
  accountProjection?: 'enum' | 'injected';
  /** Regions the trail logs; the partition projection enumerates them. */
  regions: readonly string[];
  /** `s3://bucket/prefix/` the UNLOAD writes to (must be empty: Athena refuses to overwrite). */
  output: string;
  /** More error codes the replay will count as denials (the query must keep them). */
  extraErrorCodes?: readonly string[];
  /** "What changed" events to extract beside the denials. */
  changeEvents?: readonly ChangeEventFilter[];
}

/** A back-test with every input checked and normalised. */
export interface BacktestSpec {
  readonly bucket: string;
  /** Key prefix with no leading or trailing slash, or `''`. */
  readonly prefix: string;
  readonly organizationId: string;
  readonly database: string;
  readonly table: string;
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly accounts: readonly string[];
  readonly accountProjection?: 'enum' | 'injected';
  readonly regions: readonly string[];
  readonly output: string;
  readonly extraErrorCodes: readonly string[];
  readonly changeEvents: readonly ChangeEventFilter[];
}

/**
 * Athena's guidance: keep an `enum` projection to a few dozen values or fewer; beyond that, or when the values are not
 * known in advance (an organization's accounts change), use `injected`, whose values come from the query.
 */
export const MAX_ENUM_PROJECTION_VALUES = 36;

/** Bucket names: lower-case letters, digits, dots and hyphens (S3 wants 3 to 63; shorter names are let through for examples). */
const BUCKET = /^(?:[a-z0-9]|[a-z0-9][a-z0-9.-]{0,61}[a-z0-9])$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{1,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const EVENT_SOURCE = /^[a-z0-9.-]+\.amazonaws\.com$/;
const TOKEN = /^[A-Za-z0-9._:-]+$/;
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{0,62})\/(.*)$/;

/** Checks a back-test's inputs; throws {@link AthenaInputError} naming the option at fault. */
export function resolveBacktestSpec(input: BacktestInput): BacktestSpec {
  if (!BUCKET.test(input.bucket)) throw new AthenaInputError('--bucket', input.bucket, 'not an S3 bucket name');
  const prefix = (input.prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.includes('//') || /[\u0000-\u001f\u007f]/.test(prefix)) throw new AthenaInputError('--prefix', prefix, 'not a usable S3 key prefix');
  if (!ORGANIZATION_ID.test(input.organizationId)) throw new AthenaInputError('--organization-id', input.organizationId, 'expected o- followed by lower-case letters and digits');
  if (!Number.isFinite(input.sinceMs)) throw new AthenaInputError('--since', String(input.sinceMs), 'not a time');
  if (!Number.isFinite(input.untilMs) || input.untilMs <= input.sinceMs) {
    throw new AthenaInputError('--until', Number.isFinite(input.untilMs) ? new Date(input.untilMs).toISOString() : String(input.untilMs), 'must be after --since');
  }
  const accounts = [...new Set(input.accounts ?? [])];
  for (const account of accounts) if (!ACCOUNT_ID.test(account)) throw new AthenaInputError('--accounts', account, 'an account id is 12 digits');
  const regions = [...new Set(input.regions)];
  if (regions.length === 0) throw new AthenaInputError('--regions', '', 'give at least one Region');
  for (const region of regions) if (!REGION.test(region)) throw new AthenaInputError('--regions', region, 'not a Region name');
  const output = input.output.endsWith('/') ? input.output : `${input.output}/`;
  const uri = S3_URI.exec(output);
  if (!uri || /[\u0000-\u001f\u007f]/.test(output)) throw new AthenaInputError('--output', input.output, 'expected s3://bucket/prefix/');
  const extraErrorCodes = [...new Set(input.extraErrorCodes ?? [])];
  for (const code of extraErrorCodes) if (!TOKEN.test(code)) throw new AthenaInputError('--extra-error-codes', code, 'not an error code');
  for (const group of input.changeEvents ?? []) {
    if (!EVENT_SOURCE.test(group.eventSource)) throw new AthenaInputError('changeEvents', group.eventSource, 'not an event source');
    for (const name of group.eventNames) if (!TOKEN.test(name)) throw new AthenaInputError('changeEvents', name, 'not an event name');
  }
  return {
    bucket: input.bucket,
    prefix,
    organizationId: input.organizationId,
    database: athenaIdentifier('--database', input.database),
    table: athenaIdentifier('--table', input.table),
    sinceMs: input.sinceMs,
    untilMs: input.untilMs,
    accounts,
    ...(input.accountProjection ? { accountProjection: input.accountProjection } : {}),
    regions,
    output,
    extraErrorCodes,
    changeEvents: (input.changeEvents ?? []).filter((group) => group.eventNames.length > 0),
  };
}

/** `s3://bucket/[prefix/]AWSLogs/<org-id>/`: where the organization trail's files are. */
export function organizationLogsLocation(spec: Pick<BacktestSpec, 'bucket' | 'prefix' | 'organizationId'>): string {
  return `s3://${spec.bucket}/${spec.prefix ? `${spec.prefix}/` : ''}AWSLogs/${spec.organizationId}/`;
}

/** How the account partition is projected: `injected`, or a bounded `enum` of the given accounts when asked for. */
export function accountProjection(spec: Pick<BacktestSpec, 'accounts' | 'accountProjection'>): 'enum' | 'injected' {
  if (spec.accountProjection !== 'enum' || spec.accounts.length === 0) return 'injected';
  return spec.accounts.length > 0 && spec.accounts.length <= MAX_ENUM_PROJECTION_VALUES ? 'enum' : 'injected';
}

/** `yyyy/MM/dd` of an instant in UTC: the date folder CloudTrail writes it under. */
export function dayPartition(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
}
