/**
 * Engine cost and replay throughput, measured in one run against an embedded DynamoDB Local.
 *
 * - cost: write units, read units and requests per stored denial, from DynamoDB's own `ConsumedCapacity`
 *   (`ReturnConsumedCapacity: INDEXES` on every call), for a mix of 200 fingerprints, a 50,000-denial storm on one
 *   fingerprint and a flood of 50,000 distinct resources by one principal, each in batches of 1,000.
 * - replay: the `denial-alerter replay` command (a new process, start-up included) over 100,000 records in gzip S3 log
 *   files (2% denials), in process (`--in-memory`, with its default reader threads and with one) and on DynamoDB Local (`--data-dir`), against
 *   `zcat … | jq -c '.Records[] | select(.errorCode)'` and against Node's own read + gunzip + JSON.parse of the same files;
 *   a long run of the same mix generated into `replay --in-memory -` (BENCH_LONG_RECORDS, default 10,000,000): records/s
 *   and peak memory; the command's `--version` and `--help` against a bare `node -e 0`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DynamoDbDenialStore } from '../lambdas/adapters/dynamodb-denial-store.js';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoDbLocal } from '../lambdas/adapters/dynamodb-local.js';
import { resolveSettings } from '../lambdas/core/config.js';
import type { CloudTrailRecord } from '../lambdas/core/types.js';
import { createSpikeEngine } from '../lambdas/engine/spike-engine.js';
import { STRATUS_ALL_EVENTS } from '../test/support/corpus.js';
import { syntheticDenial } from '../test/support/records.js';

const START = Date.parse('2025-06-01T00:00:00Z');

/** 200 fingerprints (20 principals x 10 resource prefixes) over four hours, in time order. */
function mix(count: number): CloudTrailRecord[] {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, (_, index) => {
    const principal = Math.floor(random() * 20);
    const prefix = Math.floor(random() * 10);
    return syntheticDenial({
      time: START + Math.floor((index * 4 * 3_600_000) / count),
      principal: `team-${principal}`,
      key: `p${prefix}/obj-${index}`,
      sourceIp: `198.51.100.${principal}`,
    });
  });
}

const storm = (count: number) => Array.from({ length: count }, (_, index) => syntheticDenial({ time: START + Math.floor((index * 600_000) / count) }));

/** One principal denied on `count` distinct random resource names (each its own fingerprint). */
const flood = (count: number) =>
  Array.from({ length: count }, (_, index) => {
    const record = syntheticDenial({ time: START + Math.floor((index * 600_000) / count), principal: 'scanner', key: `k${index}/x` });
    const name = `bucket-${index.toString(36)}-${(index * 7_919).toString(36)}`;
    record.errorMessage = String(record.errorMessage).replace('arn:aws:s3:::artifacts/', `arn:aws:s3:::${name}/`);
    record.requestParameters = { bucketName: name, key: 'x' };
    return record;
  });

/** Write units per denial allowed, per workload (readable history, docs/history-table.md). */
const WRITE_UNIT_TARGETS: Record<string, number> = { mix: 1.5, storm: 0.3, flood: 3 };

async function measureCost(client: DynamoDBClient, label: string, records: CloudTrailRecord[]): Promise<void> {
  const tableName = `bench-${label}`;
  await ensureTable(client, tableName);
  const store = new DynamoDbDenialStore({ tableName, client, measureCapacity: true });
  const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => START });
  const reasons = new Map<string, number>();
  const started = Date.now();
  for (let start = 0; start < records.length; start += 1_000) {
    for (const alert of (await engine.processBatch(records.slice(start, start + 1_000))).alerts) reasons.set(alert.reason, (reasons.get(alert.reason) ?? 0) + 1);
  }
  const per = (value: number) => (value / records.length).toFixed(3);
  const alerts = [...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ') || 'none';
  console.log(
    `cost      ${label.padEnd(6)} ${records.length} denials: ${per(store.consumed.writeUnits)} WCU, ${per(store.consumed.readUnits)} RCU, ` +
      `${per(store.requestCount)} requests per denial (targets <= ${WRITE_UNIT_TARGETS[label] ?? 3} WCU, < 0.1 RCU); alerts: ${alerts}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** A log directory as CloudTrail writes it to S3: gzip files of {"Records": [...]}, 2% denials. */
function generateLogDirectory(dir: string, files: number, perFile: number): number {
  const stratus = readFileSync(STRATUS_ALL_EVENTS, 'utf8').trim().split('\n');
  const successes = stratus.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => !record.errorCode);
  let records = 0;
  for (let file = 0; file < files; file++) {
    const batch: unknown[] = [];
    for (let index = 0; index < perFile; index++) {
      const time = START + records * 1000;
      if (records % 50 === 0) batch.push(syntheticDenial({ time, principal: `team-${records % 7}`, key: `p${records % 13}/obj-${records}` }));
      else batch.push({ ...successes[records % successes.length], eventID: `bench-${records}`, eventTime: new Date(time).toISOString() });
      records++;
    }
    const day = join(dir, `2025/06/${String(1 + (file % 28)).padStart(2, '0')}`);
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, `log-${file}.json.gz`), gzipSync(JSON.stringify({ Records: batch })));
  }
  return records;
}

function seconds(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The command a user runs (the compiled CLI, built by `npm ci`'s prepare step). */
const BIN = new URL('../bin/denial-alerter.mjs', import.meta.url).pathname;

/** Runs the CLI as a user does (a new process, start-up included): its seconds, peak memory (KiB) and stdout. */
function timedCli(args: string[], input?: NodeJS.ReadableStream): Promise<{ seconds: number; maxRssKiB: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    // GNU time reports the child's peak resident memory.
    const child = spawn('/usr/bin/time', ['-f', 'maxrss=%M', process.execPath, BIN, ...args], { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout!.on('data', (chunk) => out.push(String(chunk)));
    child.stderr!.on('data', (chunk) => err.push(String(chunk)));
    if (input) input.pipe(child.stdin!);
    child.on('error', reject);
    child.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const stderr = err.join('');
      resolvePromise({ seconds, maxRssKiB: Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0), stdout: out.join(''), stderr });
    });
  });
}

const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;

async function benchReplay(work: string): Promise<void> {
  const dir = join(work, 'logs');
  const total = generateLogDirectory(dir, 40, 2_500);
  const files = execFileSync('find', [dir, '-name', '*.gz'], { encoding: 'utf8' }).trim().split('\n');
  let found = 0;
  const floor = () =>
    seconds(() => {
      found = 0;
      for (const file of files) for (const record of (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: Array<{ errorCode?: string }> }).Records) if (record.errorCode) found++;
    });
  let jqFound = '';
  const jq = () =>
    seconds(() => {
      jqFound = spawnSync('sh', ['-c', `zcat ${files.join(' ')} | jq -c '.Records[] | select(.errorCode)' | wc -l`], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim();
    });
  const nodeStart = seconds(() => void spawnSync(process.execPath, ['-e', '0']));
  const replayArgs = (...extra: string[]) => ['replay', '--json', '--in-memory', ...extra, '--batch-size', '10000', '--dead-letter', join(work, 'dl.jsonl'), dir];
  // The shared host's speed moves from one second to the next: each measure is taken 5 times, alternated, and the
  // medians compared.
  const rounds = { floor: [] as number[], jq: [] as number[], inProcess: [] as Array<Awaited<ReturnType<typeof timedCli>>>, oneThread: [] as Array<Awaited<ReturnType<typeof timedCli>>> };
  for (let round = 0; round < 5; round++) {
    rounds.floor.push(floor());
    rounds.jq.push(jq());
    rounds.inProcess.push(await timedCli(replayArgs()));
    rounds.oneThread.push(await timedCli(replayArgs('--threads', '1')));
  }
  const persisted = await timedCli(['replay', '--json', '--data-dir', join(work, 'dynamodb'), '--batch-size', '10000', '--dead-letter', join(work, 'dl2.jsonl'), dir]);
  const median = <T>(values: T[], key: (value: T) => number) => [...values].sort((a, b) => key(a) - key(b))[Math.floor(values.length / 2)]!;
  const floorSeconds = median(rounds.floor, (value) => value);
  const jqSeconds = median(rounds.jq, (value) => value);
  const inProcess = median(rounds.inProcess, (run) => run.seconds);
  const oneThread = median(rounds.oneThread, (run) => run.seconds);
  const summary = summaryOf(inProcess.stdout);
  const rate = (s: number) => Math.round(total / s).toLocaleString('en-US');
  console.log(`replay    ${total} records in ${files.length} gzip files, ${summary.denials} denials (Node floor found ${found}, jq ${jqFound}); node -e 0 takes ${nodeStart.toFixed(2)} s`);
  console.log(`          Node read+gunzip+parse ${floorSeconds.toFixed(2)} s (floor), zcat|jq ${jqSeconds.toFixed(2)} s (medians of 5, alternated with the two in-process runs)`);
  const threads = Math.min(4, availableParallelism());
  for (const [label, run] of [
    [`in process (--in-memory, ${threads} reader threads: the default here)`, inProcess],
    ['in process, one thread (--threads 1)', oneThread],
    ['DynamoDB Local (--data-dir, one run)', persisted],
  ] as const) {
    console.log(
      `          replay ${label}, whole process: ${run.seconds.toFixed(2)} s, ${rate(run.seconds)}/s, ${Math.round(run.maxRssKiB / 1024)} MiB peak: ` +
        `${(run.seconds / jqSeconds).toFixed(2)}x jq's time (target <= 0.5x in process), ${(run.seconds / floorSeconds).toFixed(1)}x the floor (target <= 2x in process)`,
    );
  }
}

/**
 * A long run of the same mix (2% denials), generated as JSON lines into `replay --in-memory -` and never stored:
 * records/s and the process's peak memory (target < 1 GiB).
 */
async function benchLongReplay(work: string, count: number): Promise<void> {
  const stratus = readFileSync(STRATUS_ALL_EVENTS, 'utf8').trim().split('\n');
  const successes = stratus.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => !record.errorCode);
  const lines = Readable.from(
    (function* () {
      const chunk: string[] = [];
      for (let index = 0; index < count; index++) {
        const time = START + index * 100;
        const record =
          index % 50 === 0
            ? syntheticDenial({ time, principal: `team-${index % 7}`, key: `p${index % 13}/obj-${index}` })
            : { ...successes[index % successes.length], eventID: `long-${index}`, eventTime: new Date(time).toISOString() };
        chunk.push(JSON.stringify(record));
        if (chunk.length === 1_000) yield `${chunk.splice(0).join('\n')}\n`;
      }
      if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
    })(),
  );
  const run = await timedCli(['replay', '--json', '--in-memory', '--no-progress', '--batch-size', '10000', '--dead-letter', join(work, 'dl-long.jsonl'), '-'], lines);
  const summary = summaryOf(run.stdout);
  console.log(
    `long      ${summary.records.toLocaleString('en-US')} generated records (${summary.denials.toLocaleString('en-US')} denials) into replay --in-memory: ` +
      `${Math.round(summary.records / run.seconds).toLocaleString('en-US')} records/s, ${run.seconds.toFixed(1)} s, peak ${Math.round(run.maxRssKiB / 1024)} MiB (target < 1024 MiB)`,
  );
}

/** `--version` and `--help` of the command a user runs, against a bare `node -e 0` (target < 100 ms beyond). */
async function benchCliStart(): Promise<void> {
  const best = (args: string[]) => Math.min(...Array.from({ length: 5 }, () => seconds(() => void spawnSync(process.execPath, args))));
  const bare = best(['-e', '0']);
  const version = best([BIN, '--version']);
  const help = best([BIN, '--help']);
  console.log(`cli       node -e 0 ${Math.round(bare * 1000)} ms; --version ${Math.round(version * 1000)} ms (+${Math.round((version - bare) * 1000)}), --help ${Math.round(help * 1000)} ms (+${Math.round((help - bare) * 1000)}) (target < +100 ms; best of 5)`);
}

/** Runs the engine benches; `work` is a scratch directory. */
export async function benchEngine(work: string, options: { cost?: boolean; replay?: boolean; long?: boolean } = { cost: true, replay: true, long: true }): Promise<void> {
  if (options.cost !== false) {
    const emulator = await startDynamoDbLocal();
    const client = new DynamoDBClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    try {
      await measureCost(client, 'mix', mix(20_000));
      await measureCost(client, 'storm', storm(50_000));
      await measureCost(client, 'flood', flood(50_000));
    } finally {
      client.destroy();
      await emulator.stop();
    }
  }
  if (options.replay !== false) {
    await benchCliStart();
    await benchReplay(work);
  }
  if (options.long) await benchLongReplay(work, Number(process.env.BENCH_LONG_RECORDS ?? 10_000_000));
}

// Run one part alone: `npx tsx bench/engine.ts replay` (CLI start-up and replay), `cost`, or `long` (the long run).
if (process.argv[1]?.endsWith('bench/engine.ts') && process.argv[2]) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const part = process.argv[2];
  await benchEngine(mkdtempSync(join(tmpdir(), 'bench-engine-')), { cost: part === 'cost', replay: part === 'replay', long: part === 'long' });
}
