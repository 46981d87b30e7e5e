import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../lambdas/terminal/progress.js';
import { parseTimeBound } from '../../lambdas/cli/time-bound.js';

describe('progress bar', () => {
  it('draws a bar from bytes read, at most every 200 ms, and erases itself', () => {
    const stream = new PassThrough();
    const written: string[] = [];
    stream.on('data', (chunk) => written.push(String(chunk)));
    let now = 0;
    const progress = createProgress(stream, true, 1000, () => now);
    progress.addBytes(250);
    now = 300;
    progress.update({ records: 10, denials: 2, alerts: 0 });
    now = 350;
    progress.update({ records: 11, denials: 2, alerts: 0 });
    progress.clear();
    expect(written[0]).toBe('\r[######..................]  25% 10 records, 2 denials, 0 alerts, 33/s\u001b[K');
    expect(written).toHaveLength(2);
    expect(written[1]).toBe('\r\u001b[K');
  });

  it('stays silent when not on a terminal', () => {
    const stream = new PassThrough();
    const written: string[] = [];
    stream.on('data', (chunk) => written.push(String(chunk)));
    const progress = createProgress(stream, false, 1000, () => 1000);
    progress.update({ records: 1, denials: 0, alerts: 0 });
    progress.clear();
    expect(written).toEqual([]);
  });
});

describe('--since / --until', () => {
  const now = Date.parse('2026-01-02T00:00:00Z');
  it.each([
    ['24h', Date.parse('2026-01-01T00:00:00Z')],
    ['30m', now - 1_800_000],
    ['7d', Date.parse('2025-12-26T00:00:00Z')],
    ['2025-12-31T12:00:00Z', Date.parse('2025-12-31T12:00:00Z')],
  ])('%s', (value, expected) => expect(parseTimeBound(value, now)).toBe(expected));
  it('rejects what is neither', () => expect(parseTimeBound('yesterday', now)).toBeNull());
});
