/**
 * The handler's alert publisher loads its module (renderers, SNS, Slack) with the first alert, not at cold start: it
 * loads once for every later round, and a failed load fails that round only (the outbox keeps its alerts pending)
 * and is tried again on the next.
 */
import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { lazyAlertPublisher } from '../../lambdas/adapters/lazy-publisher.js';
import type { AlertPublisher, PublishRequest } from '../../lambdas/engine/alert-publisher.js';
import { loadAlertDeliveryModule } from '../../lambdas/handler.js';

const request = (alertId: string): PublishRequest => ({ alert: { alertId } as AlertSummary, alreadyDelivered: [] });

/** A publisher that delivers everything to one channel and records the deadlines it was given. */
function recordingPublisher(deadlines: number[]): AlertPublisher {
  return {
    async publish(requests, { deadlineMs }) {
      deadlines.push(deadlineMs);
      return requests.map(({ alert }) => ({ alertId: alert.alertId, channel: 'sns:arn:aws:sns:eu-west-1:111122223333:alerts', status: 'delivered' as const }));
    },
  };
}

describe('the lazily loaded alert publisher', () => {
  it('loads nothing until the first alert, then once for every round', async () => {
    const deadlines: number[] = [];
    let loads = 0;
    const publisher = lazyAlertPublisher(async () => {
      loads++;
      return recordingPublisher(deadlines);
    });
    expect(loads).toBe(0);
    await expect(publisher.publish([request('a1')], { deadlineMs: 1_000 })).resolves.toEqual([{ alertId: 'a1', channel: 'sns:arn:aws:sns:eu-west-1:111122223333:alerts', status: 'delivered' }]);
    await publisher.publish([request('a2'), request('a3')], { deadlineMs: 2_000 });
    expect(loads).toBe(1);
    expect(deadlines).toEqual([1_000, 2_000]);
  });

  it('fails the round whose load failed and loads again on the next', async () => {
    const deadlines: number[] = [];
    let loads = 0;
    const publisher = lazyAlertPublisher(async () => {
      if (++loads === 1) throw new Error('Cannot find module alert-delivery.mjs');
      return recordingPublisher(deadlines);
    });
    await expect(publisher.publish([request('a1')], { deadlineMs: 1_000 })).rejects.toThrow('alert-delivery.mjs');
    await expect(publisher.publish([request('a1')], { deadlineMs: 2_000 })).resolves.toHaveLength(1);
    expect(loads).toBe(2);
    expect(deadlines).toEqual([2_000]);
  });

  it('is, from the sources, the routed Lambda publisher', async () => {
    const module = await loadAlertDeliveryModule();
    expect(typeof module.createLambdaPublisher({}).publish).toBe('function');
  });
});
