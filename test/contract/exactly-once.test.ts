import { describe, expect, it } from 'vitest';
import { MEMBERS_PER_MINUTE_CAP } from '../../lambdas/adapters/table-schema.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createSpikeEngine, memberHash } from '../../lambdas/engine/spike-engine.js';
import type { MemoryStoreContents } from '../../lambdas/adapters/memory/memory-denial-store.js';
import { syntheticBurst } from '../support/records.js';
import { countsByKey, largestItemByKind, scanTable } from '../engine/support.js';
import { storeAdapters } from './adapters.js';

const { adapters, dynamo } = storeAdapters();
const T0 = Date.parse('2025-03-01T10:00:00Z');
const NOW = Date.parse('2026-11-23T00:00:00Z');
const minutes = (n: number) => n * 60_000;

/** A seeded shuffle, so a failure can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

async function fingerprintCounts(contents: () => Promise<MemoryStoreContents>): Promise<Map<string, number>> {
  return new Map([...(await contents()).counts].filter(([key]) => key.startsWith('FP#')));
}

describe.each(adapters)('exactly-once counting on $name, whatever the batch composition', (adapter) => {
  it('counts each denial once when subsets come back regrouped, split, reversed and concurrently, and alerts as one pass did', async () => {
    const records: CloudTrailRecord[] = [
      ...syntheticBurst(40, T0, 8, { principal: 'alpha' }),
      ...syntheticBurst(25, T0 + minutes(2), 4, { principal: 'beta' }),
      ...syntheticBurst(11, T0 + minutes(30), 3, { principal: 'gamma', key: 'other/x' }),
    ];
    const reference = await adapter.newStore();
    const once = createSpikeEngine({ store: reference.store, settings: resolveSettings(), now: () => NOW });
    for (const batch of chunks(records, 20)) await once.processBatch(batch);

    const { store, contents } = await adapter.newStore();
    const engines = Array.from({ length: 3 }, () => createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW }));
    // Every record at least once, most of them several times, in batches that never repeat the same composition.
    const deliveries = [
      ...chunks(shuffled(records, 1), 7),
      ...chunks(shuffled(records, 2).slice(0, 50), 13),
      ...chunks([...records].reverse(), 31),
      ...chunks(shuffled(records, 3).slice(10, 40), 1),
    ];
    await Promise.all(
      engines.map(async (engine, lane) => {
        for (const [index, batch] of deliveries.entries()) if (index % engines.length === lane) await engine.processBatch(batch);
      }),
    );

    expect(await fingerprintCounts(contents)).toEqual(await fingerprintCounts(reference.contents));
    expect([...(await fingerprintCounts(contents)).values()].sort((a, b) => a - b)).toEqual([11, 25, 40]);
    const alerts = (await contents()).alerts.map((entry) => entry.alert.reason);
    const referenceAlerts = (await reference.contents()).alerts.map((entry) => entry.alert.reason);
    expect(alerts.sort()).toEqual(referenceAlerts.sort());
    expect(alerts.filter((reason) => reason === 'threshold')).toHaveLength(3);
    const history = await store.queryHistory({ sinceMs: T0 - minutes(60), untilMs: T0 + minutes(120), limit: 1_000 }, NOW);
    expect(history).toHaveLength(records.length);
  });

  it('30 concurrent batches on one fingerprint converge: exact count, exactly one alert, no batch fails', async () => {
    const { store, contents } = await adapter.newStore();
    const burst = syntheticBurst(300, T0, 3);
    const results = await Promise.allSettled(
      chunks(burst, 10).map((batch) => createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW }).processBatch(batch)),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const alerts = results.flatMap((result) => (result.status === 'fulfilled' ? result.value.alerts : []));
    expect(alerts.map((alert) => alert.reason)).toEqual(['threshold']);
    expect([...(await fingerprintCounts(contents)).values()]).toEqual([300]);
    expect((await contents()).alerts).toHaveLength(1);
  });

  it('a minute saturates at the cap (at most one update of 1,000 members past it), and says so', async () => {
    const { store, contents } = await adapter.newStore();
    const minute = Math.floor(T0 / 60_000);
    const members = Array.from({ length: MEMBERS_PER_MINUTE_CAP + 2_500 }, (_, index) => memberHash(`flood-${index}`));
    let saturated = false;
    for (const part of chunks(members, 900)) saturated = (await store.addMembers('FP#flood', new Map([[minute, part]]), 0)).saturated.has(minute) || saturated;
    expect(saturated).toBe(true);
    // 900 members an update: the update that found 4,500 adds its 900 (5,400), the next finds the cap reached.
    expect((await contents()).counts.get('FP#flood')).toBe(5_400);
  });
});

describe('counter items on DynamoDB Local', () => {
  // 20,000 batches, as the issue asks: about 4 minutes on a 2-core machine (each update rewrites a growing bucket in
  // DynamoDB Local), hence the slow tag. BOUNDED_BATCHES=1500 runs a quicker check; the bound does not depend on it.
  const boundedBatches = Number(process.env.BOUNDED_BATCHES ?? 20_000);
  it(`stays bounded after ${boundedBatches} batches on one fingerprint within one hour`, { tags: ['slow'], timeout: 900_000 }, async () => {
    const { store, tableName } = await dynamo.newTable();
    const key = 'FP#bounded-test';
    const hour = Math.floor(T0 / 60_000);
    // Driven through the store directly (the engine's counter path), 3 events per batch: 60,000 events in one hour.
    let next = 0;
    const batches = boundedBatches;
    const worker = async () => {
      while (next < batches) {
        const index = next++;
        const minute = hour + (index % 60);
        await store.addMembers(key, new Map([[minute, [0, 1, 2].map((n) => memberHash(`event-${index}-${n}`))]]), 0);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const items = await scanTable(dynamo.client(), tableName);
    expect(countsByKey(items).get(key)).toBe(3 * batches);
    const largest = largestItemByKind(items);
    // Members a minute x 10 minutes a bucket x 5 bytes a member, whatever the number of batches (1,000 members a
    // minute at 20,000 batches: ~50 KB).
    expect(largest['counter bucket']).toBeLessThan(((3 * batches) / 60) * 10 * 5 + 1_000);
    console.log(`largest items after ${batches} batches: ${JSON.stringify(largest)}`);
    expect(items.every((item) => Object.keys(item).length <= 14)).toBe(true);
  });

  it('a minute saturates at the cap instead of growing past the item limit, and says so', async () => {
    const { store, tableName } = await dynamo.newTable();
    const minute = Math.floor(T0 / 60_000);
    const members = Array.from({ length: MEMBERS_PER_MINUTE_CAP + 2_500 }, (_, index) => memberHash(`flood-${index}`));
    let saturated = false;
    for (const part of chunks(members, 900)) saturated = (await store.addMembers('FP#flood', new Map([[minute, part]]), 0)).saturated.has(minute) || saturated;
    expect(saturated).toBe(true);
    const items = await scanTable(dynamo.client(), tableName);
    const counted = countsByKey(items).get('FP#flood')!;
    expect(counted).toBeGreaterThanOrEqual(MEMBERS_PER_MINUTE_CAP);
    expect(counted).toBeLessThan(MEMBERS_PER_MINUTE_CAP + 1_000);
    expect(largestItemByKind(items)['counter bucket']).toBeLessThan(40_000);
  });
});
