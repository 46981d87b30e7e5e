/**
 * Hidden second denies: an S3 (or Secrets Manager) denial and the KMS denial the service got on the caller's behalf
 * are one incident whose blocking layer is the key policy. Records are synthetic (file name says so), built from the
 * real corpus's S3 record shape and the KMS CloudTrail format (invokedBy, encryptionContext).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { correlateHiddenDenies, type CorrelationInput } from '../../lambdas/core/correlate.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';

const KEY = 'arn:aws:kms:us-west-2:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';

function load(): CorrelationInput[] {
  const lines = readFileSync(new URL('./fixtures/synthetic-hidden-denies.jsonl', import.meta.url), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const record = JSON.parse(line) as CloudTrailRecord;
    const denial = classify(record);
    return { denial: { ...denial, eventId: denial.eventId! }, timeMs: Date.parse(record.eventTime!), record };
  });
}

describe('correlateHiddenDenies', () => {
  it('pairs each service denial with the KMS denial behind it, and nothing else', () => {
    const items = load();
    const pairs = correlateHiddenDenies(items);
    expect(pairs).toEqual([
      { serviceEventId: 'synthetic-s3-put-1', kmsEventId: 'synthetic-kms-gdk-1', keyArn: KEY },
      { serviceEventId: 'synthetic-s3-get-2', kmsEventId: 'synthetic-kms-decrypt-2', keyArn: KEY },
      { serviceEventId: 'synthetic-sm-get-3', kmsEventId: 'synthetic-kms-decrypt-3', keyArn: KEY },
    ]);
  });

  it('makes the key policy the S3 denial\'s blocking layer, both halves pointing at each other', () => {
    const items = load();
    correlateHiddenDenies(items);
    const byId = new Map(items.map((item) => [item.denial.eventId, item.denial]));
    expect(byId.get('synthetic-s3-put-1')).toMatchObject({ denyLayer: 'resource-policy', denyKind: 'implicit', policyArn: KEY, correlatedEventId: 'synthetic-kms-gdk-1' });
    expect(byId.get('synthetic-kms-gdk-1')!.correlatedEventId).toBe('synthetic-s3-put-1');
    // the bucket whose name merely starts with the same letters, another session, and a pair 15 s apart stay alone
    for (const id of ['synthetic-s3-put-decoy', 'synthetic-kms-other-session', 'synthetic-s3-put-4', 'synthetic-kms-gdk-4']) {
      expect(byId.get(id)!.correlatedEventId).toBeNull();
    }
    expect(byId.get('synthetic-s3-put-decoy')!.denyLayer).toBe('unknown');
  });

  it('does not pair when the KMS call was not made on the caller\'s behalf', () => {
    const items = load().filter((item) => ['synthetic-s3-put-1', 'synthetic-kms-gdk-1'].includes(item.denial.eventId));
    items[1]!.denial.invokedBy = null;
    expect(correlateHiddenDenies(items)).toEqual([]);
  });
});
