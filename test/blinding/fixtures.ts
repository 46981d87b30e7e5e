/**
 * SYNTHETIC CloudTrail records of the changes that blind the alerter (issue 20). Each is a copy of a real record's
 * shape (the corpus's successful AttachRolePolicy, stratus-red-team), with the event source, name, parameters,
 * account and time replaced; every one carries `"synthetic": true` and an event id starting `synthetic-`, so it can
 * never be mistaken for a real record. Parameter shapes follow the CloudTrail records AWS documents for each API
 * (lower-camel request parameters, as in the corpus's real PutEventSelectors and StopLogging records).
 */
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import type { AlerterResources } from '../../lambdas/core/blinding/own-resources.js';
import { roleSession, TEMPLATES, variant } from '../changes/support/timeline.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/** The alerter's own resources as the stack would pass them (names, prefixes, ARNs). */
export const OWN: AlerterResources = {
  ruleNames: ['DenialAlerter-*', 'StackSet-DenialAlerterForwarders-*'],
  busNames: ['denial-alerter-central'],
  functionNames: ['DenialAlerter-*'],
  eventSourceMappingIds: [],
  keyArns: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
  stackSetNames: ['DenialAlerterForwarders'],
};

/** A successful call at `at` (ms) by an intruder's role session from 203.0.113.9. */
export function call(eventSource: string, eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}, at = Date.parse('2026-12-01T10:00:00Z')): CloudTrailRecord {
  return variant(
    TEMPLATES.iamChange(),
    {
      eventSource,
      eventName,
      eventTime: new Date(at).toISOString().replace('.000Z', 'Z'),
      awsRegion: REGION,
      recipientAccountId: ACCOUNT,
      sourceIPAddress: '203.0.113.9',
      userAgent: 'aws-cli/2.15.0',
      userIdentity: roleSession(ACCOUNT, 'ops-admin', 'mallory'),
      requestParameters,
      responseElements: null,
      readOnly: false,
      ...extra,
    },
    { success: true },
  );
}

/** Blinding changes (each must alert), labelled by what they do. */
export const BLINDING: Array<[string, CloudTrailRecord]> = [
  ['StopLogging', call('cloudtrail.amazonaws.com', 'StopLogging', { name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail` })],
  ['DeleteTrail', call('cloudtrail.amazonaws.com', 'DeleteTrail', { name: 'org-trail' })],
  ['UpdateTrail to a single Region', call('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', isMultiRegionTrail: false })],
  ['UpdateTrail without global events', call('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', includeGlobalServiceEvents: false })],
  ['UpdateTrail to another bucket', call('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', s3BucketName: 'attacker-bucket' })],
  ['UpdateTrail to another key', call('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', kmsKeyId: 'arn:aws:kms:eu-west-1:999999999999:key/x' })],
  ['PutEventSelectors excluding management events', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ includeManagementEvents: false, readWriteType: 'All', dataResources: [] }] })],
  ['PutEventSelectors keeping only reads', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ includeManagementEvents: true, readWriteType: 'ReadOnly' }] })],
  ['PutEventSelectors (advanced) keeping only writes', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', advancedEventSelectors: [{ name: 'w', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['false'] }] }] })],
  ['PutEventSelectors (advanced) with data events only', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] })],
  ['DisableRule of the alerter', call('events.amazonaws.com', 'DisableRule', { name: 'DenialAlerter-RuleA1B2C3' })],
  ['DeleteRule of a forwarder', call('events.amazonaws.com', 'DeleteRule', { name: 'StackSet-DenialAlerterForwarders-0f1e-ForwardRule9' })],
  ['RemoveTargets of the alerter', call('events.amazonaws.com', 'RemoveTargets', { rule: 'DenialAlerter-RuleA1B2C3', ids: ['Target0'] })],
  ['PutRule disabling the alerter', call('events.amazonaws.com', 'PutRule', { name: 'DenialAlerter-RuleA1B2C3', state: 'DISABLED' })],
  ['PutPermission replacing the bus policy', call('events.amazonaws.com', 'PutPermission', { eventBusName: 'denial-alerter-central', policy: '{"Version":"2012-10-17","Statement":[]}' })],
  ['RemovePermission on the bus', call('events.amazonaws.com', 'RemovePermission', { eventBusName: 'denial-alerter-central', statementId: 'OrganizationPutEvents' })],
  ['DeleteStackInstances of the StackSet', call('cloudformation.amazonaws.com', 'DeleteStackInstances', { stackSetName: 'DenialAlerterForwarders', accounts: ['444455556666'], regions: ['eu-west-1'], retainStacks: false })],
  ['UpdateStackSet by hand', call('cloudformation.amazonaws.com', 'UpdateStackSet', { stackSetName: 'DenialAlerterForwarders' })],
  ['LeaveOrganization', call('organizations.amazonaws.com', 'LeaveOrganization', {})],
  ['RemoveAccountFromOrganization', call('organizations.amazonaws.com', 'RemoveAccountFromOrganization', { accountId: '444455556666' })],
  ['UpdateEventSourceMapping disabling the handler', call('lambda.amazonaws.com', 'UpdateEventSourceMapping20150331', { uUID: 'a1b2c3d4-0000-1111-2222-333344445555', enabled: false }, { responseElements: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:DenialAlerter-Handler12AB`, state: 'Disabling' } })],
  ['DeleteEventSourceMapping of the handler', call('lambda.amazonaws.com', 'DeleteEventSourceMapping20150331', { uUID: 'a1b2c3d4-0000-1111-2222-333344445555' }, { responseElements: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:DenialAlerter-Handler12AB`, state: 'Deleting' } })],
  ['DisableKey of the alerter', call('kms.amazonaws.com', 'DisableKey', { keyId: OWN.keyArns[0] })],
  ['ScheduleKeyDeletion of the alerter (key id only)', call('kms.amazonaws.com', 'ScheduleKeyDeletion', { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', pendingWindowInDays: 7 })],
];

/** Look-alikes that must not alert. */
export const NOT_BLINDING: Array<[string, CloudTrailRecord]> = [
  ['UpdateTrail turning log file validation on', call('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', enableLogFileValidation: true })],
  ['PutEventSelectors that keeps all management events', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ includeManagementEvents: true, readWriteType: 'All', dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::b/'] }] }] })],
  ['PutEventSelectors, one narrow and one full selector', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ includeManagementEvents: false, readWriteType: 'All' }, { readWriteType: 'All' }] })],
  ['PutEventSelectors (advanced) keeping all management events', call('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }, { fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] })],
  ['DisableRule of someone else', call('events.amazonaws.com', 'DisableRule', { name: 'nightly-batch' })],
  ['PutRule of the alerter by its CloudFormation deployment', call('events.amazonaws.com', 'PutRule', { name: 'DenialAlerter-RuleA1B2C3', eventPattern: '{}' }, { sourceIPAddress: 'cloudformation.amazonaws.com' })],
  ['PutRule of the alerter changing only its description', call('events.amazonaws.com', 'PutRule', { name: 'DenialAlerter-RuleA1B2C3', description: 'x' })],
  ['PutPermission adding a statement to the bus', call('events.amazonaws.com', 'PutPermission', { eventBusName: 'denial-alerter-central', statementId: 'more', action: 'events:PutEvents', principal: '444455556666' })],
  ['RemovePermission on another bus', call('events.amazonaws.com', 'RemovePermission', { eventBusName: 'payments', statementId: 's' })],
  ['UpdateStackSet by the deployment (CloudFormation)', call('cloudformation.amazonaws.com', 'UpdateStackSet', { stackSetName: 'DenialAlerterForwarders' }, { sourceIPAddress: 'cloudformation.amazonaws.com' })],
  ['DeleteStackInstances of another StackSet', call('cloudformation.amazonaws.com', 'DeleteStackInstances', { stackSetName: 'guardrails', accounts: ['444455556666'], regions: ['eu-west-1'] })],
  ['UpdateEventSourceMapping of another function', call('lambda.amazonaws.com', 'UpdateEventSourceMapping20150331', { uUID: 'ffff', enabled: false }, { responseElements: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders` } })],
  ['UpdateEventSourceMapping of the handler raising its batch size', call('lambda.amazonaws.com', 'UpdateEventSourceMapping20150331', { uUID: 'a1b2', batchSize: 100 }, { responseElements: { functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:DenialAlerter-Handler12AB` } })],
  ['DisableKey of another key', call('kms.amazonaws.com', 'DisableKey', { keyId: 'arn:aws:kms:eu-west-1:111122223333:key/other' })],
  ['StopLogging that failed', { ...call('cloudtrail.amazonaws.com', 'StopLogging', { name: 'org-trail' }), errorCode: 'AccessDenied', errorMessage: 'denied' }],
];
