import { describe, expect, it } from 'vitest';
import { DynamoDbDenialStore } from '../../lambdas/adapters/dynamodb-denial-store.js';
import { MEMBERS_PER_MINUTE_CAP } from '../../lambdas/adapters/table-schema.js';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createSpikeEngine, memberHash } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst, syntheticDenial } from '../support/records.js';
import { alertsIn, countsByKey, scanTable } from './support.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-03-01T10:00:00Z');
const NOW = Date.parse('2026-11-23T00:00:00Z');
const minutes = (n: number) => n * 60_000;

/** A fresh table behind a store that buffers its counters (the embedded replay's sole writer). */
async function bufferedStoreOnNewTable() {
  const { tableName } = await dynamo.newTable();
  return { tableName, store: new DynamoDbDenialStore({ tableName, client: dynamo.client(), soleWriterOfNewTable: true }) };
}

/** Counter items and alerts of a table, comparable between two tables. */
async function contentOf(tableName: string) {
  const items = await scanTable(dynamo.client(), tableName);
  const buckets = items
    .filter((item) => String(item.sk).startsWith('B#'))
    .map((item) => {
      const sets = Object.entries(item)
        .filter(([name, value]) => /^[mp]\d+$/.test(name) && value instanceof Set)
        .map(([name, value]) => `${name}:${[...(value as Set<Uint8Array>)].map((bytes) => Buffer.from(bytes).toString('hex')).sort().join(',')}`)
        .sort();
      return `${String(item.pk)}|${String(item.sk)}|${sets.join(';')}`;
    })
    .sort();
  const alerts = alertsIn(items)
    .map((entry) => `${entry.alertId}:${entry.alert.reason}:${entry.alert.count}`)
    .sort();
  return { buckets, alerts, counts: countsByKey(items) };
}

describe('counters buffered by the sole writer of a new table (the embedded replay)', () => {
  it('leaves the same counter items and decides the same alerts as writing each update, in a fraction of the requests', async () => {
    const records: CloudTrailRecord[] = [
      ...syntheticBurst(40, T0, 8, { principal: 'alpha' }),
      ...Array.from({ length: 12 }, (_, index) => syntheticDenial({ time: T0 + minutes(47 * index + 3), principal: 'sparse' })),
      ...Array.from({ length: 130 }, (_, index) => syntheticDenial({ time: T0 + minutes(300) + index * 1_000, principal: 'scanner', key: `scan/${index}` })),
      ...syntheticBurst(11, T0 + minutes(30), 3, { principal: 'gamma', key: 'other/x' }),
    ].sort((a, b) => (String(a.eventTime) < String(b.eventTime) ? -1 : 1));
    const direct = await dynamo.newTable();
    const buffered = await bufferedStoreOnNewTable();
    for (const { store } of [direct, buffered]) {
      const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW });
      for (let start = 0; start < records.length; start += 25) await engine.processBatch(records.slice(start, start + 25));
      await engine.processBatch(records.slice(0, 60)); // redelivered: counts nothing twice
    }
    const expected = await contentOf(direct.tableName);
    const actual = await contentOf(buffered.tableName);
    // The same buckets, except those holding only the previous bucket's carried minutes (not written: every read of
    // their window reads the bucket the minutes belong to).
    const ownsMinutes = (bucket: string) => /[|;]m\d+:/.test(bucket);
    expect(actual.buckets).toEqual(expected.buckets.filter(ownsMinutes));
    expect(expected.buckets.length).toBeGreaterThan(actual.buckets.length);
    for (const key of ['FP#', 'PA#', 'PR#']) {
      for (const pk of new Set(expected.buckets.filter((bucket) => bucket.startsWith(key)).map((bucket) => bucket.split('|')[0]!))) {
        const windows = await Promise.all([direct.store, buffered.store].map((store) => store.readKey(pk, Math.floor(T0 / 60_000) - 10, false)));
        expect(windows[1]!.minutes).toEqual(windows[0]!.minutes);
      }
    }
    expect(actual.alerts).toEqual(expected.alerts);
    expect(expected.alerts.map((alert) => alert.split(':')[1])).toEqual(expect.arrayContaining(['threshold', 'distinct-resources']));
    expect([...actual.counts].filter(([key]) => key.startsWith('FP#')).reduce((sum, [, count]) => sum + count, 0)).toBe(records.length);
    expect(buffered.store.requestCount).toBeLessThan(direct.store.requestCount / 2);
  });

  it('saturates a minute at the same count, and a read sees members not yet flushed', async () => {
    const direct = await dynamo.newTable();
    const buffered = await bufferedStoreOnNewTable();
    const minute = Math.floor(T0 / 60_000);
    const members = Array.from({ length: MEMBERS_PER_MINUTE_CAP + 2_500 }, (_, index) => memberHash(`flood-${index}`));
    const saturated: boolean[] = [];
    for (const { store } of [direct, buffered]) {
      let seen = false;
      for (let start = 0; start < members.length; start += 900) {
        seen = (await store.addMembers('FP#flood', new Map([[minute, members.slice(start, start + 900)]]), 0, 4)).saturated.has(minute) || seen;
      }
      saturated.push(seen);
    }
    expect(saturated).toEqual([true, true]);
    expect(buffered.store.requestCount).toBe(0);
    const read = await buffered.store.readKey('FP#flood', minute - 10, false);
    expect(read.minutes.get(minute)?.size).toBe((await direct.store.readKey('FP#flood', minute - 10, false)).minutes.get(minute)?.size);
    expect((await contentOf(buffered.tableName)).buckets).toEqual((await contentOf(direct.tableName)).buckets);
  });
});
