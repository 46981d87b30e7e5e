/**
 * `explain`'s output: lines gathered into few writes, yet shown as soon as the producer waits for input, and never
 * more held than the stream accepts.
 */
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLineBuffer } from '../../lambdas/terminal/line-buffer.js';

describe('line buffer', () => {
  it('writes many lines in few writes, in order, all of them by end()', async () => {
    const writes: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (writes.push(String(chunk)), done()) });
    const out = createLineBuffer(sink);
    for (let index = 0; index < 10_000; index++) out.add(`line ${index}`);
    await out.end();
    expect(writes.join('')).toBe(Array.from({ length: 10_000 }, (_, index) => `line ${index}\n`).join(''));
    expect(writes.length).toBeLessThan(10);
  });

  it('shows what it holds as soon as the event loop turns (a slow input is not held back)', async () => {
    const sink = new PassThrough();
    let seen = '';
    sink.on('data', (chunk) => (seen += String(chunk)));
    const out = createLineBuffer(sink);
    out.add('first');
    expect(seen).toBe('');
    await turn();
    await turn();
    expect(seen).toBe('first\n');
    await out.end();
  });

  it('asks the producer to wait while the stream is full, and resumes on drain', async () => {
    const sink = new PassThrough({ highWaterMark: 1024 });
    const out = createLineBuffer(sink);
    let waited: Promise<void> | void = undefined;
    for (let index = 0; index < 100 && !waited; index++) waited = out.add('x'.repeat(70 * 1024));
    expect(waited).toBeInstanceOf(Promise);
    let resumed = false;
    void (waited as Promise<void>).then(() => (resumed = true));
    await turn();
    expect(resumed).toBe(false);
    sink.resume();
    await waited;
    expect(resumed).toBe(true);
    await out.end();
  });
});
