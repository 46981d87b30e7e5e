/**
 * The denial store's contract, the same cases on DynamoDB Local and on the in-process store: what the engine can see
 * of a store (conditional writes, all-or-nothing decisions, item and request limits, TTL, order, partial failures)
 * is the same on both. A behaviour that differs fails here.
 */
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { classify } from '../../lambdas/core/classify.js';
import type { Denial } from '../../lambdas/core/types.js';
import type { AlertRecord, HistoryEntry, KeyState } from '../../lambdas/engine/denial-store.js';
import { StoreError } from '../../lambdas/engine/denial-store.js';
import { memberHash } from '../../lambdas/engine/spike-engine.js';
import { throttled } from '../support/dynamodb.js';
import { syntheticDenial } from '../support/records.js';
import { storeAdapters } from './adapters.js';

const { adapters } = storeAdapters();
const T0 = Date.parse('2025-06-01T12:00:00Z');
const NOW_SEC = Math.floor(Date.parse('2026-11-30T00:00:00Z') / 1000);
const LATER = NOW_SEC + 86_400;

const state = (version: number): KeyState => ({ lastAlertMinute: null, lastAlertCount: 0, baseline: 0, baselineWindow: null, firstSeenMs: T0, lastSeenMs: T0, alertCount: version, version });

function denialAt(timeMs: number, principal = 'alpha'): Denial & { eventId: string } {
  return classify(syntheticDenial({ time: timeMs, principal })) as Denial & { eventId: string };
}

function entry(timeMs: number, principal = 'alpha'): HistoryEntry {
  return { denial: denialAt(timeMs, principal), timeMs, suppressedBy: null };
}

function alertRecord(alertId: string, createdMs: number, extra: Record<string, unknown> = {}): AlertRecord {
  const sample = denialAt(T0);
  return { alert: { alertId, fingerprint: 'fp', reason: 'threshold', count: 5, ...extra } as unknown as AlertSummary, sample, enriched: false, delivered: [], deadLettered: [], createdMs };
}

/** Random bytes as text: what gzip cannot shrink. */
const incompressible = (bytes: number) => Buffer.from(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256))).toString('base64');

describe.each(adapters)('denial store contract on $name', (adapter) => {
  it('commits a decision only over the version it read; a refused condition writes nothing', async () => {
    const { store, contents } = await adapter.newStore();
    expect(await store.commitDecision('FP#a', state(1), null, [], LATER)).toBe(true);
    expect(await store.commitDecision('FP#a', state(1), null, [], LATER)).toBe(false);
    expect(await store.commitDecision('FP#a', state(2), 0, [alertRecord('lost', T0)], LATER)).toBe(false);
    expect(await store.commitDecision('FP#a', state(2), 1, [alertRecord('kept', T0)], LATER)).toBe(true);
    expect((await store.readState('FP#a'))?.version).toBe(2);
    expect((await contents()).alerts.map((alert) => alert.alertId)).toEqual(['kept']);
    expect(await store.pendingAlertIds(10)).toEqual(['kept']);
  });

  it('refuses a decision whole when one alert item is over 400 KB: no state, no alert, no outbox marker', async () => {
    const { store, contents } = await adapter.newStore();
    const huge = alertRecord('huge', T0, { note: incompressible(420 * 1024) });
    await expect(store.commitDecision('FP#b', state(1), null, [alertRecord('small', T0), huge], LATER)).rejects.toBeInstanceOf(StoreError);
    expect(await store.readState('FP#b')).toBeNull();
    expect(await contents()).toMatchObject({ alerts: [], outboxMarkers: 0 });
  });

  it('refuses a decision whole beyond 100 actions in one transaction (1 state + 2 per alert)', async () => {
    const { store, contents } = await adapter.newStore();
    const alerts = Array.from({ length: 50 }, (_, index) => alertRecord(`a${index}`, T0 + index));
    await expect(store.commitDecision('FP#c', state(1), null, alerts, LATER)).rejects.toBeInstanceOf(StoreError);
    expect(await store.readState('FP#c')).toBeNull();
    expect((await contents()).alerts).toEqual([]);
    // 49 alerts: 99 actions, accepted.
    expect(await store.commitDecision('FP#c', state(1), null, alerts.slice(0, 49), LATER)).toBe(true);
    expect(await store.pendingAlertIds(100)).toHaveLength(49);
  });

  it('lists pending alerts oldest first, up to the limit, and leases each to one holder until it expires', async () => {
    const { store } = await adapter.newStore();
    await store.commitDecision('FP#d', state(1), null, [alertRecord('late', T0 + 2), alertRecord('early', T0), alertRecord('middle', T0 + 1)], LATER);
    expect(await store.pendingAlertIds(10)).toEqual(['early', 'middle', 'late']);
    expect(await store.pendingAlertIds(2)).toEqual(['early', 'middle']);
    const leased = await store.leaseAlert('early', 1_000, 5_000);
    expect(leased?.alert.alertId).toBe('early');
    expect(await store.leaseAlert('early', 2_000, 6_000)).toBeNull();
    expect((await store.leaseAlert('early', 5_001, 9_000))?.alert.alertId).toBe('early');
    await store.recordDelivery('early', { delivered: ['slack:default'], deadLettered: [], done: false });
    expect((await store.leaseAlert('early', 5_002, 9_000))?.delivered).toEqual(['slack:default']);
    await store.recordDelivery('early', { delivered: ['sns:topic'], deadLettered: [], done: true });
    expect(await store.pendingAlertIds(10)).toEqual(['middle', 'late']);
    expect(await store.leaseAlert('early', 99_000, 100_000)).toBeNull();
    await expect(store.recordDelivery('unknown', { delivered: [], deadLettered: [], done: true })).rejects.toBeInstanceOf(StoreError);
    await expect(store.updateAlert(alertRecord('unknown', T0), LATER)).rejects.toBeInstanceOf(StoreError);
  });

  it('reads back what was written as a copy: changing a returned state or alert changes nothing stored', async () => {
    const { store } = await adapter.newStore();
    await store.commitDecision('FP#e', state(1), null, [alertRecord('copy', T0)], LATER);
    const read = (await store.readState('FP#e'))!;
    read.version = 99;
    expect((await store.readState('FP#e'))?.version).toBe(1);
    const leased = (await store.leaseAlert('copy', 0, 1))!;
    leased.alert.fingerprint = 'changed';
    expect((await store.leaseAlert('copy', 2, 3))?.alert.fingerprint).toBe('fp');
  });

  it('keeps expired items readable (TTL deletes only eventually) but leaves them out of history queries', async () => {
    const { store } = await adapter.newStore();
    const expired = NOW_SEC - 60;
    await store.commitDecision('FP#f', state(1), null, [], expired);
    expect((await store.readState('FP#f'))?.version).toBe(1);
    await store.putHistory([entry(T0), entry(T0 + 60_000)], expired);
    await store.putHistory([entry(T0 + 120_000)], LATER);
    const query = { sinceMs: T0 - 3_600_000, untilMs: T0 + 3_600_000, limit: 100 };
    expect(await store.queryHistory(query, NOW_SEC * 1000)).toHaveLength(1);
    expect(await store.historyOfPrincipal(denialAt(T0).principalArn, null, T0 - 60_000, T0 + 3_600_000)).toHaveLength(3);
  });

  it('answers history newest first, limited, filtered, idempotent on a redelivery, with every field present', async () => {
    const { store } = await adapter.newStore();
    const entries = [entry(T0), entry(T0 + 60_000), entry(T0 + 120_000, 'beta'), entry(T0 + 180_000)];
    await store.putHistory(entries, LATER);
    await store.putHistory(entries.slice(1), LATER);
    const nowMs = NOW_SEC * 1000;
    const all = await store.queryHistory({ sinceMs: T0 - 60_000, untilMs: T0 + 3_600_000, limit: 100 }, nowMs);
    expect(all.map((record) => record.eventTime)).toEqual([3, 2, 1, 0].map((n) => new Date(T0 + n * 60_000).toISOString()));
    expect(all.every((record) => 'sessionName' in record && 'errorMessage' in record && 'suppressedBy' in record)).toBe(true);
    const limited = await store.queryHistory({ sinceMs: T0 - 60_000, untilMs: T0 + 3_600_000, limit: 2 }, nowMs);
    expect(limited.map((record) => record.eventId)).toEqual([entries[3]!.denial.eventId, entries[2]!.denial.eventId]);
    const beta = entries[2]!.denial.principalArn!;
    const ofBeta = await store.queryHistory({ principalArn: beta, sinceMs: T0 - 60_000, untilMs: T0 + 3_600_000, limit: 100 }, nowMs);
    expect(ofBeta.map((record) => record.eventId)).toEqual([entries[2]!.denial.eventId]);
    const ofAlpha = await store.historyOfPrincipal(entries[0]!.denial.principalArn, null, T0, T0 + 180_000);
    expect(ofAlpha.map((record) => record.eventId).sort()).toEqual([entries[0], entries[1], entries[3]].map((e) => e!.denial.eventId).sort());
    await expect(store.queryHistory({ sinceMs: 0, untilMs: Date.parse('2020-01-01T00:00:00Z'), limit: 1 }, nowMs)).rejects.toThrow(/10 years/);
  });

  it('writes history 25 items to a request: a failed request names its denials, the others are stored', async () => {
    const target = await adapter.newStore();
    // 30 principals: 30 items, two requests; the first fails.
    const entries = Array.from({ length: 30 }, (_, index) => entry(T0, `p${index}`));
    let failed = false;
    target.setPlan(({ command }) => {
      if (!command.startsWith('BatchWrite') || failed) return null;
      failed = true;
      return throttled();
    });
    const error = await target.store.putHistory(entries, LATER).then(
      () => null,
      (caught: unknown) => caught,
    );
    target.setPlan(null);
    expect(error).toBeInstanceOf(StoreError);
    const notStored = (error as StoreError).eventIds;
    expect(notStored).toHaveLength(25);
    const stored = await target.store.queryHistory({ sinceMs: T0 - 60_000, untilMs: T0 + 60_000, limit: 100 }, NOW_SEC * 1000);
    expect(stored).toHaveLength(5);
    expect(stored.every((record) => !notStored.includes(String(record.eventId)))).toBe(true);
  });

  it('adds counter members idempotently and reports before, after and what the result covers', async () => {
    const { store } = await adapter.newStore();
    const minute = Math.floor(T0 / 60_000);
    const hashes = (names: string[]) => names.map((name) => memberHash(name));
    await store.addMembers('FP#g', new Map([[minute, hashes(['a', 'b'])]]), LATER, 4);
    const second = await store.addMembers('FP#g', new Map([[minute, hashes(['b', 'c'])], [minute + 1, hashes(['d'])]]), LATER, 4);
    expect(second.before.get(minute)?.size).toBe(2);
    expect(second.after.get(minute)?.size).toBe(3);
    expect(second.after.get(minute + 1)?.size).toBe(1);
    expect(second.saturated.size).toBe(0);
    expect(second.covered.some(([from, to]) => from <= minute && to >= minute + 1)).toBe(true);
    const read = await store.readKey('FP#g', minute, false);
    expect([...read.minutes.get(minute)!].sort()).toEqual(hashes(['a', 'b', 'c']).sort());
    expect(read.minutes.get(minute + 1)?.size).toBe(1);
  });

  it('a failed request changes nothing of what it carried', async () => {
    const target = await adapter.newStore();
    target.setPlan(() => throttled());
    await expect(target.store.commitDecision('FP#h', state(1), null, [alertRecord('x', T0)], LATER)).rejects.toBeInstanceOf(StoreError);
    await expect(target.store.addMembers('FP#h', new Map([[1, [memberHash('a')]]]), LATER)).rejects.toThrow();
    target.setPlan(null);
    expect(await target.store.readState('FP#h')).toBeNull();
    expect(await target.contents()).toMatchObject({ alerts: [], outboxMarkers: 0 });
    expect((await target.contents()).counts.size).toBe(0);
  });
});
