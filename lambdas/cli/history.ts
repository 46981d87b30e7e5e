/**
 * `denial-alerter history`: the stored denials by principal, action, fingerprint and time, newest first. A table
 * that fits the terminal, JSON lines when piped or with `--json`; when nothing matches, the stored time range.
 */
import type { Command } from 'commander';
import { optionsFromParseArgs, valuesByFlagName, wholeNumber, type CliContext } from './command-kit.js';
import { actionFilter, principalFilter, timeWindow, type ActionFilter, type PrincipalFilter } from './history-filters.js';
import { renderHistoryTable } from './history-table.js';
import { writeLine } from '../terminal/output.js';
import { connectStore, DEFAULT_DATA_DIR, embeddedDataDir, needsEmbeddedEmulator, STORE_HELP, STORE_OPTIONS, storeTargetOf, type StoreConnection, type StoreTarget } from '../replay/store-connection.js';
import { readStoredRange, type StoredRange } from '../replay/stored-range.js';
import { isTerminal, styleFor } from '../terminal/style.js';
import { DynamoDbChangeStore } from '../adapters/dynamodb-change-store.js';
import { formatChangeLine } from '../core/changes/format.js';
import { printResponses } from './history-responses.js';

/**
 * Without `--since`, a table elsewhere is searched this far back; the embedded store's default window is the event-time
 * range its replays stored (kept beside its data), so that a replay of 2024 logs shows without flags.
 */
export const DEFAULT_LOOKBACK_MS = 7 * 86_400_000;
/** Denials read at most to apply a filter the indexes cannot (wildcards, a role of unknown path). */
export const FILTER_SCAN_CAP = 10_000;

const HISTORY_AFTER = `Examples:
  denial-alerter history --action 'ec2:*' --since 2024-07-30 --until 2024-08-01
  denial-alerter history --principal arn:aws:sts::123456789012:assumed-role/deploy/ci-run-42   (a session: its role)

The embedded DynamoDB Local needs Java, also for reading; --endpoint or --table read an existing table without it.
The same table answers the AWS CLI and PartiQL directly (by principal ARN, day, action, fingerprint): docs/history-table.md.
Exit status: 0 (also when nothing matched: a hint on stderr names the stored time range), 2 on a usage error.`;

interface HistoryFlags extends Record<string, unknown> {
  principal?: string;
  action?: string;
  fingerprint?: string;
  since?: string;
  until?: string;
  limit: string;
  json?: boolean;
  changes?: boolean;
  resource?: string;
  responses?: boolean;
}

/** Adds `history` to the program. */
export function registerHistoryCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('history')
    .summary('query the stored denials by principal, action, fingerprint or time')
    .description('Lists stored denials, newest first: a table on a terminal, JSON lines with --json (or when piped).');
  command.optionsGroup('Filters (combined with AND):');
  command
    .option('--principal <arn>', 'a user or role ARN; a session ARN (arn:aws:sts::…:assumed-role/ROLE/SESSION) means its role')
    .option('--action <action>', 'IAM action, any case, * and ? wildcards: s3:GetObject, EC2:getpassworddata, ec2:*, s3:Get*')
    .option('--fingerprint <id>', 'one fingerprint (as printed with alerts)')
    .option('--since <when>', 'start: a duration back from now (30m, 24h, 7d) or an ISO time [embedded store: the replayed range; a table: 7d]')
    .option('--until <when>', 'end: same forms, after --since [now]')
    .option('--limit <n>', 'at most N denials', '50')
    .option('--changes', 'list the authorization changes ("what changed") touching --principal or --resource instead of denials')
    .option('--resource <arn>', 'with --changes: a resource ARN (an S3 object means its bucket), a policy ARN or a VPC endpoint id')
    .option('--responses', 'list the Slack responses instead (acknowledged, snoozed, expected, alerts kept silent), optionally of --fingerprint');
  command.optionsGroup('Output:');
  command.option('--json', 'JSON lines even on a terminal');
  for (const option of optionsFromParseArgs(STORE_OPTIONS, STORE_HELP, 'Where data is kept:')) command.addOption(option);
  command.addHelpText('after', `\n${HISTORY_AFTER}`);
  command.action(async (flags: HistoryFlags) => {
    context.status = await history(flags, context);
  });
  return command;
}

async function history(flags: HistoryFlags, { io, env }: CliContext): Promise<number> {
  const nowMs = (io.now ?? Date.now)();
  const target = storeTargetOf(valuesByFlagName(STORE_OPTIONS, flags), env);
  if (usesSampleData(target)) {
    target.dataDir = SAMPLE_DATA_DIR;
    io.stderr.write(`Reading the data "npm start" kept in ${SAMPLE_DATA_DIR} (no replay stored anything in ${DEFAULT_DATA_DIR} yet; --data-dir chooses)\n`);
  }
  const dataDir = embeddedDataDir(target);
  const stored = dataDir ? readStoredRange(dataDir) : null;
  const window =
    stored && flags.since === undefined && flags.until === undefined
      ? { sinceMs: Date.parse(stored.oldest), untilMs: Date.parse(stored.newest) + 1 }
      : timeWindow(flags.since, flags.until, nowMs, nowMs - DEFAULT_LOOKBACK_MS);
  const limit = wholeNumber('--limit', flags.limit, 1, FILTER_SCAN_CAP);
  const principal = flags.principal ? principalFilter(flags.principal) : undefined;
  const action = flags.action ? actionFilter(flags.action, (await import('../core/iam-catalog.js')).canonicalAction) : undefined;
  if (flags.changes && !flags.principal && !flags.resource) {
    io.stderr.write('denial-alerter history: --changes needs --principal ARN or --resource ARN\n');
    return 2;
  }
  const connection = await connectStore(target, () =>
    io.stderr.write('Starting DynamoDB Local (Java) to read the stored denials; --endpoint URL or --table NAME read an existing table without Java\n'),
  );
  try {
    if (flags.responses) {
      await printResponses(connection, { fingerprint: flags.fingerprint, ...timeWindow(flags.since, flags.until, nowMs, nowMs - DEFAULT_LOOKBACK_MS), limit }, io, Boolean(flags.json));
      return 0;
    }
    if (flags.changes) {
      // Changes come before the denials they explain: without --since, look a day before the stored range.
      const sinceMs = flags.since === undefined ? window.sinceMs - 86_400_000 : window.sinceMs;
      const store = new DynamoDbChangeStore({ tableName: connection.tableName, client: connection.client });
      const changes = await store.recentChanges({ principalArn: flags.principal, resourceArn: flags.resource, sinceMs, untilMs: window.untilMs, limit }, nowMs);
      for (const change of changes) await writeLine(io.stdout, !flags.json && isTerminal(io.stdout) ? formatChangeLine(change) : JSON.stringify(change));
      if (changes.length === 0) io.stderr.write('no authorization changes stored for this principal or resource in that time range\n');
      return 0;
    }
    if (principal?.note) io.stderr.write(`--principal: ${principal.note}\n`);
    connection.store.onLegacyPages = (message) => io.stderr.write(`note: ${message}\n`);
    const { items, capped } = await findDenials(connection, { principal, action, fingerprint: flags.fingerprint, ...window, limit }, nowMs);
    const style = styleFor(io.stdout, env);
    if (!flags.json && isTerminal(io.stdout)) {
      if (items.length > 0) io.stdout.write(renderHistoryTable(items, terminalColumns(io.stdout), style));
    } else {
      for (const item of items) await writeLine(io.stdout, JSON.stringify(item));
    }
    const warn = styleFor(io.stderr, env);
    if (capped) io.stderr.write(warn.yellow(`searched only the newest ${FILTER_SCAN_CAP} denials for this filter: narrow --since/--until to look further back\n`));
    if (items.length === 0) io.stderr.write(`${noMatchHint(connection, window, dataDir, stored)}\n`);
    else if (items.length === limit) io.stderr.write(warn.dim(`${limit} shown (--limit); there may be more\n`));
  } finally {
    await connection.close();
  }
  return 0;
}

interface Search {
  principal?: PrincipalFilter;
  action?: ActionFilter;
  fingerprint?: string;
  sinceMs: number;
  untilMs: number;
  limit: number;
}

/**
 * Runs the search on the best index: the principal's or the action's when exact, else by time with the filter
 * applied here (up to {@link FILTER_SCAN_CAP} denials). A role named by a session ARN is looked up by its plain ARN
 * first, then by account and name with any path.
 */
export async function findDenials(connection: StoreConnection, search: Search, nowMs: number): Promise<{ items: Array<Record<string, unknown>>; capped: boolean }> {
  const { principal, action, fingerprint, sinceMs, untilMs, limit } = search;
  const run = async (principalArn: string | undefined, exactAction: string | undefined, keep: (item: Record<string, unknown>) => boolean) => {
    const filtering = (action !== undefined && !exactAction) || keep !== ALL;
    const found = await connection.store.queryHistory({ principalArn, action: exactAction, fingerprint, sinceMs, untilMs, limit: filtering ? FILTER_SCAN_CAP : limit }, nowMs);
    const kept = found.filter((item) => keep(item) && (action === undefined || action.matches(String(item.action ?? ''))));
    return { items: kept.slice(0, limit), capped: filtering && found.length >= FILTER_SCAN_CAP && kept.length < limit };
  };
  const first = await run(principal?.arn, action?.exact, ALL);
  if (first.items.length > 0 || !principal?.matches) return first;
  const matches = principal.matches;
  return run(undefined, action?.exact, (item) => matches(String(item.principalArn ?? '')));
}

const ALL = () => true;

/** Where `npm start` keeps the sample's data (package.json "scripts.start"). */
export const SAMPLE_DATA_DIR = '.denial-alerter/sample';

/** True when no place was named, no replay stored anything in the default data directory, and `npm start` left its data. */
function usesSampleData(target: StoreTarget): boolean {
  return (
    needsEmbeddedEmulator(target) &&
    !target.inMemory &&
    target.dataDir === undefined &&
    readStoredRange(DEFAULT_DATA_DIR) === null &&
    readStoredRange(SAMPLE_DATA_DIR) !== null
  );
}

/** What to say when nothing matched: the range the embedded store holds, or how to look further back. */
function noMatchHint(connection: StoreConnection, window: { sinceMs: number; untilMs: number }, dataDir: string | null, stored: StoredRange | null): string {
  const searched = `${new Date(window.sinceMs).toISOString()} to ${new Date(window.untilMs).toISOString()}`;
  if (dataDir && !stored) return `No denials stored in ${connection.description}: run "denial-alerter replay FILE..." first (npm start keeps its data in ${SAMPLE_DATA_DIR}: add --data-dir ${SAMPLE_DATA_DIR}).`;
  if (stored) {
    return `No denials match from ${searched}. The replays stored here hold events from ${stored.oldest} to ${stored.newest}: widen --since/--until (e.g. --since ${stored.oldest.slice(0, 10)}) or loosen the filters.`;
  }
  return `No denials match from ${searched} in ${connection.description}: look further back with --since (30d, or an ISO time such as 2024-07-30) or loosen the filters.`;
}

function terminalColumns(stream: unknown): number {
  const columns = (stream as { columns?: number }).columns;
  return columns && columns >= 40 ? columns : 80;
}
