/**
 * `npm run bench`: speed and cost measured in one run on this machine, each printed beside its floor as a ratio.
 *
 * 1. explain: classification of the stratus corpus repeated to ~100k records, against JSON.parse of the same lines.
 * 2. engine (bench/engine.ts): write and read units and requests per denial (mix, storm, flood) from DynamoDB's
 *    ConsumedCapacity; replay over gzip S3 log files against zcat | jq and against Node's read + gunzip + parse.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '../lambdas/core/classify.js';
import { benchParser } from './parser.js';
import { benchEngine } from './engine.js';
import { benchAthena } from './athena.js';
import { benchWhatChanged } from './what-changed.js';
import { benchFootprint } from './footprint.js';
import { benchExplainProcess, benchReaders } from './readers.js';
import { benchRender } from './render.js';
import { bestMs } from './support.js';
import { STRATUS_ALL_EVENTS as STRATUS } from '../test/support/corpus.js';

const lines = readFileSync(STRATUS, 'utf8').trim().split('\n');

function benchExplain(): void {
  const repeated: string[] = [];
  while (repeated.length < 100_000) repeated.push(...lines);
  let sink = 0;
  const parseMs = bestMs(5, () => {
    for (const line of repeated) sink += (JSON.parse(line) as { eventID?: string }).eventID ? 1 : 0;
  });
  const classifyMs = bestMs(5, () => {
    for (const line of repeated) sink += classify(JSON.parse(line)).denied ? 1 : 0;
  });
  const rate = (ms: number) => Math.round(repeated.length / (ms / 1000));
  console.log(`explain   ${repeated.length} records: JSON.parse ${rate(parseMs)}/s (floor), parse+classify ${rate(classifyMs)}/s`);
  console.log(`          ratio to floor: ${(classifyMs / parseMs).toFixed(2)}x (target <= 3x)   [${sink > 0 ? 'ok' : ''}]`);
}

const work = mkdtempSync(join(tmpdir(), 'denial-bench-'));
try {
  console.log(`Denial Alerter bench, node ${process.version}, ${new Date().toISOString()}`);
  benchExplain();
  await benchExplainProcess();
  await benchParser();
  await benchWhatChanged();
  await benchEngine(work);
  await benchAthena();
  await benchFootprint();
  await benchReaders();
  await benchRender();
} finally {
  rmSync(work, { recursive: true, force: true });
}
