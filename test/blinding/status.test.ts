import { describe, expect, it } from 'vitest';
import { canaryStatusLines } from '../../lambdas/cli/status.js';

const T = Date.parse('2026-12-01T12:00:00Z');
const min = (n: number) => n * 60_000;

describe('status: canaries, blind ones first', () => {
  it('puts the accounts and Regions silent for more than 50 minutes first, oldest silence first', () => {
    const lines = canaryStatusLines(
      [
        { accountId: '111122223333', region: 'eu-west-1', lastArrivalMs: T - min(10), blind: false },
        { accountId: '444455556666', region: 'us-east-1', lastArrivalMs: T - min(70), blind: false },
        { accountId: '111122223333', region: 'us-east-1', lastArrivalMs: T - min(300), blind: true },
      ],
      T,
    );
    expect(lines.map((line) => [line.state, line.accountId, line.region])).toEqual([
      ['blind', '111122223333', 'us-east-1'],
      ['blind', '444455556666', 'us-east-1'],
      ['seen', '111122223333', 'eu-west-1'],
    ]);
  });
});
