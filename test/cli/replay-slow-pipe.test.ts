/**
 * `replay -` fed by a slow pipe (`… | jq -c … | denial-alerter replay -`): the embedded DynamoDB Local starts while the
 * first records are read, and the replay then goes on with what has arrived instead of waiting for a batch of input.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../../lambdas/cli/main.js';
import { syntheticDenial } from '../support/records.js';
import { captureStreams } from '../support/replay.js';

const workDir = mkdtempSync(join(tmpdir(), 'denial-slow-pipe-'));

/** Resolves once what `stream` has printed matches `pattern`. */
function whenPrinted(stream: PassThrough, printed: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!pattern.test(printed())) return;
      stream.off('data', check);
      resolve();
    };
    stream.on('data', check);
    check();
  });
}

describe('replay from a slow pipe', () => {
  it('starts replaying what has arrived while the pipe stays open (it does not wait for a full batch)', async () => {
    const stdin = new PassThrough();
    const io = captureStreams();
    const start = Date.parse('2025-05-01T10:00:00Z');
    for (let index = 0; index < 3; index++) stdin.write(`${JSON.stringify(syntheticDenial({ time: start + index * 1000 }))}\n`);
    const done = runReplay(['--in-memory', '--no-progress', '--batch-size', '500', '--dead-letter', join(workDir, 'dl.jsonl'), '-'], {
      stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      env: {},
    });
    // 3 records of a 500-record batch have arrived and the pipe stays open: the replay must still get going.
    await whenPrinted(io.stderr, io.err, /Replaying into/);
    stdin.end(`${JSON.stringify(syntheticDenial({ time: start + 5000 }))}\n`);
    expect(await done).toBe(0);
    expect(io.out()).toMatch(/denials\s+4\b/);
  });
});
