import { describe, expect, it } from 'vitest';
import { CHANGE_CATALOG } from '../../lambdas/core/changes/catalog.js';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { changeBranches, changeEventPattern, changeEventPatterns, MAX_EVENT_PATTERN_CHARS } from '../../lib/change-pattern.js';
import { corpusFoldersWith, readJsonl } from '../support/corpus.js';
import { matchesPattern } from '../stack/support/pattern-matcher.js';
import { TEMPLATES, variant } from './support/timeline.js';

/** A CloudTrail record as EventBridge delivers it from the trail. */
const asEvent = (record: CloudTrailRecord, source = `aws.${String(record.eventSource).split('.')[0]}`) => ({
  version: '0',
  'detail-type': 'AWS API Call via CloudTrail',
  source,
  detail: record,
});

/** The single pattern of every branch (too large for one rule) and the shards the rules deploy. */
const single = changeEventPattern();
const shards = changeEventPatterns();
/** What the deployed rules match together: an event matches when one shard does. */
const pattern = { union: shards };
const matches = (union: { union: Array<Record<string, unknown>> }, event: unknown) => union.union.some((shard) => matchesPattern(shard, event));
const corpus = corpusFoldersWith('negatives.jsonl').flatMap((folder) => [
  ...readJsonl(`${folder}/negatives.jsonl`),
  ...readJsonl(`${folder}/denied.jsonl`),
]);
const allStratus = readJsonl('stratus-red-team-detonation-logs/all_events.jsonl');

/** The request parameters that make a row's call a change (its condition met). */
function requestFor(condition: string | undefined): Record<string, unknown> {
  switch (condition) {
    case 'sqs-policy-attribute':
      return { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', attributes: { Policy: '{}' } };
    case 'sns-policy-attribute':
      return { topicArn: 'arn:aws:sns:us-east-1:123456789012:t', attributeName: 'Policy', attributeValue: '{}' };
    case 'vpc-endpoint-policy':
      return { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-1', PolicyDocument: '{}' } };
    case 'organization-authorization-policy':
      return { policyId: 'p-1', type: 'SERVICE_CONTROL_POLICY', policyType: 'SERVICE_CONTROL_POLICY' };
    case 'trail-narrowing':
      return { name: 'org-trail', isMultiRegionTrail: false };
    case 'event-selectors-narrowing':
      return { trailName: 'org-trail', eventSelectors: [{ includeManagementEvents: false, readWriteType: 'All' }] };
    default:
      return { roleName: 'r' };
  }
}

/** One SYNTHETIC successful call per catalogue event name, built on a real record, plus the same calls failed. */
function changeExamples(): CloudTrailRecord[] {
  return CHANGE_CATALOG.flatMap((entry) =>
    entry.eventNames.flatMap((eventName) => {
      const record = variant(TEMPLATES.iamChange(), { eventSource: entry.eventSource, eventName, requestParameters: requestFor(entry.condition) }, { success: true });
      return [record, { ...record, errorCode: 'AccessDenied' }];
    }),
  );
}

describe('the change rule patterns', () => {
  it(`are each within EventBridge's default ${MAX_EVENT_PATTERN_CHARS}-character event pattern size (compact JSON), and take only successful AWS API calls`, () => {
    expect(MAX_EVENT_PATTERN_CHARS).toBe(2048);
    // The catalogue does not fit one pattern: this is why there are shards.
    expect(JSON.stringify(single).length).toBeGreaterThan(MAX_EVENT_PATTERN_CHARS);
    expect(shards.length).toBeGreaterThan(1);
    for (const shard of shards) {
      expect(JSON.stringify(shard).length).toBeLessThanOrEqual(MAX_EVENT_PATTERN_CHARS);
      expect(shard.source).toEqual([{ prefix: 'aws.' }]);
      expect(shard['detail-type']).toEqual(['AWS API Call via CloudTrail']);
      expect((shard.detail as Record<string, unknown>).errorCode).toEqual([{ exists: false }]);
    }
  });

  it('hold every branch of the catalogue exactly once (a branch split by event name keeps each name once)', () => {
    const alternativesOf = (shard: Record<string, unknown>) => {
      const { errorCode: _errorCode, $or, ...alone } = shard.detail as Record<string, unknown>;
      return ($or as Array<Record<string, unknown>> | undefined) ?? [alone];
    };
    const perName = (branches: Array<Record<string, unknown>>) =>
      branches.flatMap((branch) => (branch.eventName as string[]).map((name) => JSON.stringify({ ...branch, eventName: [name] }))).sort();
    expect(perName(shards.flatMap(alternativesOf))).toEqual(perName(changeBranches()));
  });

  it('shard any catalogue: branches too large for one pattern are split by event name, and a tighter size gives more, smaller shards matching the same events', () => {
    const tight = changeEventPatterns(700);
    expect(tight.length).toBeGreaterThan(shards.length);
    for (const shard of tight) expect(JSON.stringify(shard).length).toBeLessThanOrEqual(700);
    const records = changeExamples();
    for (const record of records) expect(matches({ union: tight }, asEvent(record)), record.eventName).toBe(matchesPattern(single, asEvent(record)));
    expect(() => changeEventPatterns(200)).toThrow(/alone exceeds EventBridge's 200-character event pattern size/);
  });

  it('match together exactly what the single pattern matches, over the whole corpus and every catalogue example', () => {
    const records = [...corpus, ...allStratus, ...changeExamples()];
    expect(records.length).toBeGreaterThan(300);
    let matched = 0;
    for (const record of records) {
      const event = asEvent(record);
      const expected = matchesPattern(single, event);
      if (expected) matched++;
      expect(matches(pattern, event), `${record.eventSource} ${record.eventName}`).toBe(expected);
      expect(shards.filter((shard) => matchesPattern(shard, event)).length, `${record.eventName} in at most one shard`).toBeLessThanOrEqual(1);
    }
    expect(matched).toBeGreaterThan(CHANGE_CATALOG.length);
  });

  it('matches every real change of the corpus, and nothing else of it (denials, reads, other writes)', () => {
    // Some hand-edited fixtures lack an event id: give each one, so that the extractor (which needs it) can judge it.
    const records = [...corpus, ...allStratus].map((record, index) => ({ ...record, eventID: record.eventID ?? `no-id-${index}` }));
    const matched = records.filter((record) => matches(pattern, asEvent(record)));
    const changes = records.filter((record) => extractChange(record) !== null);
    // The pattern and the extractor agree record by record.
    expect(matched.map((record) => record.eventID)).toEqual(changes.map((record) => record.eventID));
    expect(new Set(matched.map((record) => record.eventName))).toEqual(
      new Set(['AttachRolePolicy', 'AttachUserPolicy', 'AddUserToGroup', 'UpdateAssumeRolePolicy', 'AddPermission20150331v2', 'AddPermission20150331', 'RemovePermission', 'CreateGrant', 'StopLogging', 'DeleteTrail', 'PutEventSelectors']),
    );
    expect(records.filter((record) => record.errorCode).some((record) => matches(pattern, asEvent(record)))).toBe(false);
    expect(records.filter((record) => record.readOnly === true).some((record) => matches(pattern, asEvent(record)))).toBe(false);
  });

  it('matches a denied change call of the corpus only once its error is gone (panther PutBucketPolicy)', () => {
    const denied = readJsonl('panther-analysis-test-fixtures/denied.jsonl').find((record) => record.eventName === 'PutBucketPolicy')!;
    expect(matches(pattern, asEvent(denied))).toBe(false);
    expect(matches(pattern, asEvent(variant(denied, {}, { success: true })))).toBe(true);
  });

  it('refuses a source outside the aws. prefix (events anyone can put)', () => {
    expect(matches(pattern, asEvent(TEMPLATES.iamChange(), 'custom.iam'))).toBe(false);
  });

  describe('every catalogue row (SYNTHETIC successful calls built on a real record)', () => {
    for (const entry of CHANGE_CATALOG) {
      for (const eventName of entry.eventNames) {
        it(`${entry.eventSource} ${eventName} matches, and the extractor takes it`, () => {
          const record = variant(TEMPLATES.iamChange(), { eventSource: entry.eventSource, eventName, requestParameters: requestFor(entry.condition) }, { success: true });
          expect(matches(pattern, asEvent(record))).toBe(true);
          expect(extractChange(record)).not.toBeNull();
          expect(matches(pattern, asEvent({ ...record, errorCode: 'AccessDenied' }))).toBe(false);
        });
      }
    }
  });

  it('leaves out attribute calls that change no policy', () => {
    const base = TEMPLATES.iamChange();
    const sqs = variant(base, { eventSource: 'sqs.amazonaws.com', eventName: 'SetQueueAttributes', requestParameters: { queueUrl: 'q', attributes: { DelaySeconds: '5' } } }, { success: true });
    const sns = variant(base, { eventSource: 'sns.amazonaws.com', eventName: 'SetTopicAttributes', requestParameters: { topicArn: 't', attributeName: 'DisplayName' } }, { success: true });
    const vpce = variant(base, { eventSource: 'ec2.amazonaws.com', eventName: 'ModifyVpcEndpoint', requestParameters: { ModifyVpcEndpointRequest: { VpcEndpointId: 'vpce-1', PrivateDnsEnabled: true } } }, { success: true });
    for (const record of [sqs, sns, vpce]) {
      expect(matches(pattern, asEvent(record)), record.eventName).toBe(false);
      expect(extractChange(record), record.eventName).toBeNull();
    }
  });
});
