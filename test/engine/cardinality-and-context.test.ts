import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../lambdas/core/config.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { createSpikeEngine } from '../../lambdas/engine/spike-engine.js';
import { useDynamoDbLocal } from '../support/dynamodb.js';
import { syntheticBurst, syntheticDenial } from '../support/records.js';

const dynamo = useDynamoDbLocal();
const T0 = Date.parse('2025-03-01T10:00:00Z');

/** The same denial on another bucket (its own fingerprint). */
function onBucket(record: CloudTrailRecord, bucket: string): CloudTrailRecord {
  return {
    ...record,
    errorMessage: String(record.errorMessage).replace('arn:aws:s3:::artifacts/', `arn:aws:s3:::${bucket}/`),
    requestParameters: { bucketName: bucket, key: 'x' },
  };
}

/** The same denial for another S3 action. */
function forAction(record: CloudTrailRecord, action: string): CloudTrailRecord {
  return { ...record, eventName: action, errorMessage: String(record.errorMessage).replaceAll('s3:PutObject', `s3:${action}`) };
}

const S3_ACTIONS = [
  'GetObject', 'PutObject', 'DeleteObject', 'GetObjectAcl', 'PutObjectAcl', 'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy',
  'GetBucketAcl', 'PutBucketAcl', 'ListBucket', 'GetBucketLocation', 'GetBucketVersioning', 'PutBucketVersioning', 'GetBucketTagging',
  'PutBucketTagging', 'GetLifecycleConfiguration', 'PutLifecycleConfiguration', 'GetEncryptionConfiguration', 'PutEncryptionConfiguration',
  'GetBucketCORS', 'PutBucketCORS', 'GetBucketLogging', 'PutBucketLogging', 'GetReplicationConfiguration',
];

describe('cardinality and window context on DynamoDB Local', () => {
  it('alerts once when one principal is denied on 150 distinct resources in minutes, though no fingerprint spikes', async () => {
    const { store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const flood = syntheticBurst(150, T0, 3, { principal: 'scanner' }).map((record, index) => onBucket(record, `guess-${index}`));
    const alerts = [];
    for (let start = 0; start < flood.length; start += 40) alerts.push(...(await engine.processBatch(flood.slice(start, start + 40))).alerts);
    expect(alerts.map((alert) => [alert.reason, alert.scope])).toEqual([['distinct-resources', 'principal-action']]);
    const alert = alerts[0]!;
    expect(alert.count).toBeGreaterThanOrEqual(100);
    expect(alert.principalArn).toBe('arn:aws:iam::111122223333:role/scanner');
    expect(alert.window?.resources.distinct).toBe(alert.count);
    expect(alert.window?.resources.top).toHaveLength(5);
    expect(alert.window!.resources.top.reduce((sum, entry) => sum + entry.count, 0) + alert.window!.resources.others).toBe(alert.count);
  });

  it('alerts once when one principal is denied 25 distinct actions (probing), and names them in the window', async () => {
    const { store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    const probes = S3_ACTIONS.map((action, index) => forAction(syntheticDenial({ time: T0 + index * 5_000, principal: 'prober' }), action));
    const { alerts } = await engine.processBatch(probes);
    const probing = alerts.filter((alert) => alert.reason === 'distinct-actions');
    expect(probing.map((alert) => alert.scope)).toEqual(['principal']);
    expect(probing[0]!.window?.actions.distinct).toBeGreaterThanOrEqual(20);
    expect(alerts.filter((alert) => alert.reason === 'threshold')).toEqual([]);
  });

  it('fills the window context from every denial of the window, not only the batch that alerted', async () => {
    const { store } = await dynamo.newTable();
    const engine = createSpikeEngine({ store, settings: resolveSettings(), now: () => T0 });
    expect((await engine.processBatch(syntheticBurst(3, T0, 1, { sourceIp: '192.0.2.1', userAgent: 'first-agent' }))).alerts).toEqual([]);
    const { alerts } = await engine.processBatch(syntheticBurst(3, T0 + 60_000, 1, { sourceIp: '192.0.2.2', userAgent: 'second-agent' }));
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.window?.sourceIps).toEqual({ top: [{ value: '192.0.2.1', count: 3 }, { value: '192.0.2.2', count: 3 }], others: 0, distinct: 2 });
    expect(alert.window?.userAgents.distinct).toBe(2);
    expect(alert.window?.sessionNames.top).toEqual([{ value: 'job-42', count: 6 }]);
    expect(alert.sourceIps).toEqual(alert.window?.sourceIps.top);
    expect(alert.userAgents).toEqual(alert.window?.userAgents.top);
  });
});
