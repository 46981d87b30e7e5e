/** One contract for both ResponderStore implementations: the same cases on DynamoDB Local and in memory. */
import { describe, expect, it } from 'vitest';
import { DynamoDbResponderStore } from '../../lambdas/adapters/dynamodb-responder-store.js';
import { MemoryResponderStore } from '../../lambdas/adapters/memory/responder-store.js';
import type { Incident } from '../../lambdas/core/responder/types.js';
import type { ResponderStore } from '../../lambdas/engine/responder-store.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';

const dynamo = useDynamoDbLocal();
const T = Date.parse('2026-12-05T10:00:00Z');
const HOUR = 3_600_000;
const FP = '0123456789abcdef0123';

const implementations: Array<[string, () => Promise<ResponderStore>]> = [
  ['DynamoDB', async () => new DynamoDbResponderStore({ tableName: (await dynamo.newTable()).tableName, client: dynamo.client() })],
  ['in memory', async () => new MemoryResponderStore()],
];

describe.each(implementations)('ResponderStore contract (%s)', (_name, make) => {
  it('keeps one incident per channel and fingerprint, read back as written', async () => {
    const store = await make();
    const incident: Incident = { fingerprint: FP, channel: 'C0123456789', parentTs: '1764928800.000100', startedMs: T, lastActivityMs: T, alertCount: 1, latestCount: 12, latestReason: 'threshold' };
    expect(await store.incident('C0123456789', FP)).toBeNull();
    await store.putIncident(incident);
    await store.putIncident({ ...incident, channel: 'C999', parentTs: '1.2' });
    expect(await store.incident('C0123456789', FP)).toEqual(incident);
    await store.putIncident({ ...incident, alertCount: 2, acknowledgedBy: 'U1', acknowledgedAtMs: T + 5 });
    expect(await store.incident('C0123456789', FP)).toMatchObject({ alertCount: 2, acknowledgedBy: 'U1', parentTs: '1764928800.000100' });
    expect((await store.incident('C999', FP))?.parentTs).toBe('1.2');
  });

  it('answers a snooze until its end and not after, even before the TTL deletes it', async () => {
    const store = await make();
    await store.putSnooze({ fingerprint: FP, untilMs: T + HOUR, by: 'U1', atMs: T });
    expect(await store.snooze(FP, T + HOUR - 1)).toEqual({ fingerprint: FP, untilMs: T + HOUR, by: 'U1', atMs: T });
    expect(await store.snooze(FP, T + HOUR)).toBeNull();
    expect(await store.snooze('other', T)).toBeNull();
    await store.deleteSnooze(FP);
    expect(await store.snooze(FP, T)).toBeNull();
  });

  it('writes Expected only over the state it read, so two clicks cannot both win', async () => {
    const store = await make();
    const pending = { fingerprint: FP, requestedBy: 'U1', requestedAtMs: T };
    expect(await store.putExpected(pending, null)).toBe(true);
    expect(await store.putExpected({ ...pending, requestedBy: 'U9' }, null)).toBe(false);
    const approved = { ...pending, approvedBy: 'U2', approvedAtMs: T + 1 };
    expect(await store.putExpected(approved, pending)).toBe(true);
    expect(await store.putExpected({ ...pending, approvedBy: 'U3', approvedAtMs: T + 2 }, pending)).toBe(false);
    expect(await store.expected(FP)).toEqual(approved);
  });

  it('lists audit lines newest first, across days, by fingerprint and limit', async () => {
    const store = await make();
    const line = (atMs: number, fingerprint = FP) => ({ atMs, user: 'U1', action: 'snooze' as const, fingerprint, alertId: 'a1', detail: 'for 1 h' });
    await store.audit(line(T - 30 * HOUR));
    await store.audit(line(T));
    await store.audit(line(T + HOUR, 'other'));
    await store.audit(line(T + 2 * HOUR));
    const all = await store.auditLog({ sinceMs: T - 48 * HOUR, untilMs: T + 3 * HOUR, limit: 10 });
    expect(all.map((entry) => entry.atMs)).toEqual([T + 2 * HOUR, T + HOUR, T, T - 30 * HOUR]);
    expect(all[0]).toEqual(line(T + 2 * HOUR));
    expect((await store.auditLog({ sinceMs: T - 48 * HOUR, untilMs: T + 3 * HOUR, fingerprint: 'other', limit: 10 })).map((entry) => entry.fingerprint)).toEqual(['other']);
    expect(await store.auditLog({ sinceMs: T - 48 * HOUR, untilMs: T + 3 * HOUR, limit: 2 })).toHaveLength(2);
    expect(await store.auditLog({ sinceMs: T - HOUR, untilMs: T + HOUR - 1, limit: 10 })).toHaveLength(1);
  });

  it('claims a request once while it lives (replay protection), and again after it expired', async () => {
    const store = await make();
    expect(await store.claimRequest('v0=abc', T + 300_000, T)).toBe(true);
    expect(await store.claimRequest('v0=abc', T + 300_000, T + 1)).toBe(false);
    expect(await store.claimRequest('v0=def', T + 300_000, T + 1)).toBe(true);
    expect(await store.claimRequest('v0=abc', T + 700_000, T + 400_000)).toBe(true);
  });
});
