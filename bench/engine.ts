/**
 * Engine cost and replay throughput, measured in one run against an embedded DynamoDB Local.
 *
 * - cost: write units, read units and requests per stored denial, from DynamoDB's own `ConsumedCapacity`
 *   (`ReturnConsumedCapacity: INDEXES` on every call), for a mix of 200 fingerprints, a 50,000-denial storm on one
 *   fingerprint and a flood of 50,000 distinct resources by one principal, each in batches of 1,000.
 * - replay: `replay` over 100,000 records in gzip S3 log files (2% denials), start-up included, against
 *   `zcat … | jq -c '.Records[] | select(.errorCode)'` and against Node's own read + gunzip + JSON.parse of the same files.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DynamoDbDenialStore } from '../lambdas/adapters/dynamodb-denial-store.js';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoDbLocal } from '../lambdas/adapters/dynamodb-local.js';
import { runReplay } from '../lambdas/cli/main.js';
import { resolveSettings } from '../lambdas/core/config.js';
import type { CloudTrailRecord } from '../lambdas/core/types.js';
import { createSpikeEngine } from '../lambdas/engine/spike-engine.js';
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
      `${per(store.requestCount)} requests per denial (targets <= 3 WCU, < 0.1 RCU); alerts: ${alerts}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** A log directory as CloudTrail writes it to S3: gzip files of {"Records": [...]}, 2% denials. */
function generateLogDirectory(dir: string, files: number, perFile: number): number {
  const stratus = readFileSync(new URL('../../shared/corpus/stratus-red-team-detonation-logs/all_events.jsonl', import.meta.url), 'utf8').trim().split('\n');
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

async function benchReplay(work: string): Promise<void> {
  const dir = join(work, 'logs');
  const total = generateLogDirectory(dir, 40, 2_500);
  const files = execFileSync('find', [dir, '-name', '*.gz'], { encoding: 'utf8' }).trim().split('\n');
  let found = 0;
  const floorSeconds = seconds(() => {
    for (const file of files) for (const record of (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: Array<{ errorCode?: string }> }).Records) if (record.errorCode) found++;
  });
  let jqFound = '';
  const jqSeconds = seconds(() => {
    jqFound = spawnSync('sh', ['-c', `zcat ${files.join(' ')} | jq -c '.Records[] | select(.errorCode)' | wc -l`], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.trim();
  });
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (chunk) => chunks.push(String(chunk)));
  const replayStart = process.hrtime.bigint();
  await runReplay(['--json', '--in-memory', '--batch-size', '10000', '--dead-letter', join(work, 'dl.jsonl'), dir], {
    stdin: Readable.from([]),
    stdout,
    stderr: new PassThrough(),
    env: {},
  });
  const replaySeconds = Number(process.hrtime.bigint() - replayStart) / 1e9;
  const summary = JSON.parse(chunks.join('').trim().split('\n').at(-1)!) as Record<string, number>;
  const rate = (s: number) => Math.round(total / s).toLocaleString('en-US');
  console.log(`replay    ${total} records in ${files.length} gzip files, ${summary.denials} denials (Node floor found ${found}, jq ${jqFound}); ${summary.dynamodbRequests} DynamoDB requests`);
  console.log(
    `          Node read+gunzip+parse ${rate(floorSeconds)}/s (floor), zcat|jq ${rate(jqSeconds)}/s, replay (start included) ${rate(replaySeconds)}/s: ` +
      `${(replaySeconds / floorSeconds).toFixed(1)}x the floor, ${(jqSeconds / replaySeconds).toFixed(2)}x jq's speed`,
  );
}

/** Runs the engine benches; `work` is a scratch directory. */
export async function benchEngine(work: string, options: { cost?: boolean; replay?: boolean } = { cost: true, replay: true }): Promise<void> {
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
  if (options.replay !== false) await benchReplay(work);
}

// Run one part alone: `npx tsx bench/engine.ts replay` (or `cost`).
if (process.argv[1]?.endsWith('bench/engine.ts') && process.argv[2]) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const part = process.argv[2];
  await benchEngine(mkdtempSync(join(tmpdir(), 'bench-engine-')), { cost: part === 'cost', replay: part === 'replay' });
}
