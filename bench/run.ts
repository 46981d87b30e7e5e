/**
 * `npm run bench`: speed and cost measured in one run on this machine, each printed beside its floor as a ratio.
 *
 * 1. explain: classification of the stratus corpus repeated to ~100k records, against JSON.parse of the same lines.
 * 2. replay: records per second over a generated log directory (~2% denials, gzip S3 log files), against
 *    `zcat … | jq -c 'select(.errorCode)'` over the same files.
 * 3. storm: DynamoDB requests per denial for 50,000 identical denials replayed in Lambda-sized batches.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runReplay } from '../lambdas/cli/replay.js';
import { classify } from '../lambdas/core/classify.js';
import { syntheticDenial } from '../test/support/records.js';
import { benchParser } from './parser.js';
import { benchAthena } from './athena.js';
import { benchWhatChanged } from './what-changed.js';
import { benchFootprint } from './footprint.js';
import { benchReaders } from './readers.js';
import { benchRender } from './render.js';

const STRATUS = fileURLToPath(new URL('../../shared/corpus/stratus-red-team-detonation-logs/all_events.jsonl', import.meta.url));
const lines = readFileSync(STRATUS, 'utf8').trim().split('\n');

function bestOf(runs: number, work: () => void): number {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

function benchExplain(): void {
  const repeated: string[] = [];
  while (repeated.length < 100_000) repeated.push(...lines);
  let sink = 0;
  const parseMs = bestOf(5, () => {
    for (const line of repeated) sink += (JSON.parse(line) as { eventID?: string }).eventID ? 1 : 0;
  });
  const classifyMs = bestOf(5, () => {
    for (const line of repeated) sink += classify(JSON.parse(line)).denied ? 1 : 0;
  });
  const rate = (ms: number) => Math.round(repeated.length / (ms / 1000));
  console.log(`explain   ${repeated.length} records: JSON.parse ${rate(parseMs)}/s (floor), parse+classify ${rate(classifyMs)}/s`);
  console.log(`          ratio to floor: ${(classifyMs / parseMs).toFixed(2)}x (target <= 3x)   [${sink > 0 ? 'ok' : ''}]`);
}

/** A log directory as CloudTrail writes it to S3: gzip files of {"Records": [...]}, ~2% denials. */
function generateLogDirectory(dir: string, files: number, perFile: number): number {
  const successes = lines.map((line) => JSON.parse(line)).filter((record) => !record.errorCode);
  let records = 0;
  const start = Date.parse('2025-06-01T00:00:00Z');
  for (let file = 0; file < files; file++) {
    const batch: unknown[] = [];
    for (let index = 0; index < perFile; index++) {
      const time = start + records * 1000;
      if (records % 50 === 0) {
        batch.push(syntheticDenial({ time, principal: `team-${records % 7}`, key: `p${records % 13}/obj-${records}` }));
      } else {
        const base = successes[records % successes.length];
        batch.push({ ...base, eventID: `bench-${records}`, eventTime: new Date(time).toISOString() });
      }
      records++;
    }
    mkdirSync(join(dir, `2025/06/${String(1 + (file % 28)).padStart(2, '0')}`), { recursive: true });
    writeFileSync(join(dir, `2025/06/${String(1 + (file % 28)).padStart(2, '0')}/log-${file}.json.gz`), gzipSync(JSON.stringify({ Records: batch })));
  }
  return records;
}

async function replayQuiet(args: string[]): Promise<Record<string, number>> {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (chunk) => chunks.push(String(chunk)));
  await runReplay(['--json', '--in-memory', ...args], { stdin: Readable.from([]), stdout, stderr: new PassThrough(), env: {} });
  return JSON.parse(chunks.join('').trim().split('\n').at(-1)!) as Record<string, number>;
}

async function benchReplay(work: string): Promise<void> {
  const dir = join(work, 'logs');
  const total = generateLogDirectory(dir, 40, 2_500);
  const files = execFileSync('find', [dir, '-name', '*.gz'], { encoding: 'utf8' }).trim().split('\n');
  const jqStart = process.hrtime.bigint();
  const jq = spawnSync('sh', ['-c', `zcat ${files.join(' ')} | jq -c '.Records[] | select(.errorCode)' | wc -l`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const jqMs = Number(process.hrtime.bigint() - jqStart) / 1e6;
  const replayStart = process.hrtime.bigint();
  const summary = await replayQuiet(['--batch-size', '1000', '--dead-letter', join(work, 'dl.jsonl'), dir]);
  const replayMs = Number(process.hrtime.bigint() - replayStart) / 1e6;
  const rate = (ms: number) => Math.round(total / (ms / 1000));
  console.log(`replay    ${total} records in ${files.length} gzip log files, ${summary.denials} denials (${((100 * summary.denials) / total).toFixed(1)}%), jq found ${jq.stdout.trim()} errors`);
  console.log(`          zcat | jq ${rate(jqMs)}/s (floor), replay (embedded DynamoDB Local, start included) ${rate(replayMs)}/s`);
  console.log(`          ratio to floor: ${(replayMs / jqMs).toFixed(2)}x slower; alerts ${summary.alerts}, DynamoDB requests ${summary.dynamodbRequests}`);
}

async function benchStorm(work: string): Promise<void> {
  const file = join(work, 'storm.jsonl');
  const start = Date.parse('2025-06-01T00:00:00Z');
  const storm = Array.from({ length: 50_000 }, (_, index) => JSON.stringify(syntheticDenial({ time: start + Math.floor((index * 600_000) / 50_000) })));
  writeFileSync(file, storm.join('\n'));
  const summary = await replayQuiet(['--batch-size', '1000', '--dead-letter', join(work, 'dl-storm.jsonl'), file]);
  console.log(`storm     50000 identical denials in batches of 1000: ${summary.alerts} alert(s), ${summary.dynamodbRequests} DynamoDB requests`);
  console.log(`          requests per denial: ${(summary.dynamodbRequests / 50_000).toFixed(3)} (target <= 0.1)`);
}

const work = mkdtempSync(join(tmpdir(), 'denial-bench-'));
try {
  console.log(`Denial Alerter bench, node ${process.version}, ${new Date().toISOString()}`);
  benchExplain();
  await benchParser();
  await benchWhatChanged();
  await benchReplay(work);
  await benchStorm(work);
  await benchAthena();
  await benchFootprint();
  await benchReaders();
  await benchRender();
} finally {
  rmSync(work, { recursive: true, force: true });
}
