/**
 * The replay pipeline: runs the Lambda's pipeline (the same spike engine) over CloudTrail files, against an embedded
 * DynamoDB Local or a real table, printing alerts as they fire and a summary. Argument handling is in
 * `cli/replay-command.ts`; this file only runs validated `ReplayOptions`.
 */
import { neverBlindHooks } from '../engine/never-blind.js';
import { appendFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { AlertSummary } from '../core/alert.js';
import type { Settings } from '../core/config.js';
import type { CloudTrailRecord } from '../core/types.js';
import { createSpikeEngine, type BatchResult } from '../engine/spike-engine.js';
import { createAlertOutbox } from '../engine/outbox.js';
import { StoreError } from '../engine/denial-store.js';
import { totalInputBytes, type InputItem } from '../io/read-records.js';
import { readerThreads, readStaged } from '../parallel/staged-read.js';
import { createCandidateStage, type CandidateBatch } from './candidate-stage.js';
import { alertJson } from '../core/render/json.js';
import { renderAlertText } from '../core/render/text.js';
import type { PolicyDirectory } from '../io/policy-directory.js';
import { diagnose } from '../core/iam-policy/diagnose.js';
import { writeLine } from '../terminal/output.js';
import { createProgress } from '../terminal/progress.js';
import { colourEnabled, styleFor, terminalSafe, type Style } from '../terminal/style.js';
import type { StoreTarget } from './store-connection.js';
import { collectIfLarge } from './heap-bound.js';
import { openReplayStores } from './replay-stores.js';
import { eventTimeRange, widenStoredRange } from './stored-range.js';
import type { ReplayNotifier } from './notifier.js';
import { replayPublisher } from './slack-app.js';
import { whatChangedHooks } from '../engine/enrichers/changes.js';
import { createTriageEnricher } from '../engine/enrichers/triage.js';
import { TRIAGE_HISTORY } from '../core/triage/history.js';
import { earlyClassifier } from './early-classifier.js';

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

/** What a replay needs, already validated: built from the command line by `replay-command.ts`. */
export interface ReplayOptions {
  /** Files, directories, or `-` for standard input. */
  paths: readonly string[];
  settings: Settings;
  /** Records per engine batch (1..10000). */
  batchSize: number;
  /** Where unreadable records, records not stored and undelivered alerts are appended. */
  deadLetter: string;
  /** JSON lines instead of text. */
  json: boolean;
  /** Progress bar on a terminal (stderr). */
  progress: boolean;
  store: StoreTarget;
  notifier: ReplayNotifier;
  policies: PolicyDirectory | null;
  /** Reader threads (`--threads`); undefined: chosen by input size (lambdas/parallel/staged-read.ts). */
  threads?: number;
  /** Sees every batch of records and every alert (the HTML report). */
  observer?: ReplayObserver;
}

/** Hears what a replay reads and what it alerts, in order. */
export interface ReplayObserver {
  records(records: readonly CloudTrailRecord[]): void;
  alerts(alerts: readonly AlertSummary[]): void;
  /** The totals, once at the end. */
  summary(summary: ReplaySummary): void;
}

/** Standard streams (and, for tests, environment and clock). */
export type ReplayIo = { stdin: Readable; stdout: Writable; stderr: Writable; env?: NodeJS.ProcessEnv; now?: () => number };

/** Runs the pipeline over the inputs: prints alerts as they fire and the summary; returns the exit status. */
export async function replayPipeline(options: ReplayOptions, io: ReplayIo): Promise<number> {
  const { settings, batchSize, notifier, policies } = options;
  const now = io.now ?? Date.now;
  const started = now();
  // The embedded emulator starts (a JVM: seconds) while the input is read (up to READ_AHEAD_CANDIDATES denials and changes).
  const connecting = openReplayStores(options.store, (line) => io.stderr.write(`${line}\n`));
  connecting.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
  const showProgress = options.progress && Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const inputBytes = await totalInputBytes(options.paths);
  const progress = createProgress(io.stderr, showProgress, inputBytes);
  const deadLetter = options.deadLetter;
  const totals = { records: 0, denials: 0, alerts: 0, suppressed: 0, duplicates: 0, unreadable: 0, notStored: 0, deliveryFailures: 0 };
  const fingerprints = new Set<string>();
  const onWarning = (warning: string) => {
    progress.clear();
    io.stderr.write(`denial-alerter replay: ${warning}\n`);
  };
  const replayedTimes = eventTimeRange();
  /** What was read: errors and the records a rule could deliver (candidate-stage.ts), counted. */
  const counted = (batch: CandidateBatch): InputItem[] => {
    totals.records += batch.records;
    if (batch.oldestMs !== null) replayedTimes.see(batch.oldestMs);
    if (batch.newestMs !== null) replayedTimes.see(batch.newestMs);
    progress.update({ records: totals.records, denials: totals.denials, alerts: totals.alerts });
    return batch.items;
  };
  // Records come in arrays (a log file's, or the JSON lines of one chunk): one await per array, not per record. A
  // large input is read, parsed and sifted on reader threads, and only the records a rule could deliver reach this one.
  const threads = await readerThreads(options.paths, options.threads, inputBytes);
  const candidates = { name: 'rule-candidates' as const, options: null, create: createCandidateStage };
  const reader = readStaged(options.paths, io.stdin, { threads, onBytes: (bytes) => progress.addBytes(bytes), onWarning, exclude: [options.deadLetter] }, candidates)[Symbol.asyncIterator]();
  const readAhead: InputItem[] = [];
  let readAheadError: unknown = null;
  let unfinishedRead: Promise<IteratorResult<CandidateBatch>> | null = null;
  try {
    unfinishedRead = (await readAheadUntil(connecting, reader, readAhead, Math.max(batchSize, READ_AHEAD_CANDIDATES), counted)).unfinished;
  } catch (error) {
    readAheadError = error;
  }
  const connection = await connecting;
  if (!options.json) io.stderr.write(`Replaying into ${connection.description}\n`);
  const { store, changeStore } = connection;
  const whatChanged = whatChangedHooks(changeStore, settings);
  const neverBlind = neverBlindHooks(store, settings, { canaries: connection.canaries });
  const ownRoleNoticesShown = new Set<string>();
  const classifier = earlyClassifier(new Set(settings.extraErrorCodes));
  const engine = createSpikeEngine({
    store,
    settings,
    now,
    classify: classifier.classify,
    diagnose: policies ? (denial) => diagnose(denial, policies.policySetFor(denial), policies.principalTagsFor(denial)) : undefined,
    ...neverBlind,
    observers: [...whatChanged.observers, ...neverBlind.observers],
    // As in the Lambda: changes, then triage (history signals stay silent until the table holds 7 days of the account).
    enrichers: [...whatChanged.enrichers, createTriageEnricher({ store })],
    // The alerter's own roles named in the settings: one operations notice per role, account and action per run.
    ownRoles: settings.ownRoles,
    onOwnRoleDenial: (notice) => {
      if (ownRoleNoticesShown.has(notice.key)) return;
      ownRoleNoticesShown.add(notice.key);
      io.stderr.write(`Operations notice: ${terminalSafe(notice.message)}\n`);
    },
  });
  // Alerts go out from the outbox, as in the Lambda: what a run could not deliver is published by the next one.
  const outbox = createAlertOutbox({
    store,
    publisher: replayPublisher(notifier, connection),
    deadLetter: async (_kind, body) => keep(deadLetter, { reason: 'delivery-failed', ...body }),
    enrich: (record, nowMs) => engine.enrich(record, nowMs),
    now: Date.now,
  });
  /**
   * Bounds an in-process run's memory: once event time has moved on an hour, counters a day older, history older
   * than triage's look-back and changes older than the change look-back and a day are dropped (no later decision
   * reads them; see `MemoryDenialStore.forgetBefore`).
   */
  let forgottenAt = 0;
  let newestMs = 0;
  const forgetClosed = (entries: ReadonlyArray<{ record: CloudTrailRecord }>) => {
    // A forged future time must not empty the store: times beyond a day from now are not followed.
    const horizon = now() + 86_400_000;
    for (const { record } of entries) {
      const ms = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
      if (ms > newestMs && ms <= horizon) newestMs = ms;
    }
    if (!connection.forgetBefore || newestMs - forgottenAt < FORGET_EVERY_MS) return;
    forgottenAt = newestMs;
    connection.forgetBefore(Math.floor((newestMs - KEEP_COUNTERS_MS) / 60_000), newestMs - KEEP_HISTORY_MS, newestMs - (settings.changeLookbackHours * 3_600_000 + KEEP_COUNTERS_MS));
  };
  let batch: Array<{ record: CloudTrailRecord; item: InputItem }> = [];
  let stopped: Error | null = null;

  const alertColour = colourEnabled(io.stdout, io.env ?? process.env);
  const printAlert = async (alert: AlertSummary) => {
    await writeLine(io.stdout, options.json ? JSON.stringify({ type: 'alert', ...alertJson(alert) }) : renderAlertText(alert, { color: alertColour }));
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    let result: BatchResult;
    try {
      const records = current.map((entry) => entry.record);
      options.observer?.records(records);
      result = await engine.processBatch(records);
    } catch (error) {
      totals.notStored += current.length;
      for (const entry of current) keep(deadLetter, { reason: 'not-stored', error: (error as Error).message, ...entry.item.location, record: entry.record });
      throw error;
    }
    const { stats, alerts } = result;
    if (connection.forgetBefore) {
      forgetClosed(current);
      collectIfLarge();
    }
    totals.denials += stats.denials;
    totals.suppressed += stats.suppressed;
    totals.duplicates += stats.duplicates;
    totals.alerts += alerts.length;
    options.observer?.alerts(alerts);
    for (const fingerprint of stats.fingerprints) fingerprints.add(fingerprint);
    progress.clear();
    for (const alert of alerts) await printAlert(alert);
    for (const poison of result.rejected) {
      totals.unreadable++;
      keep(deadLetter, { reason: 'unreadable', error: poison.error, ...current[poison.index]!.item.location, record: poison.record });
    }
    // The outbox hands out a page of pending alerts at a time: a batch may raise thousands (a large --batch-size), so
    // pages are delivered until none is left (or none can be leased), instead of one page per batch, which left the
    // rest pending to the end of the run (and held in memory in process).
    const deadlineMs = Date.now() + REPLAY_DELIVERY_DEADLINE_MS;
    for (let page = await outbox.deliverPending({ deadlineMs }); ; page = await outbox.deliverPending({ deadlineMs })) {
      totals.deliveryFailures += page.failures.length;
      for (const failure of page.failures) {
        io.stderr.write(`denial-alerter replay: ${failure.channel} delivery failed for ${failure.alert.fingerprint}: ${failure.error} (kept in ${deadLetter})\n`);
      }
      if (page.attempted === 0 || Date.now() >= deadlineMs) break;
    }
  };

  // One batch is stored while the next is read and classified: at most one in flight, so alerts keep their order.
  let inFlight: Promise<void> = Promise.resolve();
  const flushWhileReading = async () => {
    await inFlight;
    inFlight = flush();
    inFlight.catch(() => undefined); // surfaced by the next await of inFlight
  };

  try {
    if (readAheadError) throw readAheadError;
    for await (const items of continued(readAhead, unfinishedRead, reader, counted)) {
      for (const item of items) {
        if (item.kind === 'error') {
          totals.unreadable++;
          keep(deadLetter, { reason: 'unreadable', error: item.error, ...item.location, raw: item.raw });
          progress.clear();
          if (totals.unreadable <= 10) io.stderr.write(`denial-alerter replay: ${item.location.source}:${item.location.line}: ${item.error}\n`);
          if (totals.unreadable === 11) io.stderr.write(`denial-alerter replay: more unreadable items are counted and kept in ${deadLetter}\n`);
          continue;
        }
        batch.push({ record: item.record as CloudTrailRecord, item });
        classifier.see(item.record as CloudTrailRecord);
        if (batch.length >= batchSize) await flushWhileReading();
      }
      progress.update({ records: totals.records, denials: totals.denials, alerts: totals.alerts });
    }
    await flushWhileReading();
    await inFlight;
  } catch (error) {
    stopped = error as Error;
    // Read while the failing batch was being stored: kept for the next replay too.
    totals.notStored += batch.length;
    for (const entry of batch) keep(deadLetter, { reason: 'not-stored', error: stopped.message, ...entry.item.location, record: entry.record });
    batch = [];
  } finally {
    progress.clear();
    await connection.close();
    const replayed = replayedTimes.range();
    if (connection.dataDir && replayed) widenStoredRange(connection.dataDir, replayed);
  }
  const summary: ReplaySummary = {
    type: 'summary',
    ...totals,
    fingerprints: fingerprints.size,
    dynamodbRequests: store.requestCount + changeStore.requestCount,
    seconds: Math.round((now() - started) / 100) / 10,
  };
  options.observer?.summary(summary);
  if (options.json) await writeLine(io.stdout, JSON.stringify(summary));
  else io.stdout.write(renderSummary(summary, styleFor(io.stdout, io.env ?? process.env)));
  if (stopped) {
    const detail = stopped instanceof StoreError ? 'the table stopped answering' : 'an error';
    io.stderr.write(
      `denial-alerter replay: stopped early by ${detail}: ${stopped.message}\n` +
        `  ${totals.notStored} record(s) of the failing batch are kept in ${deadLetter}; records after them were not read.\n` +
        '  Run the same replay again when the table is back: events already stored are skipped.\n',
    );
  }
  if (totals.unreadable > 0) io.stderr.write(`denial-alerter replay: ${totals.unreadable} unreadable item(s) kept in ${deadLetter}\n`);
  if (!stopped && totals.records === 0 && totals.unreadable === 0) {
    io.stderr.write(`denial-alerter replay: no CloudTrail records in ${options.paths.join(', ')}: nothing was replayed\n`);
    return 1;
  }
  if (!options.json && connection.dataDir) io.stderr.write(`${(await import('./store-connection.js')).historyHint(connection.dataDir)}\n`);
  return stopped || totals.unreadable > 0 || totals.deliveryFailures > 0 ? 1 : 0;
}

function renderSummary(summary: ReplaySummary, style: Style): string {
  const rate = summary.seconds > 0 ? Math.round(summary.records / summary.seconds) : summary.records;
  return [
    '',
    style.bold('Summary'),
    `  records       ${summary.records} (${rate}/s)`,
    `  denials       ${summary.denials}`,
    `  fingerprints  ${summary.fingerprints}`,
    `  alerts        ${summary.alerts > 0 ? style.bold(style.red(String(summary.alerts))) : summary.alerts}`,
    `  suppressed    ${summary.suppressed}`,
    `  duplicates    ${summary.duplicates} (already stored, skipped)`,
    `  unreadable    ${summary.unreadable > 0 ? style.yellow(String(summary.unreadable)) : summary.unreadable}`,
    ...(summary.notStored > 0 ? [`  not stored    ${summary.notStored}`] : []),
    ...(summary.deliveryFailures > 0 ? [`  undelivered   ${summary.deliveryFailures}`] : []),
    `  requests      ${summary.dynamodbRequests} (DynamoDB)`,
    `  time          ${summary.seconds}s`,
    '',
  ].join('\n');
}

/**
 * Reads ahead into `buffer` until `ready` settles or `limit` items are in, so that the embedded emulator's start
 * overlaps reading and classifying instead of preceding it. A slow input (a pipe) never holds the start up: when
 * `ready` settles first, the read still under way is returned, to be consumed first by {@link continued}.
 */
async function readAheadUntil<B, T>(
  ready: Promise<unknown>,
  batches: AsyncIterator<B>,
  buffer: T[],
  limit: number,
  keep: (batch: B) => T[],
): Promise<{ unfinished: Promise<IteratorResult<B>> | null }> {
  const readySignal: Promise<typeof READY> = ready.then(
    () => READY,
    () => READY,
  );
  while (buffer.length < limit) {
    const pending = batches.next();
    const first = await Promise.race([pending, readySignal]);
    // Wrapped: an async function returning a bare promise would wait for it.
    if (first === READY) return { unfinished: pending };
    if (first.done) return { unfinished: null };
    for (const item of keep(first.value)) buffer.push(item);
  }
  return { unfinished: null };
}

const READY = Symbol('ready');

/**
 * What was read ahead (already kept), then the read left under way (if any), then the rest of the same reader, in
 * arrays, each holding what `keep` keeps of a batch read.
 */
async function* continued<B, T>(buffer: T[], unfinished: Promise<IteratorResult<B>> | null, rest: AsyncIterator<B>, keep: (batch: B) => T[]): AsyncGenerator<T[]> {
  yield buffer;
  if (unfinished) {
    const next = await unfinished;
    if (next.done) return;
    yield keep(next.value);
  }
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield keep(next.value);
  }
}

/**
 * Denials and changes read ahead at most while the embedded emulator starts (or one batch, when larger): every other
 * record is counted and dropped as it is read, so the whole input of a typical start is read ahead in little memory.
 */
const READ_AHEAD_CANDIDATES = 20_000;

/** How often (in event time) an in-process run drops what no later decision reads, and what it keeps. */
const FORGET_EVERY_MS = 3_600_000;
/** Counter minutes kept: a day, far beyond any window, for records that arrive late or out of order. */
const KEEP_COUNTERS_MS = 86_400_000;
/** History kept: triage's look-back and a day more. */
const KEEP_HISTORY_MS = (TRIAGE_HISTORY.lookbackDays + 1) * 86_400_000;

/** The most one batch's delivery may take; the notifier's own run budget (`--delivery-budget`) is usually shorter. */
const REPLAY_DELIVERY_DEADLINE_MS = 10 * 60_000;

function keep(file: string, entry: Record<string, unknown>): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

export type { ReplayNotifier };
