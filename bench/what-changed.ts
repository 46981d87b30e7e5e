/**
 * "What changed": the observer's cost on every record of a batch, and the write cost of a stored change.
 *
 * 1. `extractChange` over the stratus corpus repeated to ~100k parsed records, against `classify` of the same records
 *    (which the engine runs on every record anyway): the observer should add a small fraction.
 * 2. DynamoDB items written per change over the real changes of the corpus: each alone in its batch (one page per key it
 *    is filed under, plus the caller's page: the most a change costs), and all in one batch (pages shared by key and
 *    hour). Each item is under 1 KB for these records.
 */
import { readFileSync } from 'node:fs';
import { changePagesOf } from '../lambdas/adapters/dynamodb-change-store.js';
import { extractChange } from '../lambdas/core/changes/extract.js';
import { classify } from '../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../lambdas/core/types.js';
import { bestMs } from './support.js';
import { CORPUS_DIR as CORPUS } from '../test/support/corpus.js';


const readJsonl = (path: string): CloudTrailRecord[] =>
  readFileSync(`${CORPUS}${path}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CloudTrailRecord);

/** Prints the measurements. */
export async function benchWhatChanged(): Promise<void> {
  const stratus = readJsonl('stratus-red-team-detonation-logs/all_events.jsonl');
  const records: CloudTrailRecord[] = [];
  while (records.length < 100_000) records.push(...stratus);
  let sink = 0;
  const classifyMs = bestMs(5, () => {
    for (const record of records) sink += classify(record).denied ? 1 : 0;
  });
  const extractMs = bestMs(5, () => {
    for (const record of records) sink += extractChange(record) ? 1 : 0;
  });
  const changes = [...stratus, ...readJsonl('aws-docs-examples/negatives.jsonl'), ...readJsonl('panther-analysis-test-fixtures/negatives.jsonl')]
    .map(extractChange)
    .filter((change) => change !== null);
  const alone = changes.reduce((sum, change) => sum + changePagesOf([change], 0).length, 0);
  const together = changePagesOf(changes, 0).length;
  const largest = Math.max(...changes.map((change) => JSON.stringify(change).length));
  console.log('what changed');
  console.log(`  observer    ${((extractMs * 1000) / records.length).toFixed(2)} µs/record vs classify ${((classifyMs * 1000) / records.length).toFixed(2)} µs/record: ratio ${(extractMs / classifyMs).toFixed(3)} (${records.length} records)`);
  console.log(
    `  store       ${(alone / changes.length).toFixed(2)} items written per change, each alone in its batch; ${(together / changes.length).toFixed(2)} in one batch ` +
      `(${changes.length} real changes of the corpus); largest change ${largest} bytes of JSON`,
  );
  if (sink < 0) console.log(sink);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWhatChanged();
