/**
 * `denial-alerter replay PATH...`: runs the Lambda's pipeline (the same spike engine) over CloudTrail files, against
 * an embedded DynamoDB Local or a real table, printing alerts as they fire and a summary.
 */
import { appendFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { AlertSummary } from '../core/alert.js';
import { resolveSettings, SettingsError, type Settings, type SuppressionRule } from '../core/config.js';
import type { CloudTrailRecord } from '../core/types.js';
import { createSpikeEngine, type BatchStats } from '../engine/spike-engine.js';
import { StoreError } from '../engine/denial-store.js';
import { readRecords, totalInputBytes, type InputItem } from '../io/read-records.js';
import { renderAlertText } from '../core/render/text.js';
import { loadPolicyDirectory } from '../io/policy-directory.js';
import { diagnose } from '../core/iam-policy/diagnose.js';
import { writeLine } from './output.js';
import { createProgress } from './progress.js';
import { connectStore, STORE_HELP, STORE_OPTIONS, storeTargetOf } from './store-connection.js';
import { readSettingsFile } from './settings-file.js';
import { createReplayNotifier, NOTIFY_HELP, NOTIFY_OPTIONS, type ReplayNotifier } from './replay-notifier.js';

export const REPLAY_HELP = `Usage: denial-alerter replay [options] PATH ...

Runs the same pipeline as the deployed Lambda (classification, spike detection, DynamoDB history and alert state)
over CloudTrail files and directories, prints each alert as it fires and a summary at the end. Every shape
"explain" reads is accepted (S3 log files, .gz, JSON arrays, JSON lines, EventBridge events, directories).
Event time decides windows, so a replay alerts as live traffic did. Events already stored are skipped, so
replaying the same files twice alerts only the first time.

Output:
  --json                   JSON lines: {"type":"alert",...} per alert, then {"type":"summary",...}
  --no-progress            no progress bar (shown on a terminal only, on stderr)
  --batch-size N           records per batch, as the Lambda receives them from SQS (default 500)
  --dead-letter FILE       where unreadable records and records not stored are kept for a later replay
                           (default denial-alerter-dead-letter.jsonl)

Spike rules (defaults in brackets; all can also come from --settings FILE, a JSON object of the same names):
  --threshold N            denials of one fingerprint within the window that alert [5]
  --window-minutes N       sliding window [5]
  --cooldown-minutes N     quiet period after an alert [60]
  --escalation-factor N    during cooldown, alert again at N x the last alert's count [10]
  --baseline-multiple N    alert only above N x the fingerprint's usual count per window [3]
  --alert-on-first-seen    alert on the first denial of a fingerprint never seen before
  --history-days N         days history items are kept (DynamoDB TTL) [90]
  --suppress RULE          a suppression, repeatable: name=ci-probe,principal=*role/ci*,action=s3:List*
                           (fields: principal, action, eventSource, sourceIp, userAgent; * and ? wildcards)
  --no-built-in-suppressions   alert on well-known AWS-internal noise too
  --extra-error-codes LIST comma-separated errorCodes to count as denials (e.g. AuthorizationError)
  --settings FILE          JSON settings file (flags win over it)
  --policies DIR           evaluate each alert's denial against policy documents on disk: the alert names the
                           denying statement or the missing allow, and the fix (layout: docs/policies.md)

${NOTIFY_HELP}

${STORE_HELP}

Exit status: 0 when everything was read and stored, 1 when some input was unreadable or the run stopped early
(what was not stored is in the dead-letter file: replay it), 2 on a usage error.`;

type Io = { stdin: Readable; stdout: Writable; stderr: Writable; env?: NodeJS.ProcessEnv; now?: () => number };

/** Totals of a replay; the `--json` summary line. */
export interface ReplaySummary {
  type: 'summary';
  records: number;
  denials: number;
  fingerprints: number;
  alerts: number;
  suppressed: number;
  duplicates: number;
  unreadable: number;
  notStored: number;
  dynamodbRequests: number;
  deliveryFailures: number;
  seconds: number;
}

/** Runs `replay`; returns the exit status. */
export async function runReplay(argv: string[], io: Io): Promise<number> {
  const env = io.env ?? process.env;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'no-progress': { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '500' },
      'dead-letter': { type: 'string', default: 'denial-alerter-dead-letter.jsonl' },
      threshold: { type: 'string' },
      'window-minutes': { type: 'string' },
      'cooldown-minutes': { type: 'string' },
      'escalation-factor': { type: 'string' },
      'baseline-multiple': { type: 'string' },
      'alert-on-first-seen': { type: 'boolean' },
      'history-days': { type: 'string' },
      suppress: { type: 'string', multiple: true },
      'no-built-in-suppressions': { type: 'boolean', default: false },
      'extra-error-codes': { type: 'string' },
      settings: { type: 'string' },
      policies: { type: 'string' },
      ...NOTIFY_OPTIONS,
      ...STORE_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${REPLAY_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) {
    io.stderr.write('denial-alerter replay: give at least one PATH (a file, a directory, or - for standard input)\n');
    return 2;
  }
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    io.stderr.write('denial-alerter replay: --batch-size must be a whole number from 1 to 10000\n');
    return 2;
  }
  let settings: Settings;
  try {
    settings = settingsFromFlags(values, values.settings ? readSettingsFile(values.settings) : {});
  } catch (error) {
    if (error instanceof SettingsError) {
      io.stderr.write(`denial-alerter replay: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const notifier = createReplayNotifier(values, env);
  const policies = values.policies ? loadPolicyDirectory(values.policies) : null;
  const now = io.now ?? Date.now;
  const started = now();
  const connection = await connectStore(storeTargetOf(values, env));
  const showProgress = !values['no-progress'] && Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const progress = createProgress(io.stderr, showProgress, await totalInputBytes(positionals));
  if (!values.json) io.stderr.write(`Replaying into ${connection.description}\n`);
  const deadLetter = values['dead-letter'];
  const totals = { records: 0, denials: 0, alerts: 0, suppressed: 0, duplicates: 0, unreadable: 0, notStored: 0, deliveryFailures: 0 };
  const fingerprints = new Set<string>();
  const engine = createSpikeEngine({
    store: connection.store,
    settings,
    now,
    diagnose: policies ? (denial) => diagnose(denial, policies.policySetFor(denial), policies.principalTagsFor(denial)) : undefined,
  });
  let batch: Array<{ record: CloudTrailRecord; item: InputItem }> = [];
  let stopped: Error | null = null;

  const printAlert = async (alert: AlertSummary) => {
    await writeLine(io.stdout, values.json ? JSON.stringify({ type: 'alert', ...alert }) : renderAlertText(alert));
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    let result: { alerts: AlertSummary[]; stats: BatchStats };
    try {
      result = await engine.processBatch(current.map((entry) => entry.record));
    } catch (error) {
      totals.notStored += current.length;
      for (const entry of current) keep(deadLetter, { reason: 'not-stored', error: (error as Error).message, ...entry.item.location, record: entry.record });
      throw error;
    }
    const { stats, alerts } = result;
    totals.denials += stats.denials;
    totals.suppressed += stats.suppressed;
    totals.duplicates += stats.duplicates;
    totals.alerts += alerts.length;
    for (const fingerprint of stats.fingerprints) fingerprints.add(fingerprint);
    progress.clear();
    for (const alert of alerts) await printAlert(alert);
    const failures = await notifier.publish(alerts);
    totals.deliveryFailures += failures.length;
    for (const failure of failures) {
      keep(deadLetter, { reason: 'delivery-failed', channel: failure.channel, error: failure.error, alert: failure.alert });
      io.stderr.write(`denial-alerter replay: ${failure.channel} delivery failed for ${failure.alert.fingerprint}: ${failure.error} (kept in ${deadLetter})\n`);
    }
  };

  try {
    for await (const item of readRecords(positionals, io.stdin, (bytes) => progress.addBytes(bytes))) {
      if (item.kind === 'error') {
        totals.unreadable++;
        keep(deadLetter, { reason: 'unreadable', error: item.error, ...item.location, raw: item.raw });
        progress.clear();
        if (totals.unreadable <= 10) io.stderr.write(`denial-alerter replay: ${item.location.source}:${item.location.line}: ${item.error}\n`);
        if (totals.unreadable === 11) io.stderr.write(`denial-alerter replay: more unreadable items are counted and kept in ${deadLetter}\n`);
        continue;
      }
      totals.records++;
      batch.push({ record: item.record as CloudTrailRecord, item });
      if (batch.length >= batchSize) await flush();
      progress.update({ records: totals.records, denials: totals.denials, alerts: totals.alerts });
    }
    await flush();
  } catch (error) {
    stopped = error as Error;
  } finally {
    progress.clear();
    await connection.close();
  }
  const summary: ReplaySummary = {
    type: 'summary',
    ...totals,
    fingerprints: fingerprints.size,
    dynamodbRequests: connection.store.requestCount,
    seconds: Math.round((now() - started) / 100) / 10,
  };
  if (values.json) await writeLine(io.stdout, JSON.stringify(summary));
  else io.stdout.write(renderSummary(summary));
  if (stopped) {
    const detail = stopped instanceof StoreError ? 'the table stopped answering' : 'an error';
    io.stderr.write(
      `denial-alerter replay: stopped early by ${detail}: ${stopped.message}\n` +
        `  ${totals.notStored} record(s) of the failing batch are kept in ${deadLetter}; records after them were not read.\n` +
        '  Run the same replay again when the table is back: events already stored are skipped.\n',
    );
  }
  if (totals.unreadable > 0) io.stderr.write(`denial-alerter replay: ${totals.unreadable} unreadable item(s) kept in ${deadLetter}\n`);
  return stopped || totals.unreadable > 0 || totals.deliveryFailures > 0 ? 1 : 0;
}

function renderSummary(summary: ReplaySummary): string {
  const rate = summary.seconds > 0 ? Math.round(summary.records / summary.seconds) : summary.records;
  return [
    '',
    'Summary',
    `  records       ${summary.records} (${rate}/s)`,
    `  denials       ${summary.denials}`,
    `  fingerprints  ${summary.fingerprints}`,
    `  alerts        ${summary.alerts}`,
    `  suppressed    ${summary.suppressed}`,
    `  duplicates    ${summary.duplicates} (already stored, skipped)`,
    `  unreadable    ${summary.unreadable}`,
    ...(summary.notStored > 0 ? [`  not stored    ${summary.notStored}`] : []),
    ...(summary.deliveryFailures > 0 ? [`  undelivered   ${summary.deliveryFailures}`] : []),
    `  DynamoDB requests ${summary.dynamodbRequests}`,
    `  time          ${summary.seconds}s`,
    '',
  ].join('\n');
}

function keep(file: string, entry: Record<string, unknown>): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

const NUMBER_FLAGS: Record<string, keyof Settings> = {
  threshold: 'threshold',
  'window-minutes': 'windowMinutes',
  'cooldown-minutes': 'cooldownMinutes',
  'escalation-factor': 'escalationFactor',
  'baseline-multiple': 'baselineMultiple',
  'history-days': 'historyDays',
};

/** Settings from flags over a settings file over the defaults. */
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

export type { ReplayNotifier };
