/**
 * `replay --threads`: reading on reader threads (lambdas/parallel/) changes nothing a user sees. The same inputs give
 * the same alerts, in the same order, the same summary and the same dead-letter entries (with their file and line)
 * on one thread and on two.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { STRATUS_ALL_EVENTS } from '../support/corpus.js';
import { jsonLines, replayCaptured } from '../support/replay.js';

/** The stratus timeline as three gzip log files and a JSON-lines file holding a malformed line. */
function logDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-threads-'));
  const records = readFileSync(STRATUS_ALL_EVENTS, 'utf8').trim().split('\n');
  const third = Math.ceil(records.length / 3);
  for (let part = 0; part < 3; part++) {
    const slice = records.slice(part * third, (part + 1) * third).map((line) => JSON.parse(line));
    writeFileSync(join(dir, `log-${part}.json.gz`), gzipSync(JSON.stringify({ Records: slice })));
  }
  writeFileSync(join(dir, 'log-3.jsonl'), `${records.slice(0, 5).join('\n')}\n\n{"eventID": "broken"\n${records.slice(5, 8).join('\n')}\n`);
  return dir;
}

async function replayWith(threads: number, dir: string) {
  // Outside the directory replayed: one run would read the other's dead letters.
  const deadLetter = join(mkdtempSync(join(tmpdir(), 'replay-threads-dl-')), 'dead-letter.jsonl');
  const run = await replayCaptured(['--json', '--in-memory', '--threads', String(threads), '--dead-letter', deadLetter, dir]);
  const lines = jsonLines(run.stdout);
  return {
    status: run.status,
    alerts: lines.filter((line) => line.type === 'alert').map(({ alertId: _id, ...alert }) => alert),
    summary: { ...lines.at(-1), seconds: 0 },
    deadLetter: readFileSync(deadLetter, 'utf8'),
  };
}

describe('replay --threads', () => {
  it('gives the same alerts, summary and dead letters on two reader threads as on one', async () => {
    const dir = logDirectory();
    const one = await replayWith(1, dir);
    const two = await replayWith(2, dir);
    // What both runs must show: the stratus timeline's three blinding changes and two spikes, the broken line kept.
    expect(one.status).toBe(1);
    expect(one.summary).toMatchObject({ type: 'summary', records: 318, unreadable: 1 });
    expect(one.alerts.map((alert) => alert.reason)).toEqual(['blinding', 'blinding', 'blinding', 'threshold', 'threshold']);
    expect(jsonLines(one.deadLetter)).toEqual([expect.objectContaining({ reason: 'unreadable', source: join(dir, 'log-3.jsonl'), line: 7 })]);
    expect(two).toEqual(one);
  });

  it('rejects a thread count that is not a whole number from 1 to 16, with status 2', async () => {
    const run = await replayCaptured(['--in-memory', '--threads', '0', STRATUS_ALL_EVENTS]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--threads must be a whole number from 1 to 16, got "0"/);
  });
});
