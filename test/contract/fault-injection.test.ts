/**
 * The fault-injection harness, on both store adapters: the real batch processor and engine on a real DynamoDB Local
 * (the DynamoDB client wrapped so that chosen requests fail) and on the in-process store (the same requests failing
 * at the same steps). "Killing" the process at request k is every request from k on failing (the
 * table gone): nothing after that point reaches storage, as if the process had died there. Then SQS delivers the
 * batch again to a healthy process. Whatever k, counts must be exact and every decided alert delivered.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { processSqsBatch, type SqsBatchDeps } from '../../lambdas/engine/process-sqs-batch.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { connectionRefused, throttled, type FaultPlan } from '../support/dynamodb.js';
import { syntheticBurst, syntheticDenial } from '../support/records.js';
import { largestItemByKind, recordingPublisher, scanTable } from '../engine/support.js';
import { fingerprintCounts, storeAdapters, type StoreAdapter } from './adapters.js';

const { adapters, dynamo } = storeAdapters();
const T0 = Date.parse('2025-05-05T05:00:00Z');

const message = (id: string, record: CloudTrailRecord): SQSRecord =>
  ({ messageId: id, body: JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record }) }) as SQSRecord;

/** A batch that alerts on two fingerprints and touches a third. */
const RECORDS = [
  ...syntheticBurst(7, T0, 2, { principal: 'alpha' }),
  ...syntheticBurst(6, T0 + 60_000, 1, { principal: 'beta' }),
  ...syntheticBurst(2, T0, 1, { principal: 'gamma' }),
];
const EVENT: SQSEvent = { Records: RECORDS.map((record, index) => message(`m${index}`, record)) };

/**
 * One scenario: a first invocation under `plan`, then SQS's redelivery (or the next invocation) on a healthy table:
 * the same batch again, or (`split`) its messages regrouped into two batches handled by two invocations at once.
 */
async function run(adapter: StoreAdapter, plan: FaultPlan | null, redelivery: 'same' | 'split' = 'same') {
  const faulty = await adapter.newStore(plan);
  const { store } = faulty;
  const publisher = recordingPublisher({ 'slack:default': () => 'delivered', 'sns:topic': () => 'delivered' });
  const deadLetters: Array<Record<string, unknown>> = [];
  const deps = (nowMs: number): SqsBatchDeps => ({
    engine: createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 }),
    store,
    publisher,
    deadLetter: async (_kind, body) => void deadLetters.push(body),
    metric: () => undefined,
    log: () => undefined,
    now: () => nowMs,
  });
  const start = Date.now();
  const first = await processSqsBatch(EVENT, deps(start), { deadlineMs: start + 60_000 });
  const requests = faulty.requests();
  const publishedInFirst = publisher.calls.length;
  faulty.setPlan(null);
  // Later: leases of a dead invocation have expired; SQS redelivers what failed, or the next batch comes.
  const later = start + 10 * 60_000;
  const failed = first.batchItemFailures.length > 0;
  let second: Awaited<ReturnType<typeof processSqsBatch>>;
  if (failed && redelivery === 'split') {
    const odd = EVENT.Records.filter((_, index) => index % 2 === 1);
    const even = EVENT.Records.filter((_, index) => index % 2 === 0);
    const halves = await Promise.all([odd, even].map((Records) => processSqsBatch({ Records }, deps(later), { deadlineMs: later + 60_000 })));
    second = { batchItemFailures: halves.flatMap((half) => half.batchItemFailures) };
  } else {
    second = await processSqsBatch(failed ? EVENT : { Records: [] }, deps(later), { deadlineMs: later + 60_000 });
  }
  const contents = await faulty.contents();
  return { first, second, requests, publishedInFirst, commands: faulty.commands(), contents, publisher, deadLetters };
}

describe.each(adapters)('fault injection: the real engine and batch processor on $name', (adapter) => {
  it('killed at every request of a batch and redelivered: exact counts, every alert delivered to every channel', async () => {
    const clean = await run(adapter, null);
    const expectedCounts = fingerprintCounts(clean.contents);
    const expectedAlerts = clean.contents.alerts.map((entry) => entry.alertId).sort();
    expect(Object.values(expectedCounts).sort()).toEqual([2, 6, 7]);
    expect(expectedAlerts).toHaveLength(2);
    const total = clean.requests;
    expect(total).toBeGreaterThan(8);
    for (let kill = 0; kill < total; kill++) {
      const outcome = await run(adapter, ({ index }) => (index >= kill ? connectionRefused() : null));
      const context = `killed at request ${kill} (${outcome.commands[kill]})`;
      expect(outcome.second.batchItemFailures, context).toEqual([]);
      expect(fingerprintCounts(outcome.contents), context).toEqual(expectedCounts);
      const alerts = outcome.contents.alerts;
      expect(alerts.map((entry) => entry.alertId).sort(), context).toEqual(expectedAlerts);
      for (const entry of alerts) {
        expect(entry, context).toMatchObject({ status: 'done', delivered: ['slack:default', 'sns:topic'] });
        for (const channel of ['slack:default', 'sns:topic']) {
          const deliveries = outcome.publisher.deliveries.filter((delivery) => delivery.alertId === entry.alertId && delivery.channel === channel).length;
          // A duplicate (same alertId) only when the process died between a channel taking the alert and the outcome
          // being recorded: the first invocation published, then storage went away.
          if (outcome.publishedInFirst === 0) expect(deliveries, `${context}, ${channel}`).toBe(1);
          else expect(deliveries, `${context}, ${channel}`).toBeGreaterThanOrEqual(1);
          expect(deliveries, `${context}, ${channel}`).toBeLessThanOrEqual(2);
        }
      }
      expect(outcome.deadLetters, context).toEqual([]);
      expect(outcome.contents.outboxMarkers, `${context}: outbox markers left`).toBe(0);
    }
  }, 600_000);

  it('killed at every request, then redelivered as two regrouped batches handled concurrently: the same exact counts and alerts', async () => {
    const clean = await run(adapter, null);
    const expectedCounts = fingerprintCounts(clean.contents);
    const expectedAlerts = clean.contents.alerts.map((entry) => entry.alertId).sort();
    for (let kill = 0; kill < clean.requests; kill++) {
      const outcome = await run(adapter, ({ index }) => (index >= kill ? connectionRefused() : null), 'split');
      const context = `killed at request ${kill} (${outcome.commands[kill]}), redelivered split`;
      expect(outcome.second.batchItemFailures, context).toEqual([]);
      expect(fingerprintCounts(outcome.contents), context).toEqual(expectedCounts);
      const alerts = outcome.contents.alerts;
      expect(alerts.map((entry) => entry.alertId).sort(), context).toEqual(expectedAlerts);
      for (const entry of alerts) expect(entry, context).toMatchObject({ status: 'done', delivered: ['slack:default', 'sns:topic'] });
    }
  }, 600_000);

  it('one throttled history write fails the batch; the redelivery counts everything once and alerts once', async () => {
    let throttledOnce = false;
    const outcome = await run(adapter, ({ command }) => {
      if (!command.startsWith('BatchWrite') || throttledOnce) return null;
      throttledOnce = true;
      return throttled();
    });
    expect(outcome.first.batchItemFailures).toHaveLength(RECORDS.length);
    expect(outcome.second.batchItemFailures).toEqual([]);
    expect(Object.values(fingerprintCounts(outcome.contents)).sort()).toEqual([2, 6, 7]);
    expect(outcome.contents.alerts).toHaveLength(2);
    expect(outcome.publisher.deliveries).toHaveLength(4);
  });

  it('a storage error after a decision cannot erase it: the alert committed before the failure is delivered in the same invocation', async () => {
    // After the first decision's transaction, every other write but item updates fails: the other fingerprint's
    // decision is refused and the batch fails, but the committed alert goes out from the outbox all the same.
    let committed = false;
    const outcome = await run(adapter, ({ command }) => {
      if (committed && !/^(Query|Update)/.test(command)) return throttled();
      if (command.startsWith('TransactWrite')) committed = true;
      return null;
    });
    expect(outcome.first.batchItemFailures).toHaveLength(RECORDS.length);
    expect(outcome.publisher.calls[0]?.length).toBeGreaterThanOrEqual(1);
    expect(outcome.contents.alerts.every((entry) => entry.status === 'done')).toBe(true);
    expect(outcome.contents.alerts).toHaveLength(2);
  });

  it('forged and future-dated events under the arrival clock are kept, flagged, and move nothing', async () => {
    const { store, contents } = await adapter.newStore();
    const arrival = Date.parse('2026-11-30T10:00:00Z');
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => arrival, clock: 'arrival' });
    const forged = Array.from({ length: 50 }, () => syntheticDenial({ time: '2099-01-01T00:00:00Z' }));
    const stale = Array.from({ length: 50 }, () => syntheticDenial({ time: arrival - 3 * 86_400_000 }));
    const result = await engine.processBatch([...forged, ...stale]);
    expect(result.stats).toMatchObject({ denials: 100, untrusted: 100, alerts: 0 });
    expect((await contents()).counts.size).toBe(0);
    const future = await store.queryHistory({ sinceMs: Date.parse('2098-12-31T00:00:00Z'), untilMs: Date.parse('2099-01-02T00:00:00Z'), limit: 1_000 }, arrival);
    const old = await store.queryHistory({ sinceMs: arrival - 4 * 86_400_000, untilMs: arrival, limit: 1_000 }, arrival);
    expect(future.map((record) => record.distrust)).toEqual(Array(50).fill('future'));
    expect(old.map((record) => record.distrust)).toEqual(Array(50).fill('stale'));
    // The forged future did not silence the fingerprint: live denials still alert.
    const live = await engine.processBatch(syntheticBurst(5, arrival - 60_000, 1));
    expect(live.alerts.map((alert) => alert.reason)).toEqual(['threshold']);
  });
});

/** The DynamoDB layout itself (item sizes): a property of the table, not of the port. */
describe('item sizes on DynamoDB Local', () => {
  it('keeps every item small: the largest of each kind after a storm on one fingerprint', async () => {
    const { tableName, store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const storm = syntheticBurst(12_000, T0, 2);
    for (let start = 0; start < storm.length; start += 1_000) await engine.processBatch(storm.slice(start, start + 1_000));
    const largest = largestItemByKind(await scanTable(dynamo.client(), tableName));
    for (const size of Object.values(largest)) expect(size).toBeLessThan(400 * 1024);
    expect(largest['counter bucket']).toBeLessThan(70_000);
    console.log(`largest items after a 12,000-denial storm on one fingerprint: ${JSON.stringify(largest)}`);
  }, 300_000);
});
