/**
 * `denial-alerter replay PATH ...`: the command line of a replay. Validates everything (flags, settings, input paths,
 * policy directory, notifier) before the pipeline in `replay.ts` starts Java or touches a table.
 */
import { Option, type Command } from 'commander';
import { realpath, rename } from 'node:fs/promises';
import { resolveSettings, SettingsError, type Settings, type SuppressionRule } from '../core/config.js';
import { loadPolicyDirectory, type PolicyDirectory } from '../io/policy-directory.js';
import { type CliContext, optionsFromParseArgs, threadsOption, threadsValue, UsageError, valuesByFlagName, wholeNumber } from './command-kit.js';
import { bothObservers, PACKAGE_VERSION, startFindingFiles } from './finding-files.js';
import { checkInputPaths } from './input-paths.js';
import { replayPipeline, type ReplayObserver } from '../replay/pipeline.js';
import { createReplayNotifier, NOTIFY_HELP, NOTIFY_OPTIONS } from '../replay/notifier.js';
import { readSettingsFile } from '../replay/settings-file.js';
import { STORE_HELP, STORE_OPTIONS, storeTargetOf } from '../replay/store-connection.js';
import { SLACK_APP_REPLAY_FLAGS, withReplaySlackApp } from './replay-slack-app.js';

const REPLAY_DESCRIPTION =
  'Runs the same pipeline as the deployed Lambda (classification, spike detection, DynamoDB history and alert state) over CloudTrail files and directories, ' +
  'prints each alert as it fires and a summary at the end. Every shape "explain" reads is accepted (S3 log files, .gz, JSON arrays, JSON lines, ' +
  'EventBridge events, directories, and the dead-letter file of an earlier replay). Event time decides windows, so a replay alerts as live traffic did. ' +
  'Events already stored are skipped, so replaying the same files twice alerts only the first time.';

const REPLAY_AFTER = `Without --endpoint or --table, an embedded DynamoDB Local is started (it needs Java) and stopped at the end,
its data kept in .denial-alerter/dynamodb (or --data-dir) so that "history" and later replays see it.
Exit status: 0 when everything was read and stored, 1 when some input was unreadable or the run stopped early
(what was not stored is in the dead-letter file: replay it), 2 on a usage error (checked before anything starts).`;

const GROUPS = { output: 'Output:', rules: 'Spike rules (defaults in brackets; also from --settings FILE):', notify: 'Sending alerts:', store: 'Where data is kept:' } as const;

/** The parsed flags of `replay` (commander's camelCase names). */
type ReplayFlags = Record<string, unknown> & {
  json?: boolean;
  progress: boolean;
  batchSize: string;
  deadLetter: string;
  report?: string;
  asff?: string;
  ocsf?: string;
  settings?: string;
  policies?: string;
  suppress?: string[];
  fresh?: boolean;
  threads?: string;
};

/** Adds `replay` to the program. */
export function registerReplayCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('replay')
    .summary('run the whole pipeline (spike detection, DynamoDB, alerts) over CloudTrail files')
    .description(REPLAY_DESCRIPTION)
    .argument('<paths...>', 'files, directories, or - for standard input');
  command.optionsGroup(GROUPS.output);
  command
    .option('--json', 'JSON lines: {"type":"alert",...} per alert, then {"type":"summary",...}')
    .option('--no-progress', 'no progress bar (shown on a terminal only, on stderr)')
    .option('--batch-size <n>', 'denials and changes per batch, as the Lambda receives them from SQS (other records are counted and skipped, as the rules skip them)', '500')
    .option('--dead-letter <file>', 'where unreadable records, records not stored and undelivered alerts are kept for a later replay', 'denial-alerter-dead-letter.jsonl')
    .option('--report <file.html>', 'also write a self-contained HTML report: denials per minute per top fingerprint, alerts marked, summary table')
    .option('--asff <file>', 'also write the alerts as AWS Security Hub findings (ASFF), one JSON object per line')
    .option('--ocsf <file>', 'also write the alerts as OCSF 1.1.0 Detection Findings, one JSON object per line')
    .addOption(threadsOption());
  command.optionsGroup(GROUPS.rules);
  command
    .option('--threshold <n>', 'denials of one fingerprint within the window that alert [5]')
    .option('--window-minutes <n>', 'sliding window [5]')
    .option('--cooldown-minutes <n>', 'quiet period after an alert [60]')
    .option('--escalation-factor <n>', "during cooldown, alert again at N x the last alert's count [10]")
    .option('--baseline-multiple <n>', "alert only above N x the fingerprint's usual count per window [3]")
    .option('--alert-on-first-seen', 'alert on the first denial of a fingerprint never seen before')
    .option('--history-days <n>', 'days history items are kept (DynamoDB TTL) [90]')
    .option('--suppress <rule>', 'a suppression, repeatable: name=ci-probe,principal=*role/ci*,action=s3:List* (fields: principal, action, eventSource, sourceIp, userAgent; * and ? wildcards)', (value: string, previous: string[] = []) => [...previous, value])
    .addOption(new Option('--no-built-in-suppressions', 'alert on well-known AWS-internal noise too'))
    .option('--extra-error-codes <list>', 'comma-separated errorCodes to count as denials (e.g. AuthorizationError)')
    .option('--settings <file>', 'JSON settings file (flags win over it)')
    .option('--policies <dir>', "evaluate each alert's denial against policy documents on disk (layout: docs/policies.md)");
  for (const option of optionsFromParseArgs(NOTIFY_OPTIONS, NOTIFY_HELP, GROUPS.notify)) command.addOption(option);
  for (const [flag, help] of Object.values(SLACK_APP_REPLAY_FLAGS)) command.addOption(new Option(flag, help).helpGroup(GROUPS.notify));
  for (const option of optionsFromParseArgs(STORE_OPTIONS, STORE_HELP, GROUPS.store)) command.addOption(option);
  command.addOption(new Option('--fresh', 'empty the embedded emulator\'s data directory first (what npm start does with its own directory)').helpGroup(GROUPS.store));
  command.addHelpText('after', `\n${REPLAY_AFTER}`);
  command.action(async (paths: string[], flags: ReplayFlags) => {
    const { io, env } = context;
    const batchSize = wholeNumber('--batch-size', flags.batchSize, 1, 10_000);
    const threads = threadsValue(flags.threads);
    let settings: Settings;
    try {
      settings = settingsFromFlags(flagNames(flags), flags.settings ? readSettingsFile(flags.settings) : {});
    } catch (error) {
      if (error instanceof SettingsError) throw new UsageError(error.message);
      throw error;
    }
    if (flags.report !== undefined && !/\.html?$/i.test(flags.report)) throw new UsageError(`--report writes an HTML page: give a file ending in .html, got "${flags.report}"`);
    const store = { ...storeTargetOf(valuesByFlagName(STORE_OPTIONS, flags), env), fresh: Boolean(flags.fresh) };
    if (store.fresh && (store.endpoint || store.table || store.inMemory)) throw new UsageError('--fresh empties the embedded emulator\'s data directory: it does not go with --endpoint, --table or --in-memory');
    await checkInputPaths(paths);
    let policies: PolicyDirectory | null = null;
    try {
      policies = flags.policies ? loadPolicyDirectory(flags.policies) : null;
    } catch (error) {
      throw new UsageError(`--policies: ${(error as Error).message}`);
    }
    let notifier;
    try {
      notifier = createReplayNotifier(valuesByFlagName(NOTIFY_OPTIONS, flags), env, settings);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    notifier = await withReplaySlackApp(notifier, flags as { slackChannel?: string; slackApiUrl?: string }, env);
    const report = flags.report ? await startReport(flags.report, settings) : null;
    const findings = startFindingFiles({ asff: flags.asff, ocsf: flags.ocsf }, settings, PACKAGE_VERSION);
    const inputs = await setAsideDeadLetterInput(paths, flags.deadLetter, (line) => io.stderr.write(`${line}\n`));
    context.status = await replayPipeline(
      {
        paths: inputs,
        settings,
        batchSize,
        deadLetter: flags.deadLetter,
        json: Boolean(flags.json),
        progress: flags.progress,
        store,
        notifier,
        policies,
        threads,
        observer: bothObservers(report?.observer, findings?.observer),
      },
      io,
    );
    if (findings) {
      const written = await findings.close();
      io.stderr.write(`Findings written: ${written.asff} ASFF, ${written.ocsf} OCSF${written.skipped ? ` (${written.skipped} alerts without an account id have no ASFF finding)` : ''}\n`);
    }
    if (report) {
      await report.write();
      io.stderr.write(`Report written to ${flags.report}\n`);
    }
  });
  return command;
}

/**
 * Replaying the dead-letter file itself (what its help says to do): the file is renamed first and read from there, so
 * that what fails again goes to a fresh dead-letter file instead of the one being read. Returns the paths to read.
 */
export async function setAsideDeadLetterInput(paths: readonly string[], deadLetter: string, say: (line: string) => void): Promise<string[]> {
  const target = await realpath(deadLetter).catch(() => null);
  if (!target) return [...paths];
  return Promise.all(
    paths.map(async (path) => {
      if (path === '-' || (await realpath(path).catch(() => null)) !== target) return path;
      const aside = target.replace(/(\.jsonl)?$/, `.${new Date().toISOString().replace(/[:.]/g, '-')}$1`);
      await rename(target, aside);
      say(`Replaying the dead-letter file: read from ${aside}; what fails again goes to a new ${deadLetter}`);
      return aside;
    }),
  );
}

/** The HTML report's collector, loaded only when asked for. */
async function startReport(file: string, settings: Settings): Promise<{ observer: ReplayObserver; write(): Promise<void> }> {
  const { createReportCollector } = await import('../report/collector.js');
  const { writeReport } = await import('../report/html.js');
  const collector = createReportCollector(settings);
  return { observer: collector, write: () => writeReport(file, collector.result()) };
}

/** Commander's camelCase values back under their flag names, as {@link settingsFromFlags} reads them. */
function flagNames(flags: ReplayFlags): Record<string, unknown> {
  return {
    threshold: flags.threshold,
    'window-minutes': flags.windowMinutes,
    'cooldown-minutes': flags.cooldownMinutes,
    'escalation-factor': flags.escalationFactor,
    'baseline-multiple': flags.baselineMultiple,
    'history-days': flags.historyDays,
    'alert-on-first-seen': flags.alertOnFirstSeen,
    'no-built-in-suppressions': flags.builtInSuppressions === false,
    'extra-error-codes': flags.extraErrorCodes,
    suppress: flags.suppress,
  };
}

const NUMBER_FLAGS: Record<string, keyof Settings> = {
  threshold: 'threshold',
  'window-minutes': 'windowMinutes',
  'cooldown-minutes': 'cooldownMinutes',
  'escalation-factor': 'escalationFactor',
  'baseline-multiple': 'baselineMultiple',
  'history-days': 'historyDays',
};

/** Settings from flags (keyed by flag name) over a settings file over the defaults. */
export function settingsFromFlags(values: Record<string, unknown>, fromFile: Partial<Record<keyof Settings, unknown>>): Settings {
  const input: Partial<Record<keyof Settings, unknown>> = { ...fromFile };
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new SettingsError(`--${flag} must be a number, got "${String(raw)}"`);
    input[key] = value;
  }
  if (values['alert-on-first-seen'] !== undefined) input.alertOnFirstSeen = values['alert-on-first-seen'];
  if (values['no-built-in-suppressions']) input.builtInSuppressions = false;
  if (typeof values['extra-error-codes'] === 'string') {
    input.extraErrorCodes = values['extra-error-codes'].split(',').map((code) => code.trim()).filter(Boolean);
  }
  const rules = (values.suppress as string[] | undefined) ?? [];
  if (rules.length > 0) input.suppressions = [...((fromFile.suppressions as SuppressionRule[] | undefined) ?? []), ...rules.map(parseSuppressionFlag)];
  return resolveSettings(input);
}

/** Parses `name=x,principal=…,action=…` into a suppression rule. */
export function parseSuppressionFlag(flag: string): SuppressionRule {
  const rule: Record<string, string> = {};
  for (const part of flag.split(',')) {
    const equals = part.indexOf('=');
    if (equals <= 0) throw new SettingsError(`--suppress "${flag}": expected field=pattern pairs separated by commas`);
    rule[part.slice(0, equals).trim()] = part.slice(equals + 1).trim();
  }
  rule.name ??= flag;
  return rule as unknown as SuppressionRule;
}
