import { describe, expect, it } from 'vitest';
import { CHANGE_CATALOG } from '../../lambdas/core/changes/catalog.js';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { changeEventPattern, MAX_EVENT_PATTERN_CHARS } from '../../lib/change-pattern.js';
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

const pattern = changeEventPattern();
const corpus = corpusFoldersWith('negatives.jsonl').flatMap((folder) => [
  ...readJsonl(`${folder}/negatives.jsonl`),
  ...readJsonl(`${folder}/denied.jsonl`),
]);
const allStratus = readJsonl('stratus-red-team-detonation-logs/all_events.jsonl');

describe('the change rule pattern', () => {
  it(`fits EventBridge's ${MAX_EVENT_PATTERN_CHARS}-character limit and takes only successful AWS API calls`, () => {
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(MAX_EVENT_PATTERN_CHARS);
    expect(pattern.source).toEqual([{ prefix: 'aws.' }]);
    expect((pattern.detail as Record<string, unknown>).errorCode).toEqual([{ exists: false }]);
  });

  it('matches every real change of the corpus, and nothing else of it (denials, reads, other writes)', () => {
    // Some hand-edited fixtures lack an event id: give each one, so that the extractor (which needs it) can judge it.
    const records = [...corpus, ...allStratus].map((record, index) => ({ ...record, eventID: record.eventID ?? `no-id-${index}` }));
    const matched = records.filter((record) => matchesPattern(pattern, asEvent(record)));
    const changes = records.filter((record) => extractChange(record) !== null);
    // The pattern and the extractor agree record by record.
    expect(matched.map((record) => record.eventID)).toEqual(changes.map((record) => record.eventID));
    expect(new Set(matched.map((record) => record.eventName))).toEqual(
      new Set(['AttachRolePolicy', 'AttachUserPolicy', 'AddUserToGroup', 'UpdateAssumeRolePolicy', 'AddPermission20150331v2', 'AddPermission20150331', 'RemovePermission', 'CreateGrant', 'StopLogging', 'DeleteTrail', 'PutEventSelectors']),
    );
    expect(records.filter((record) => record.errorCode).some((record) => matchesPattern(pattern, asEvent(record)))).toBe(false);
    expect(records.filter((record) => record.readOnly === true).some((record) => matchesPattern(pattern, asEvent(record)))).toBe(false);
  });

  it('matches a denied change call of the corpus only once its error is gone (panther PutBucketPolicy)', () => {
    const denied = readJsonl('panther-analysis-test-fixtures/denied.jsonl').find((record) => record.eventName === 'PutBucketPolicy')!;
    expect(matchesPattern(pattern, asEvent(denied))).toBe(false);
    expect(matchesPattern(pattern, asEvent(variant(denied, {}, { success: true })))).toBe(true);
  });

  it('refuses a source outside the aws. prefix (events anyone can put)', () => {
    expect(matchesPattern(pattern, asEvent(TEMPLATES.iamChange(), 'custom.iam'))).toBe(false);
  });

  describe('every catalogue row (SYNTHETIC successful calls built on a real record)', () => {
    const requestFor = (condition: string | undefined): Record<string, unknown> => {
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
    };
    for (const entry of CHANGE_CATALOG) {
      for (const eventName of entry.eventNames) {
        it(`${entry.eventSource} ${eventName} matches, and the extractor takes it`, () => {
          const record = variant(TEMPLATES.iamChange(), { eventSource: entry.eventSource, eventName, requestParameters: requestFor(entry.condition) }, { success: true });
          expect(matchesPattern(pattern, asEvent(record))).toBe(true);
          expect(extractChange(record)).not.toBeNull();
          expect(matchesPattern(pattern, asEvent({ ...record, errorCode: 'AccessDenied' }))).toBe(false);
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
      expect(matchesPattern(pattern, asEvent(record)), record.eventName).toBe(false);
      expect(extractChange(record), record.eventName).toBeNull();
    }
  });
});
