import { describe, expect, it } from 'vitest';
import { estimatedQueryCostUsd, formatBytes, formatUsd } from '../../lambdas/core/athena/cost.js';

describe('the estimated cost of an Athena query', () => {
  it('is $5 per terabyte, at least 10 MB per query, rounded up to the megabyte', () => {
    expect(estimatedQueryCostUsd(0)).toBe(0);
    expect(estimatedQueryCostUsd(1e12)).toBeCloseTo(5, 10);
    expect(estimatedQueryCostUsd(1)).toBeCloseTo((10e6 / 1e12) * 5, 15);
    expect(estimatedQueryCostUsd(10e6 + 1)).toBeCloseTo((11e6 / 1e12) * 5, 15);
    expect(estimatedQueryCostUsd(170e9)).toBeCloseTo(0.85, 10);
  });

  it('is shown as Athena\'s console shows data, and in cents or hundredths of cents', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(7_340_032)).toBe('7.34 MB');
    expect(formatBytes(170e9)).toBe('170 GB');
    expect(formatUsd(0.85)).toBe('$0.8500');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
