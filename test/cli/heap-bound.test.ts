/** A long in-process replay asks for a full collection only once its heap has grown past the threshold. */
import { describe, expect, it } from 'vitest';
import { collectIfLarge } from '../../lambdas/replay/heap-bound.js';

describe('heap bound of a long in-process replay', () => {
  it('leaves a small heap alone', () => {
    expect(collectIfLarge(1024 ** 3, 64 * 1024 ** 2)).toBe(false);
  });

  it('collects a heap past the threshold, freeing garbage', () => {
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, index) => ({ index, text: `garbage ${index}` }));
    const before = process.memoryUsage().heapUsed;
    garbage = null;
    expect(garbage).toBeNull();
    expect(collectIfLarge(1, 2)).toBe(true);
    expect(process.memoryUsage().heapUsed).toBeLessThan(before);
  });
});
