/**
 * The readers on S3-style gzip log files (`{"Records":[...]}` on one line, as CloudTrail writes them), measured in one
 * run against `zcat … | jq -c '.Records[]'` over the same files:
 *
 * - the fast path (each file under the 64 MiB cap: one `JSON.parse` per file), what `replay` and `explain` use;
 * - the streamed path (`stream-json`, forced here with a 1 MiB cap), what a file larger than the cap takes;
 * - 1 GiB of empty lines read from a stream (the input that took 267 s of CPU before).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readRecords, readStream } from '../lambdas/io/read-records.js';
import { syntheticDenial } from '../test/support/records.js';
import { STRATUS_ALL_EVENTS } from '../test/support/corpus.js';

async function count(paths: string[], fastPathBytes?: number): Promise<{ records: number; ms: number }> {
  const start = process.hrtime.bigint();
  let records = 0;
  for await (const item of readRecords(paths, undefined, { fastPathBytes })) if (item.kind === 'record') records++;
  return { records, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Prints the readers' throughput and its ratio to zcat | jq. */
export async function benchReaders(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-readers-'));
  try {
    const files: string[] = [];
    let bytes = 0;
    for (let file = 0; file < 20; file++) {
      const records = Array.from({ length: 3000 }, (_, index) => syntheticDenial({ time: Date.UTC(2025, 0, 1, 0, file, index % 60) }));
      const text = JSON.stringify({ Records: records });
      bytes += text.length;
      const path = join(dir, `log-${file}.json.gz`);
      writeFileSync(path, gzipSync(text, { level: 6 }));
      files.push(path);
    }
    const fast = await count(files);
    const streamed = await count(files, 1024 * 1024);
    const jqStart = process.hrtime.bigint();
    const jq = spawnSync('sh', ['-c', `zcat ${files.join(' ')} | jq -c '.Records[]' | wc -l`], { encoding: 'utf8' });
    const jqMs = Number(process.hrtime.bigint() - jqStart) / 1e6;
    const mb = bytes / 1024 ** 2;
    console.log(`readers: ${fast.records} records, ${mb.toFixed(0)} MiB of gzip log files`);
    console.log(`  fast path (JSON.parse)   ${(mb / (fast.ms / 1000)).toFixed(0)} MiB/s, ${Math.round(fast.records / (fast.ms / 1000))} records/s`);
    console.log(`  streamed (stream-json)   ${(mb / (streamed.ms / 1000)).toFixed(0)} MiB/s (${(streamed.ms / fast.ms).toFixed(1)}x the fast path's time)`);
    if (jq.status === 0) {
      console.log(`  zcat | jq -c .Records[]  ${(mb / (jqMs / 1000)).toFixed(0)} MiB/s (${Number(jq.stdout.trim())} lines): fast path takes ${(fast.ms / jqMs).toFixed(2)}x jq's time`);
    } else console.log('  zcat | jq: not available (install jq for the ratio)');
    const blank = Buffer.alloc(1024 * 1024, 0x0a);
    const blankStart = process.hrtime.bigint();
    let warning = '';
    for await (const _ of readStream(Readable.from((function* () { for (let index = 0; index < 1024; index++) yield blank; })()), '-', { onWarning: (text) => (warning = text) })) void _;
    console.log(`  1 GiB of empty lines     ${(Number(process.hrtime.bigint() - blankStart) / 1e9).toFixed(1)} s (${warning})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `explain` as a user runs it (a new process, start-up included: `explain --json FILE`, its output to /dev/null) over
 * the Stratus corpus repeated to 100,000 records, against a new Node process that reads the same file and
 * `JSON.parse`s every line (the floor); also with one thread (`--threads 1`). Median of 5 runs each, alternated.
 * Target: at most 1.5x the floor.
 */
export async function benchExplainProcess(): Promise<void> {
  const lines = readFileSync(STRATUS_ALL_EVENTS, 'utf8').trim().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'bench-explain-'));
  try {
    const repeated: string[] = [];
    while (repeated.length < 100_000) repeated.push(...lines);
    const file = join(dir, 'stratus-repeated.jsonl');
    writeFileSync(file, `${repeated.join('\n')}\n`);
    const floorScript = `const lines=require('fs').readFileSync(${JSON.stringify(file)},'utf8').split('\\n');let n=0;for(const l of lines)if(l)n+=JSON.parse(l).eventID?1:0;if(n!==${repeated.length})process.exit(1)`;
    const bin = new URL('../bin/denial-alerter.mjs', import.meta.url).pathname;
    const timed = (args: string[]) => {
      const start = process.hrtime.bigint();
      const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
      if (run.status !== 0) throw new Error(`${args.join(' ')} exited with ${run.status}`);
      return Number(process.hrtime.bigint() - start) / 1e9;
    };
    const floors: number[] = [];
    const explains: number[] = [];
    const oneThread: number[] = [];
    for (let round = 0; round < 5; round++) {
      floors.push(timed(['-e', floorScript]));
      explains.push(timed([bin, 'explain', '--json', file]));
      oneThread.push(timed([bin, 'explain', '--json', '--threads', '1', file]));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const floor = median(floors);
    console.log(
      `explain   whole process, ${repeated.length} records (${repeated.length} JSON lines out), ${Math.min(4, availableParallelism())} reader threads (the default here): ${median(explains).toFixed(2)} s; ` +
        `node reading + JSON.parse of the same lines ${floor.toFixed(2)} s (floor): ${(median(explains) / floor).toFixed(2)}x (target <= 1.5x; medians of 5, alternated); ` +
        `one thread (--threads 1): ${median(oneThread).toFixed(2)} s, ${(median(oneThread) / floor).toFixed(2)}x`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run alone: `npx tsx bench/readers.ts explain` (or `readers`).
if (process.argv[1]?.endsWith('bench/readers.ts')) {
  if (process.argv[2] === 'explain') await benchExplainProcess();
  else if (process.argv[2] === 'readers') await benchReaders();
}
