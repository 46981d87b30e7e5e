/**
 * The readers on S3-style gzip log files (`{"Records":[...]}` on one line, as CloudTrail writes them), measured in one
 * run against `zcat … | jq -c '.Records[]'` over the same files:
 *
 * - the fast path (each file under the 64 MiB cap: one `JSON.parse` per file), what `replay` and `explain` use;
 * - the streamed path (`stream-json`, forced here with a 1 MiB cap), what a file larger than the cap takes;
 * - 1 GiB of empty lines read from a stream (the input that took 267 s of CPU before).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readRecords, readStream } from '../lambdas/io/read-records.js';
import { syntheticDenial } from '../test/support/records.js';

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
