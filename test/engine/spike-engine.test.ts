import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../lambdas/core/config.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst, syntheticDenial } from '../support/records.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-03-01T10:00:00Z');
const NOW = Date.parse('2026-11-23T00:00:00Z');
const minutes = (n: number) => n * 60_000;

async function engineOnNewTable(settings = resolveSettings()) {
  const { store, tableName } = await dynamo.newTable();
  return { store, tableName, engine: createSpikeEngine({ store, settings, now: () => NOW }) };
}

describe('spike engine on DynamoDB Local', () => {
  it('alerts once when a fingerprint reaches 5 denials in 5 minutes, across batches', async () => {
    const { engine } = await engineOnNewTable();
    const first = await engine.processBatch(syntheticBurst(4, T0, 2));
    expect(first.alerts).toEqual([]);
    const second = await engine.processBatch([syntheticDenial({ time: T0 + minutes(3) })]);
    expect(second.alerts).toHaveLength(1);
    expect(second.alerts[0]).toMatchObject({
      reason: 'threshold',
      count: 5,
      totalCount: 5,
      action: 's3:PutObject',
      principalArn: 'arn:aws:iam::111122223333:role/ci-deployer',
      resourceFamily: 'arn:aws:s3:::artifacts/builds/*',
      denyLayer: 'identity-policy',
      windowStart: '2025-03-01T09:59:00.000Z',
      firstSeen: '2025-03-01T10:00:00.000Z',
    });
    expect(second.alerts[0]!.countsPerMinute).toHaveLength(60);
    expect(second.alerts[0]!.countsPerMinute.slice(-4)).toEqual([2, 2, 0, 1]);
  });

  it('stays quiet in the cooldown, escalates at 10x, and alerts again after the cooldown', async () => {
    const { engine } = await engineOnNewTable();
    const reasons: string[] = [];
    const run = async (records: ReturnType<typeof syntheticBurst>) => reasons.push(...(await engine.processBatch(records)).alerts.map((a) => `${a.reason}:${a.count}`));
    await run(syntheticBurst(5, T0, 1));
    await run(syntheticBurst(20, T0 + minutes(20), 1));
    await run(syntheticBurst(50, T0 + minutes(30), 1));
    await run(syntheticBurst(30, T0 + minutes(100), 1));
    expect(reasons).toEqual(['threshold:5', 'escalation:50', 'threshold:30']);
  });

  it('counts a redelivered batch once and never alerts twice', async () => {
    const { engine, tableName, store } = await engineOnNewTable();
    const records = syntheticBurst(12, T0, 3);
    const first = await engine.processBatch(records);
    const counters = await countMinuteTotal(tableName);
    const again = await engine.processBatch(records);
    const reshuffled = await engine.processBatch([...records].reverse().slice(0, 7));
    expect(first.alerts).toHaveLength(1);
    expect(again.alerts).toEqual([]);
    expect(reshuffled.alerts).toEqual([]);
    expect(again.stats.duplicates).toBe(12);
    expect(await countMinuteTotal(tableName)).toBe(counters);
    expect(counters).toBe(12);
    expect(await store.queryHistory({ sinceMs: T0 - minutes(60), untilMs: T0 + minutes(60), limit: 100 }, NOW)).toHaveLength(12);
  });

  it('two engines writing the same fingerprint (two Lambda containers) alert once and count everything', async () => {
    const { store } = await dynamo.newTable();
    const one = createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW });
    const two = createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW });
    const burst = syntheticBurst(40, T0, 4);
    const alerts = [];
    for (let start = 0, turn = 0; start < burst.length; start += 4, turn++) {
      alerts.push(...(await (turn % 2 === 0 ? one : two).processBatch(burst.slice(start, start + 4))).alerts);
    }
    expect(alerts.map((alert) => alert.reason)).toEqual(['threshold']);
    const { state, minutes } = await store.readKey(`FP#${alerts[0]!.fingerprint}`, 0, true);
    expect([...minutes.values()].reduce((sum, set) => sum + set.size, 0)).toBe(40);
    expect(state?.alertCount).toBe(1);
  });

  it('stores suppressed denials without alerting on them', async () => {
    const settings = resolveSettings({ suppressions: [{ name: 'ci-agent', userAgent: '*ci-job' }] });
    const { engine, store } = await engineOnNewTable(settings);
    const result = await engine.processBatch(syntheticBurst(10, T0, 1));
    expect(result.alerts).toEqual([]);
    expect(result.stats.suppressed).toBe(10);
    const history = await store.queryHistory({ sinceMs: T0 - minutes(1), untilMs: T0 + minutes(5), limit: 100 }, NOW);
    expect(history).toHaveLength(10);
    expect(history.every((item) => item.suppressedBy === 'ci-agent')).toBe(true);
  });

  it('keeps history with a TTL and answers queries by principal, action, fingerprint and time', async () => {
    const { engine, store } = await engineOnNewTable();
    await engine.processBatch([
      ...syntheticBurst(3, T0, 1, { principal: 'alpha' }),
      ...syntheticBurst(2, T0 + minutes(10), 1, { principal: 'beta' }),
      ...syntheticBurst(2, T0 + minutes(20), 1, { principal: 'beta', key: 'other/x' }),
    ]);
    const range = { sinceMs: T0 - minutes(60), untilMs: T0 + minutes(60), limit: 100 };
    const alpha = await store.queryHistory({ ...range, principalArn: 'arn:aws:iam::111122223333:role/alpha' }, NOW);
    expect(alpha).toHaveLength(3);
    const beta = await store.queryHistory({ ...range, principalArn: 'arn:aws:iam::111122223333:role/beta' }, NOW);
    expect(beta.map((item) => item.eventTime)).toEqual([...beta.map((item) => String(item.eventTime))].sort().reverse());
    expect(beta).toHaveLength(4);
    const byAction = await store.queryHistory({ ...range, action: 's3:PutObject' }, NOW);
    expect(byAction).toHaveLength(7);
    const fingerprint = String(beta.find((item) => String(item.resource).includes('other/'))!.fingerprint);
    expect(await store.queryHistory({ ...range, fingerprint }, NOW)).toHaveLength(2);
    expect(await store.queryHistory({ sinceMs: T0 + minutes(5), untilMs: T0 + minutes(15), limit: 100 }, NOW)).toHaveLength(2);
    expect(await store.queryHistory({ ...range, limit: 4 }, NOW)).toHaveLength(4);
    expect(alpha[0]).toMatchObject({
      eventId: expect.any(String),
      eventTime: expect.stringMatching(/^2025-03-01T10:0/),
      principalArn: 'arn:aws:iam::111122223333:role/alpha',
      accountId: '111122223333',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::artifacts/builds/app.zip',
      sourceIp: '203.0.113.10',
      userAgent: 'aws-sdk-js/3.0 ci-job',
      fingerprint: expect.stringMatching(/^[0-9a-f]{20}$/),
      denyLayer: 'identity-policy',
      suppressedBy: null,
    });
    const expiresAt = Number(alpha[0]!.expiresAt);
    expect(expiresAt).toBe(Math.floor(NOW / 1000) + 90 * 86_400);
    expect(await store.queryHistory({ ...range, principalArn: 'arn:aws:iam::111122223333:role/alpha' }, (expiresAt + 1) * 1000)).toEqual([]);
  });

  it('stops paging for a job that fails the same way every five minutes: one alert in three hours', async () => {
    const { engine } = await engineOnNewTable();
    const reasons: string[] = [];
    for (let window = 0; window < 36; window++) {
      reasons.push(...(await engine.processBatch(syntheticBurst(5, T0 + minutes(5 * window), 1))).alerts.map((alert) => alert.reason));
    }
    expect(reasons).toEqual(['threshold']);
    // A new surge above three times its usual rate still alerts.
    const surge = await engine.processBatch(syntheticBurst(40, T0 + minutes(5 * 36), 2));
    expect(surge.alerts.map((alert) => alert.reason)).toEqual(['threshold']);
  });

  it('alerts on the first denial of a fingerprint never seen, once, when asked', async () => {
    const { engine } = await engineOnNewTable(resolveSettings({ alertOnFirstSeen: true }));
    const first = await engine.processBatch([syntheticDenial({ time: T0 })]);
    expect(first.alerts.map((alert) => alert.reason)).toEqual(['first-seen']);
    expect((await engine.processBatch([syntheticDenial({ time: T0 + minutes(90) })])).alerts).toEqual([]);
  });

  it('cuts a poison field (a 300 KB resource name) in history instead of failing the batch', async () => {
    const { engine, store } = await engineOnNewTable();
    const result = await engine.processBatch([syntheticDenial({ time: T0, key: `k/${'x'.repeat(300_000)}` })]);
    expect(result.stats).toMatchObject({ denials: 1, rejected: 0 });
    const [stored] = await store.queryHistory({ sinceMs: T0 - minutes(1), untilMs: T0 + minutes(1), limit: 10 }, NOW);
    expect(String(stored!.resource).length).toBeLessThan(2_100);
    expect(String(stored!.resource)).toMatch(/…\[cut \d+ chars\]$/);
  });

  it('counts sparse denials spread over hours in one batch without reading a counter back, and still alerts on a burst among them', async () => {
    const faulty = dynamo.faultyClient();
    const { store } = await dynamo.newTable(faulty.client);
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => NOW });
    // One denial every 47 minutes for 6 hours (each its own counter bucket), then a burst of 5 in 2 minutes.
    const sparse = Array.from({ length: 8 }, (_, index) => syntheticDenial({ time: T0 + minutes(47 * index) }));
    const quiet = await engine.processBatch(sparse);
    expect(quiet.alerts).toEqual([]);
    expect(faulty.commands().filter((command) => command !== 'UpdateItemCommand' && command !== 'BatchWriteItemCommand')).toEqual([]);
    const burst = await engine.processBatch([...syntheticBurst(5, T0 + minutes(400), 2), syntheticDenial({ time: T0 + minutes(520) })]);
    expect(burst.alerts.map((alert) => `${alert.reason}:${alert.count}`)).toEqual(['threshold:5']);
  });

  it('turns a storm of 50,000 identical denials into one alert, stores every one, within 0.1 requests per denial', async () => {
    const { engine, store, tableName } = await engineOnNewTable();
    const storm = syntheticBurst(50_000, T0, 10);
    const alerts = [];
    for (let start = 0; start < storm.length; start += 10_000) alerts.push(...(await engine.processBatch(storm.slice(start, start + 10_000))).alerts);
    expect(alerts.map((alert) => alert.reason)).toEqual(['threshold']);
    expect(await store.queryHistory({ sinceMs: T0, untilMs: T0 + minutes(10), limit: 100_000 }, NOW)).toHaveLength(50_000);
    expect(store.requestCount / 50_000).toBeLessThanOrEqual(0.1);
    expect(await countMinuteTotal(tableName)).toBe(50_000);
  }, 300_000);

  /** Members counted over every fingerprint's counter buckets. */
  async function countMinuteTotal(tableName: string): Promise<number> {
    let total = 0;
    let startKey: Record<string, never> | undefined;
    do {
      const page = await dynamo.client().send(
        new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :fp) AND begins_with(sk, :bucket)', ExpressionAttributeValues: { ':fp': { S: 'FP#' }, ':bucket': { S: 'B#' } }, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) for (const [name, value] of Object.entries(item)) if (/^m\d$/.test(name)) total += value.BS?.length ?? 0;
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey);
    return total;
  }
});
