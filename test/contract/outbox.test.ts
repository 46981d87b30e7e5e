import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../lambdas/core/config.js';
import { createAlertOutbox } from '../../lambdas/engine/outbox.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { syntheticBurst } from '../support/records.js';
import { recordingPublisher } from '../engine/support.js';
import { storeAdapters, type StoreAdapter } from './adapters.js';

const { adapters } = storeAdapters();
const T0 = Date.parse('2025-05-05T05:00:00Z');

async function tableWithPendingAlerts(adapter: StoreAdapter, count: number) {
  const { store, contents } = await adapter.newStore();
  const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
  const records = Array.from({ length: count }, (_, index) => syntheticBurst(5, T0, 1, { principal: `role-${index}` })).flat();
  const { alerts } = await engine.processBatch(records);
  expect(alerts).toHaveLength(count);
  return { store, contents, engine };
}

describe.each(adapters)('alert outbox on $name', (adapter) => {
  it('keeps decided alerts pending until published: a later delivery round (next invocation) sends them', async () => {
    const { store, contents } = await tableWithPendingAlerts(adapter, 3);
    expect((await contents()).alerts.map((entry) => entry.status)).toEqual(['pending', 'pending', 'pending']);
    const publisher = recordingPublisher();
    const outbox = createAlertOutbox({ store, publisher, deadLetter: async () => undefined, now: Date.now });
    const stats = await outbox.deliverPending({ deadlineMs: Date.now() + 30_000 });
    expect(stats).toMatchObject({ attempted: 3, delivered: 3, deadLettered: 0, pending: 0 });
    expect((await contents()).alerts.map((entry) => entry.status)).toEqual(['done', 'done', 'done']);
    expect(await store.pendingAlertIds(10)).toEqual([]);
  });

  it('two invocations delivering at once publish each alert once (a lease per alert)', async () => {
    const { store } = await tableWithPendingAlerts(adapter, 4);
    const publisher = recordingPublisher();
    const outbox = () => createAlertOutbox({ store, publisher, deadLetter: async () => undefined, now: Date.now });
    await Promise.all([outbox().deliverPending({ deadlineMs: Date.now() + 30_000 }), outbox().deliverPending({ deadlineMs: Date.now() + 30_000 })]);
    expect(publisher.deliveries).toHaveLength(4);
    expect(new Set(publisher.deliveries.map((delivery) => delivery.alertId)).size).toBe(4);
  });

  it('retries only the channel that did not take an alert, with the same alert id', async () => {
    const { store, contents } = await tableWithPendingAlerts(adapter, 1);
    let snsUp = false;
    const publisher = recordingPublisher({ 'slack:default': () => 'delivered', 'sns:topic': () => (snsUp ? 'delivered' : 'connection reset') });
    let deadLetterUp = false;
    const outbox = createAlertOutbox({
      store,
      publisher,
      // The dead-letter queue is down too: the alert cannot be let go, it stays in the outbox.
      deadLetter: async () => {
        if (!deadLetterUp) throw new Error('dead-letter queue unavailable');
      },
      now: Date.now,
    });
    expect(await outbox.deliverPending({ deadlineMs: Date.now() + 30_000 })).toMatchObject({ delivered: 1, pending: 1 });
    expect((await contents()).alerts).toMatchObject([{ status: 'pending', delivered: ['slack:default'] }]);
    snsUp = true;
    deadLetterUp = true;
    expect(await outbox.deliverPending({ deadlineMs: Date.now() + 30_000 })).toMatchObject({ delivered: 1, pending: 0 });
    expect(publisher.calls[1]).toEqual([expect.objectContaining({ alreadyDelivered: ['slack:default'] })]);
    expect(publisher.deliveries.map((delivery) => delivery.channel)).toEqual(['slack:default', 'sns:topic']);
    expect(new Set(publisher.deliveries.map((delivery) => delivery.alertId)).size).toBe(1);
    expect((await contents()).alerts).toMatchObject([{ status: 'done', delivered: ['slack:default', 'sns:topic'] }]);
  });

  it('publishes nothing past the deadline: what is left stays pending for the next invocation', async () => {
    const { store } = await tableWithPendingAlerts(adapter, 2);
    const publisher = recordingPublisher();
    const outbox = createAlertOutbox({ store, publisher, deadLetter: async () => undefined, now: Date.now });
    expect(await outbox.deliverPending({ deadlineMs: Date.now() - 1 })).toMatchObject({ attempted: 0, pending: 2 });
    expect(publisher.calls).toEqual([]);
    expect(await store.pendingAlertIds(10)).toHaveLength(2);
  });
});
