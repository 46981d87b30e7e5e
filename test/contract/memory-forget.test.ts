/** What the in-process store drops as a replay's event time moves on, and what it keeps (memory stays bounded). */
import { describe, expect, it } from 'vitest';
import { MemoryChangeStore } from '../../lambdas/adapters/memory/memory-change-store.js';
import { MemoryDenialStore } from '../../lambdas/adapters/memory/memory-denial-store.js';
import { classify } from '../../lambdas/core/classify.js';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import type { Denial } from '../../lambdas/core/types.js';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import type { AlertRecord } from '../../lambdas/engine/denial-store.js';
import { memberHash } from '../../lambdas/engine/spike-engine.js';
import { iamRoleChange } from '../changes/support/timeline.js';
import { syntheticDenial } from '../support/records.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const LATER = Math.floor(Date.parse('2030-01-01T00:00:00Z') / 1000);
const NOW = Date.parse('2026-11-30T00:00:00Z');

describe('in-process store: forgetting closed windows', () => {
  it('drops counter minutes and history before the cut, keeps what is after it and every key state', async () => {
    const store = new MemoryDenialStore();
    const minute = Math.floor(T0 / 60_000);
    await store.addMembers('FP#x', new Map([[minute, [memberHash('old')]], [minute + 120, [memberHash('new')]]]), LATER);
    const entry = (timeMs: number) => ({ denial: classify(syntheticDenial({ time: timeMs })) as Denial & { eventId: string }, timeMs, suppressedBy: null });
    await store.putHistory([entry(T0), entry(T0 + 7_200_000)], LATER);
    await store.commitDecision('FP#x', { lastAlertMinute: null, lastAlertCount: 0, baseline: 0, baselineWindow: null, firstSeenMs: T0, lastSeenMs: T0, alertCount: 0, version: 1 }, null, [], LATER);
    store.forgetBefore(minute + 60, T0 + 3_600_000);
    expect([...(await store.readKey('FP#x', minute, true)).minutes.keys()]).toEqual([minute + 120]);
    expect(await store.queryHistory({ sinceMs: T0 - 60_000, untilMs: T0 + 86_400_000, limit: 10 }, NOW)).toHaveLength(1);
    expect((await store.readState('FP#x'))?.version).toBe(1);
  });

  it('drops the alerts the outbox is done with, and keeps the pending ones for delivery', async () => {
    const store = new MemoryDenialStore();
    const alert = (alertId: string): AlertRecord => ({
      alert: { alertId, fingerprint: 'fp', reason: 'threshold', count: 5 } as unknown as AlertSummary,
      sample: classify(syntheticDenial({ time: T0 })) as Denial,
      enriched: true,
      delivered: [],
      deadLettered: [],
      createdMs: T0,
    });
    await store.commitDecision('FP#x', { lastAlertMinute: null, lastAlertCount: 0, baseline: 0, baselineWindow: null, firstSeenMs: T0, lastSeenMs: T0, alertCount: 2, version: 1 }, null, [alert('sent'), alert('waiting')], LATER);
    expect(await store.leaseAlert('sent', NOW, NOW + 60_000)).not.toBeNull();
    await store.recordDelivery('sent', { delivered: ['slack:default'], deadLettered: [], done: true });
    store.forgetBefore(0, 0);
    expect(store.contents().alerts.map((stored) => stored.alertId)).toEqual(['waiting']);
    expect(await store.pendingAlertIds(10)).toEqual(['waiting']);
    expect((await store.leaseAlert('waiting', NOW, NOW + 60_000))?.alert.alertId).toBe('waiting');
  });

  it('drops changes before the cut but still knows who succeeded before', async () => {
    const store = new MemoryChangeStore();
    await store.putChanges([extractChange(iamRoleChange(T0, 'PutRolePolicy', '123456789012', 'worker'))!], LATER);
    store.forgetBefore(T0 + 1);
    expect(await store.findChanges({ targets: ['arn:aws:iam::123456789012:role/worker'], organization: false, fromMs: 0, untilMs: T0 + 1, limitPerKey: 10 }, NOW)).toEqual([]);
    expect(await store.succeededBefore('arn:aws:iam::123456789012:user/alice', 'iam:PutRolePolicy', T0 + 1, NOW)).toBe(true);
  });
});
