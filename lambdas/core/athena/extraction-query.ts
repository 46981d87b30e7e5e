/**
 * The extraction query: the denials (and, when the "what changed" catalogue is given, the policy changes) of an
 * organization's CloudTrail over a time range, as `UNLOAD (…) TO 's3://…' WITH (format = 'JSON', compression = 'gzip')`.
 *
 * It selects exactly the columns the pipeline reads, and always prunes partitions by date (`"timestamp"`) so Athena
 * reads only the days asked for. The upper date bound takes one more day: CloudTrail files a record under the date of
 * its log file, which for the last minutes of a day is the next day. The exact range is then applied on `eventtime`.
 * Rows are sorted by `eventtime` within each file UNLOAD writes (files are written in parallel, not sorted among
 * themselves): `athena run` merges the files into one stream in event-time order, as the replay expects.
 */
import { athenaName, EXTRACTED_COLUMNS } from './cloudtrail-columns.js';
import { accountProjection, dayPartition, type BacktestSpec, type ChangeEventFilter } from './backtest-spec.js';
import { denialCandidateRules, errorCodePredicateSql } from './denial-predicate.js';
import { sqlString } from './sql-text.js';

const DAY_MS = 86_400_000;

/** Written where the account ids must go when none were given and the account partition is `injected`. */
export const ACCOUNT_IDS_PLACEHOLDER = '<ACCOUNT_IDS>';

/** The date range of partitions the query reads: `[from, to]`, both `yyyy/MM/dd`. */
export function partitionDays(spec: Pick<BacktestSpec, 'sinceMs' | 'untilMs'>): { from: string; to: string } {
  return { from: dayPartition(spec.sinceMs), to: dayPartition(spec.untilMs - 1 + DAY_MS) };
}

/** Athena reads at most a million partitions in one scan (Athena service quotas). */
export const MAX_PARTITIONS_PER_QUERY = 1_000_000;

/** How many partitions (account × Region × day) the query reads; the accounts count as 1 when not yet known. */
export function partitionCount(spec: Pick<BacktestSpec, 'sinceMs' | 'untilMs' | 'accounts' | 'regions'>): number {
  const { from, to } = partitionDays(spec);
  const days = Math.round((Date.parse(to.replace(/\//g, '-')) - Date.parse(from.replace(/\//g, '-'))) / DAY_MS) + 1;
  return Math.max(1, spec.accounts.length) * spec.regions.length * days;
}

/**
 * Splits a back-test into consecutive back-tests of whole UTC days, each reading at most `maxPartitions` partitions,
 * each unloading below its own `part-NNN/` of the output. One part when the whole range fits.
 * @throws RangeError when even one day of these accounts and Regions is more than `maxPartitions`
 */
export function splitBacktest(spec: BacktestSpec, maxPartitions: number = MAX_PARTITIONS_PER_QUERY): BacktestSpec[] {
  if (partitionCount(spec) <= maxPartitions) return [spec];
  const perDay = Math.max(1, spec.accounts.length) * spec.regions.length;
  // A part of N days reads N + 1 days of partitions (the late-file day).
  const days = Math.floor(maxPartitions / perDay) - 1;
  if (days < 1) throw new RangeError(`${perDay} partitions per day: two days already exceed ${maxPartitions} partitions per query; give fewer --regions or --accounts`);
  const parts: BacktestSpec[] = [];
  let start = spec.sinceMs;
  while (start < spec.untilMs) {
    const nextMidnight = (Math.floor(start / DAY_MS) + days) * DAY_MS;
    const end = Math.min(spec.untilMs, nextMidnight);
    parts.push({ ...spec, sinceMs: start, untilMs: end, output: `${spec.output}part-${String(parts.length + 1).padStart(3, '0')}/` });
    start = end;
  }
  return parts;
}

/** `eventtime` text of an instant: CloudTrail writes `2026-06-01T12:00:00Z` (seconds, Z), which sorts as text. */
const eventTimeText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function changePredicateSql(groups: readonly ChangeEventFilter[]): string | null {
  if (groups.length === 0) return null;
  const terms = groups.map((group) => `(eventsource = ${sqlString(group.eventSource)} AND eventname IN (${group.eventNames.map(sqlString).join(', ')}))`);
  return `(errorcode IS NULL AND (${terms.join(' OR ')}))`;
}

/** The `SELECT` inside the UNLOAD. */
export function extractionSelectSql(spec: BacktestSpec): string {
  const days = partitionDays(spec);
  const accountFilter =
    accountProjection(spec) === 'injected'
      ? spec.accounts.length > 0
        ? `  AND account IN (${spec.accounts.map(sqlString).join(', ')})`
        : `  AND account IN (${ACCOUNT_IDS_PLACEHOLDER}) -- the account projection is injected: list the account ids of the organization here (aws organizations list-accounts --query "Accounts[].Id" --output text), or pass --accounts`
      : null;
  const denials = errorCodePredicateSql(denialCandidateRules(spec.extraErrorCodes));
  const changes = changePredicateSql(spec.changeEvents);
  return [
    'SELECT',
    EXTRACTED_COLUMNS.map((name) => `  ${athenaName(name)}`).join(',\n'),
    `FROM "${spec.database}"."${spec.table}"`,
    `WHERE "timestamp" BETWEEN ${sqlString(days.from)} AND ${sqlString(days.to)}`,
    ...(accountFilter ? [accountFilter] : []),
    `  AND region IN (${spec.regions.map(sqlString).join(', ')})`,
    `  AND eventtime >= ${sqlString(eventTimeText(spec.sinceMs))}`,
    `  AND eventtime < ${sqlString(eventTimeText(spec.untilMs))}`,
    `  AND (${changes ? `${denials}\n    OR ${changes}` : denials})`,
    // UNLOAD writes files in parallel, each sorted: `athena run` merges them into one stream in event time order.
    'ORDER BY eventtime',
  ].join('\n');
}

/** The whole `UNLOAD` statement: gzip JSON lines written below `spec.output`. */
export function unloadSql(spec: BacktestSpec): string {
  const select = extractionSelectSql(spec)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `UNLOAD (\n${select}\n)\nTO ${sqlString(spec.output)}\nWITH (format = 'JSON', compression = 'gzip')`;
}
