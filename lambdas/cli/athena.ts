/**
 * `denial-alerter athena sql` and `denial-alerter athena run`: back-test a whole organization's CloudTrail on Amazon
 * Athena. Athena scans the organization trail's bucket in parallel and unloads only the denials (and policy changes);
 * the project's own engine then replays them and gives its verdicts.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { Option, type Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { accountProjection, dayPartition, resolveBacktestSpec, type BacktestInput, type BacktestSpec } from '../core/athena/backtest-spec.js';
import { catalogChangeEvents } from '../core/athena/change-events.js';
import { estimatedQueryCostUsd, formatBytes, formatUsd } from '../core/athena/cost.js';
import { createTableSql } from '../core/athena/ddl.js';
import { MAX_PARTITIONS_PER_QUERY, partitionCount, splitBacktest, unloadSql } from '../core/athena/extraction-query.js';
import { AthenaInputError } from '../core/athena/sql-text.js';
import { AthenaQueryError, AthenaQueryRunner, type QueryProgress } from '../adapters/athena-query-runner.js';
import { listOrganizationAccountIds } from '../adapters/athena-organization-accounts.js';
import { listUnloadedFiles, mergedLines, writeMergedLines, type UnloadedFile } from '../adapters/athena-unload-files.js';
import { UsageError, type CliContext, type CliIo } from './command-kit.js';
import { terminalSafe } from '../terminal/style.js';
import { parseTimeBound } from './time-bound.js';
import { partitionById, partitionOf, requirePartitionOfRegion } from '../core/partition.js';

/** What `athena run` talks to; tests give loopback clients, the CLI builds them from the environment. */
export interface AthenaCommandDeps {
  athena?: AthenaClient;
  s3?: S3Client;
  organizations?: OrganizationsClient;
  /** First poll interval of GetQueryExecution (grows to 5 s). */
  pollIntervalMs?: number;
  /** Aborts the run as Ctrl-C does (the query is stopped). The CLI listens for SIGINT itself. */
  signal?: AbortSignal;
  /** Partitions one query may read before the range is split into several queries (Athena's limit: 1,000,000). */
  maxPartitionsPerQuery?: number;
  /** Open S3 bodies the merge may hold at once before it copies the files locally first (default 32). */
  maxOpenStreams?: number;
  /** Replays the unloaded lines (`-` reads them from `io.stdin`); the CLI passes its own `replay` command (`main.ts`). */
  replay?: (argv: string[], io: CliIo) => Promise<number>;
}

/** The parsed flags shared by `sql` and `run` (commander's camelCase names). */
interface BacktestFlags {
  bucket: string;
  prefix?: string;
  organizationId: string;
  since: string;
  until?: string;
  database: string;
  table: string;
  accounts?: string;
  regions?: string;
  output?: string;
  extraErrorCodes?: string;
  changes: boolean;
}

interface RunFlags extends BacktestFlags {
  workgroup: string;
  createTable: boolean;
  out?: string;
}

const SQL_DESCRIPTION = [
  "Prints the CREATE EXTERNAL TABLE of Athena's documented CloudTrail table, with partition projection over the organization trail's layout AWSLogs/<org-id>/<account>/CloudTrail/<region>/<yyyy/MM/dd>, and the extraction query: the denials (judged per service and message as the classifier judges them) and the policy changes of the \"what changed\" catalogue, as UNLOAD (...) TO 's3://...' WITH (format = 'JSON', compression = 'gzip'), reading only the days asked for.",
  'Paste both into the Athena console, then "denial-alerter replay" the unloaded files.',
].join('\n\n');

const RUN_DESCRIPTION = [
  'Runs the same with your AWS credentials: creates the table if needed, starts the extraction query in a workgroup, shows its progress (state, data scanned, estimated cost at $5 per TB), waits, then merges the unloaded gzip JSON files from S3 into one stream in event-time order and replays it (or writes it to --out DIR). Ctrl-C stops the query.',
  'Options after "--" go to "replay" (e.g. -- --threshold 10 --json). The replay is held in this process (replay --in-memory) unless given --table, --endpoint or --data-dir.',
].join('\n\n');

const AFTER = `Accounts: the account partition is "injected" (Athena's guidance for values not known in advance: accounts
join the organization), so the table never needs recreating and the query lists the accounts. Without --accounts,
"run" lists the organization's accounts (organizations:ListAccounts) and "sql" leaves a placeholder to fill.
Times: --since/--until take a duration back from now (90d, 2w, 24h) or an ISO date or time; --until defaults to now.
Cost and time for an organization: docs/athena.md.`;

/** Adds `athena sql` and `athena run` to the program. */
export function registerAthenaCommand(program: Command, context: CliContext, deps: AthenaCommandDeps = {}): Command {
  const athena = program
    .command('athena')
    .summary('back-test an organization\'s CloudTrail on Amazon Athena, then replay what it extracts')
    .description('Back-tests a whole organization trail: Athena scans, the alerter judges. See "athena sql --help" and "athena run --help".');

  backtestOptions(athena.command('sql').summary('print the table DDL and the extraction query').description(SQL_DESCRIPTION))
    .addHelpText('after', `\n${AFTER}`)
    .action(async (flags: BacktestFlags) => {
      const spec = specOf(flags, context, { discoveredAccounts: null, defaultRegions: partitionRegions(context), maxPartitions: MAX_PARTITIONS_PER_QUERY });
      printSql(spec, context.io);
      if (spec.accounts.length === 0) {
        context.io.stderr.write('denial-alerter athena sql: no --accounts: fill the <ACCOUNT_IDS> placeholder of the query with the account ids of the organization\n');
      }
      context.status = 0;
    });

  backtestOptions(
    athena
      .command('run')
      .summary('run the extraction on Athena and replay the result')
      .description(RUN_DESCRIPTION)
      .argument('[replayArgs...]', 'options for "replay", after --'),
  )
    .option('--workgroup <name>', 'Athena workgroup (its bytes-scanned limit and result encryption apply)', 'primary')
    .addOption(new Option('--no-create-table', 'the table exists already (e.g. made by the backtest construct): do not run the DDL'))
    .option('--out <dir>', 'write the extract to DIR (one gzip JSON-lines file in event-time order) instead of replaying it ("replay DIR" later)')
    .addHelpText('after', `\n${AFTER}`)
    .action(async (replayArgs: string[], flags: RunFlags) => {
      context.status = await runBacktest(replayArgs, flags, context, deps);
    });
  return athena;
}

function backtestOptions(command: Command): Command {
  return command
    .requiredOption('--bucket <name>', "the organization trail's S3 bucket")
    .option('--prefix <prefix>', "the trail's S3 key prefix, if any (before AWSLogs/)")
    .requiredOption('--organization-id <o-id>', 'the organization id (o-...)')
    .requiredOption('--since <when>', 'first day or time: 90d, 2w, 2026-06-01, 2026-06-01T12:00:00Z')
    .option('--until <when>', 'end, exclusive: same forms [now]')
    .option('--database <name>', 'Athena database', 'denial_alerter')
    .option('--table <name>', 'Athena table', 'cloudtrail_organization')
    .option('--accounts <list>', 'comma-separated member account ids [all]')
    .option('--regions <list>', 'comma-separated Regions the trail logs [every Region of AWS_REGION\'s partition]')
    .option('--output <s3-uri>', 'where UNLOAD writes (an empty prefix) [s3://BUCKET/PREFIX/denial-alerter-backtest/...]')
    .option('--extra-error-codes <list>', 'more errorCodes to extract and count as denials (e.g. AuthorizationError)')
    .addOption(new Option('--no-changes', 'extract denials only, not the policy changes of the "what changed" catalogue'));
}

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

/**
 * Every Region of the partition of the Region the command runs in (AWS_REGION; commercial when unset), from AWS's
 * endpoint data. A Region of no partition is a usage error naming it.
 */
function partitionRegions(context: CliContext): string[] {
  const region = context.env.AWS_REGION ?? context.env.AWS_DEFAULT_REGION;
  try {
    return [...(region ? requirePartitionOfRegion(region) : partitionById('aws')!).regions];
  } catch (error) {
    throw new UsageError(`AWS_REGION: ${(error as Error).message}`);
  }
}

function specOf(
  flags: BacktestFlags,
  context: CliContext,
  options: { discoveredAccounts: string[] | null; defaultRegions: string[]; runId?: string; maxPartitions?: number },
): BacktestSpec {
  const nowMs = (context.io.now ?? Date.now)();
  const sinceMs = parseTimeBound(flags.since, nowMs);
  const untilMs = flags.until === undefined ? nowMs : parseTimeBound(flags.until, nowMs);
  if (sinceMs === null) throw new UsageError(`--since "${flags.since}": expected a duration (90d, 2w, 24h) or an ISO date or time`);
  if (untilMs === null) throw new UsageError(`--until "${flags.until}": expected a duration (90d, 2w, 24h) or an ISO date or time`);
  const day = (ms: number) => dayPartition(ms).replace(/\//g, '-');
  const where = `${flags.prefix ? `${flags.prefix.replace(/^\/+|\/+$/g, '')}/` : ''}denial-alerter-backtest/${day(sinceMs)}_${day(untilMs)}/`;
  const output = flags.output ?? `s3://${flags.bucket}/${where}`;
  const input: BacktestInput = {
    bucket: flags.bucket,
    prefix: flags.prefix,
    organizationId: flags.organizationId,
    database: flags.database,
    table: flags.table,
    sinceMs,
    untilMs,
    accounts: options.discoveredAccounts ?? list(flags.accounts),
    regions: flags.regions ? list(flags.regions) : options.defaultRegions,
    output: options.runId ? `${output.replace(/\/?$/, '/')}${options.runId}/` : output,
    extraErrorCodes: list(flags.extraErrorCodes),
    changeEvents: flags.changes ? catalogChangeEvents() : [],
  };
  let spec: BacktestSpec;
  try {
    spec = resolveBacktestSpec(input);
  } catch (error) {
    if (error instanceof AthenaInputError) throw new UsageError(error.message);
    throw error;
  }
  const partitions = partitionCount(spec);
  if (options.maxPartitions !== undefined && partitions > options.maxPartitions) {
    const perDay = Math.max(1, spec.accounts.length) * spec.regions.length;
    throw new UsageError(
      `${spec.accounts.length || 'the'} account(s) x ${spec.regions.length} Region(s) x the days asked for make ${partitions} partitions; Athena reads at most ${MAX_PARTITIONS_PER_QUERY} in one query: split the range into runs of at most ${Math.floor(MAX_PARTITIONS_PER_QUERY / perDay) - 1} days (athena run splits it by itself), or give --regions`,
    );
  }
  return spec;
}

function printSql(spec: BacktestSpec, io: CliIo): void {
  io.stdout.write(
    [
      `-- 1. The table (once; partition projection, nothing to load). Accounts: ${accountProjection(spec)} projection.`,
      `CREATE DATABASE IF NOT EXISTS \`${spec.database}\`;`,
      '',
      createTableSql(spec),
      '',
      `-- 2. The extraction: ${new Date(spec.sinceMs).toISOString()} to ${new Date(spec.untilMs).toISOString()} (exclusive). The output prefix must be empty.`,
      `${unloadSql(spec)};`,
      '',
      `-- 3. Then: aws s3 cp --recursive ${shellWord(spec.output)} ./backtest && denial-alerter replay ./backtest`,
      '--    (each file is in time order, the files are not: "denial-alerter athena run" merges them into one ordered stream)',
      '',
    ].join('\n'),
  );
}

/** A word a POSIX shell reads back as it is. */
const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** Runs the back-test; returns the exit status (the replay's, 130 when stopped). */
async function runBacktest(replayArgs: string[], flags: RunFlags, context: CliContext, deps: AthenaCommandDeps): Promise<number> {
  const { io, env } = context;
  const defaultRegions = flags.regions ? [] : partitionRegions(context);
  // Check every flag before anything is sent to AWS.
  specOf(flags, context, { discoveredAccounts: null, defaultRegions });
  const clients = clientsOf(env, deps);
  let discovered: string[] | null = null;
  if (!flags.accounts) {
    try {
      discovered = await listOrganizationAccountIds(clients.organizations);
    } catch (error) {
      throw new UsageError(`give --accounts: the account ids of the organization could not be listed (${(error as Error).message})`);
    }
    if (discovered.length === 0) throw new UsageError('give --accounts: the organization lists no account');
    io.stderr.write(`The organization has ${discovered.length} account(s).\n`);
  }
  const runId = `${new Date((io.now ?? Date.now)()).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const spec = specOf(flags, context, { discoveredAccounts: discovered, defaultRegions, runId });
  const maxPartitions = deps.maxPartitionsPerQuery ?? MAX_PARTITIONS_PER_QUERY;
  let parts: BacktestSpec[];
  try {
    parts = splitBacktest(spec, maxPartitions);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const runner = new AthenaQueryRunner({ client: clients.athena, pollIntervalMs: deps.pollIntervalMs });
  const { signal, dispose } = interruption(deps.signal);
  try {
    // Athena writes each query's own result and metadata somewhere: beside the extract, never inside it (a workgroup
    // that enforces its own location, like the construct's, overrides this).
    const outputLocation = spec.output.replace(/\/$/, '-query/');
    const start = { workGroup: flags.workgroup, database: spec.database, outputLocation };
    if (flags.createTable) {
      for (const statement of [`CREATE DATABASE IF NOT EXISTS \`${spec.database}\``, createTableSql(spec).replace(/;$/, '')]) {
        const id = await runner.start(statement, { workGroup: flags.workgroup, outputLocation });
        const outcome = await runner.wait(id, { signal });
        if (outcome.state === 'CANCELLED') return stopped(io, outcome);
      }
    }
    if (parts.length > 1) io.stderr.write(`${parts.length} queries, one after the other: Athena reads at most ${maxPartitions} partitions per query\n`);
    const merge = { maxOpenStreams: deps.maxOpenStreams, onSpill: (directory: string, count: number) => io.stderr.write(`${count} files: copied to ${directory} before merging them in time order\n`) };
    let scanned = 0;
    let stoppedBy: QueryProgress | null = null;
    let failed: AthenaQueryError | null = null;
    /** Runs one part's UNLOAD to its end; null when it was stopped (Ctrl-C). */
    const extract = async (part: BacktestSpec, index: number): Promise<UnloadedFile[] | null> => {
      const queryId = await runner.start(unloadSql(part), start);
      const which = parts.length > 1 ? ` (part ${index + 1} of ${parts.length}: ${dayPartition(part.sinceMs)} to ${dayPartition(part.untilMs - 1)})` : '';
      io.stderr.write(`Athena query ${queryId} in workgroup ${terminalSafe(flags.workgroup)}${which}: extracting ${part.output}\n`);
      const show = progressPrinter(io);
      const outcome = await runner.wait(queryId, { signal, onProgress: show });
      show.done();
      scanned += outcome.bytesScanned;
      if (outcome.state === 'CANCELLED') {
        stoppedBy = outcome;
        return null;
      }
      const files = await listUnloadedFiles(clients.s3, part.output);
      io.stderr.write(`Unloaded ${files.length} file(s), ${formatBytes(files.reduce((sum, file) => sum + file.size, 0))} (gzip)\n`);
      return files;
    };
    // The first part runs before anything else starts (a failing query costs no replay); the others as the replay reads.
    const first = await extract(parts[0]!, 0);
    if (!first) return stopped(io, stoppedBy!);
    async function* partLines(): AsyncGenerator<string> {
      yield* mergedLines(clients.s3, first!, merge);
      for (let index = 1; index < parts.length; index++) {
        let files: UnloadedFile[] | null;
        try {
          files = await extract(parts[index]!, index);
        } catch (error) {
          if (!(error instanceof AthenaQueryError)) throw error;
          failed = error;
          return;
        }
        if (!files) return;
        yield* mergedLines(clients.s3, files, merge);
      }
      // Every query is over: Ctrl-C is the replay's (and Node's) again.
      dispose();
    }
    if (parts.length === 1) dispose();
    let status: number;
    if (flags.out) {
      const path = join(flags.out, `extract-${runId}.jsonl.gz`);
      const count = await writeMergedLines(partLines(), path);
      io.stderr.write(`Wrote ${count} record(s) in event-time order to ${path}: replay them with "denial-alerter replay ${shellWord(flags.out)}"\n`);
      status = 0;
    } else {
      const lines = Readable.from(
        (async function* () {
          for await (const line of partLines()) yield `${line}\n`;
        })(),
      );
      const replay = deps.replay ?? missingReplay;
      status = await replay([...replayArgsWith(replayArgs, spec), '-'], { ...io, stdin: lines });
    }
    if (parts.length > 1) io.stderr.write(`Athena scanned ${formatBytes(scanned)} in ${parts.length} queries, ~${formatUsd(estimatedQueryCostUsd(scanned))}\n`);
    if (failed) throw failed;
    if (stoppedBy) return stopped(io, stoppedBy);
    return status;
  } catch (error) {
    if (error instanceof AthenaQueryError) {
      io.stderr.write(`denial-alerter athena run: ${terminalSafe(error.message)}\n`);
      return 1;
    }
    throw error;
  } finally {
    dispose();
  }
}

/** The replay's flags: the user's, plus the extra error codes the query kept (so the replay counts them too). */
function replayArgsWith(replayArgs: readonly string[], spec: BacktestSpec): string[] {
  const args = [...replayArgs];
  if (spec.extraErrorCodes.length > 0 && !args.some((arg) => arg.startsWith('--extra-error-codes'))) args.push('--extra-error-codes', spec.extraErrorCodes.join(','));
  // A back-test keeps nothing unless told where to: the in-process store (no Java), unless a table is named.
  if (!args.some((arg) => /^--(table|endpoint|data-dir|fresh|in-memory)(=|$)/.test(arg))) args.push('--in-memory');
  return args;
}

function stopped(io: CliIo, outcome: QueryProgress): number {
  io.stderr.write(`Stopped: Athena query ${outcome.queryExecutionId} ${outcome.state} after ${formatBytes(outcome.bytesScanned)} scanned (${formatUsd(estimatedQueryCostUsd(outcome.bytesScanned))})\n`);
  return 130;
}

/** Ctrl-C (SIGINT) aborts while the query runs; a caller's signal does too. `dispose` gives Ctrl-C back (idempotent). */
function interruption(external?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (external) external.addEventListener('abort', abort, { once: true });
  else process.once('SIGINT', abort);
  return {
    signal: controller.signal,
    dispose() {
      external?.removeEventListener('abort', abort);
      process.removeListener('SIGINT', abort);
    },
  };
}

/** One status line: rewritten in place on a terminal, printed on each state change otherwise. */
function progressPrinter(io: CliIo): ((progress: QueryProgress) => void) & { done(): void } {
  const terminal = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  let lastState = '';
  let lastLine = '';
  const show = (progress: QueryProgress) => {
    const line = `  ${progress.state.padEnd(9)} ${formatBytes(progress.bytesScanned)} scanned, ~${formatUsd(estimatedQueryCostUsd(progress.bytesScanned))}, ${Math.round(progress.executionMs / 1000)}s`;
    lastLine = line;
    if (terminal) io.stderr.write(`\r\u001b[2K${line}`);
    else if (progress.state !== lastState) io.stderr.write(`${line}\n`);
    lastState = progress.state;
  };
  return Object.assign(show, {
    done() {
      if (terminal && lastLine) io.stderr.write('\n');
    },
  });
}

/** SDK clients from the environment: AWS_REGION, credentials, and AWS_ENDPOINT_URL_ATHENA / _S3 / _ORGANIZATIONS. */
function clientsOf(env: NodeJS.ProcessEnv, deps: AthenaCommandDeps): { athena: AthenaClient; s3: S3Client; organizations: OrganizationsClient } {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
      : undefined;
  const base = { region, credentials };
  const endpoint = (service: string) => env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return {
    athena: deps.athena ?? new AthenaClient({ ...base, endpoint: endpoint('ATHENA') }),
    s3: deps.s3 ?? new S3Client({ ...base, endpoint: endpoint('S3'), forcePathStyle: Boolean(endpoint('S3')) }),
    // Organizations answers in one Region of each partition (us-east-1, us-gov-west-1, cn-northwest-1).
    organizations:
      deps.organizations ??
      new OrganizationsClient({ ...base, region: endpoint('ORGANIZATIONS') ? region : partitionOf({ region }).organizationsRegion, endpoint: endpoint('ORGANIZATIONS') }),
  };
}

/** Without a replay runner (one is given by `main.ts`), `athena run` cannot replay what it extracted. */
async function missingReplay(): Promise<number> {
  throw new Error('athena run was registered without a replay runner');
}
