/**
 * Maps a CloudTrail `eventSource` + `eventName` to the IAM action that authorizes it, where the two differ.
 *
 * Most events are named after their action (`ec2.amazonaws.com` + `RunInstances` is `ec2:RunInstances`); the
 * exceptions below are the ones AWS documents or that real trails show. Keep each one tested. The service prefix of an
 * event source comes from data (`service-rules/event-source.ts`), not from a table here. Only actions in the IAM
 * catalogue come out: an event whose name is no IAM action and that no exception maps (`signin:ConsoleLogin`) has no
 * action (null) and keeps its event name, so no fix ever names an invented action. Every table lookup is an own-property
 * lookup: an eventName of `constructor` or `__proto__` is just an unknown name.
 */
import { canonicalAction } from './iam-catalog.js';
import { eventSourceHost, legacyAction, servicePrefixesOf } from './service-rules/event-source.js';

/** The value of an own property of a table, never one inherited from `Object.prototype`. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Event names whose action differs, per IAM service prefix. */
export const EVENT_NAME_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  s3: {
    HeadObject: 'GetObject',
    SelectObjectContent: 'GetObject',
    CopyObject: 'PutObject',
    UploadPart: 'PutObject',
    UploadPartCopy: 'PutObject',
    CreateMultipartUpload: 'PutObject',
    CompleteMultipartUpload: 'PutObject',
    DeleteObjects: 'DeleteObject',
    HeadBucket: 'ListBucket',
    ListObjects: 'ListBucket',
    ListObjectsV2: 'ListBucket',
    ListObjectVersions: 'ListBucketVersions',
    ListBuckets: 'ListAllMyBuckets',
    ListMultipartUploads: 'ListBucketMultipartUploads',
    ListParts: 'ListMultipartUploadParts',
    GetBucketLifecycle: 'GetLifecycleConfiguration',
    GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
    PutBucketLifecycle: 'PutLifecycleConfiguration',
    PutBucketLifecycleConfiguration: 'PutLifecycleConfiguration',
    DeleteBucketLifecycle: 'PutLifecycleConfiguration',
    GetBucketEncryption: 'GetEncryptionConfiguration',
    PutBucketEncryption: 'PutEncryptionConfiguration',
    DeleteBucketEncryption: 'PutEncryptionConfiguration',
    GetBucketReplication: 'GetReplicationConfiguration',
    PutBucketReplication: 'PutReplicationConfiguration',
    DeleteBucketReplication: 'PutReplicationConfiguration',
    GetBucketCors: 'GetBucketCORS',
    PutBucketCors: 'PutBucketCORS',
    DeleteBucketCors: 'PutBucketCORS',
    DeleteBucketPublicAccessBlock: 'PutBucketPublicAccessBlock',
    DeleteBucketOwnershipControls: 'PutBucketOwnershipControls',
    DeleteBucketTagging: 'PutBucketTagging',
    GetBucketNotificationConfiguration: 'GetBucketNotification',
    PutBucketNotificationConfiguration: 'PutBucketNotification',
    GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
    PutBucketAccelerateConfiguration: 'PutAccelerateConfiguration',
    GetBucketAnalyticsConfiguration: 'GetAnalyticsConfiguration',
    PutBucketAnalyticsConfiguration: 'PutAnalyticsConfiguration',
    GetBucketInventoryConfiguration: 'GetInventoryConfiguration',
    PutBucketInventoryConfiguration: 'PutInventoryConfiguration',
    GetBucketMetricsConfiguration: 'GetMetricsConfiguration',
    PutBucketMetricsConfiguration: 'PutMetricsConfiguration',
    GetObjectLockConfiguration: 'GetBucketObjectLockConfiguration',
    PutObjectLockConfiguration: 'PutBucketObjectLockConfiguration',
    // The S3 console's Storage Lens dashboard calls an internal API authorized by s3:GetStorageLensDashboard.
    GetStorageLensDashboardDataInternal: 'GetStorageLensDashboard',
  },
  elasticfilesystem: {
    // An NFS client connecting to a file system: authorized by elasticfilesystem:ClientMount (EFS User Guide, "Using
    // IAM to control file system data access").
    NewClientConnection: 'ClientMount',
  },
  lambda: {
    Invoke: 'InvokeFunction',
    InvokeWithResponseStream: 'InvokeFunction',
  },
  sts: {
    AssumeRoleWithSAML: 'AssumeRoleWithSAML',
  },
};

/**
 * API Gateway's management API is authorized by HTTP verb on the resource path (`apigateway:POST` on
 * `/restapis/{id}/stages`), not by operation name: the operation's verb prefix gives the action.
 */
export const API_GATEWAY_VERBS: Readonly<Record<string, string>> = {
  Create: 'POST',
  Get: 'GET',
  Update: 'PATCH',
  Delete: 'DELETE',
  Put: 'PUT',
  Tag: 'PUT',
  Untag: 'DELETE',
  Flush: 'DELETE',
};

/** Lambda (`ListFunctions20150331`, `GetFunction20150331v2`) and CloudFront (`GetDistribution2020_05_31`) suffixes. */
const VERSIONED_NAME = /^([A-Za-z]+?)(?:20\d{6}(?:v\d+)?|20\d\d_\d\d_\d\d)$/;

/**
 * The IAM service prefix for an eventSource host such as `monitoring.amazonaws.com` (see `service-rules/event-source.ts`);
 * the bare host when no IAM service is derivable from it, or null without a source.
 */
export function servicePrefixOf(eventSource: string | null | undefined): string | null {
  if (!eventSource) return null;
  return servicePrefixesOf(eventSource)[0] ?? eventSourceHost(eventSource);
}

/**
 * The IAM action for an event, from its source and name: the maintained exceptions first, then versioned names, then
 * the name itself, under each prefix the source may be authorized by; null unless the result is an action of the IAM
 * catalogue (its canonical spelling) or one AWS managed policies still grant.
 */
export function actionFromEvent(eventSource: string | null | undefined, eventName: string | null | undefined): string | null {
  if (!eventSource || !eventName || eventName.length > 128) return null;
  const prefixes = servicePrefixesOf(eventSource);
  for (const service of prefixes.length > 0 ? prefixes : [eventSourceHost(eventSource)]) {
    const action = actionOfService(service, eventName);
    if (action) return action;
  }
  return null;
}

function actionOfService(service: string, eventName: string): string | null {
  const exceptions = own(EVENT_NAME_EXCEPTIONS, service);
  let name = (exceptions && own(exceptions, eventName)) ?? eventName;
  const versioned = VERSIONED_NAME.exec(name);
  if (versioned) name = (exceptions && own(exceptions, versioned[1]!)) ?? versioned[1]!;
  const direct = canonicalAction(`${service}:${name}`);
  if (direct) return direct;
  if (service === 'apigateway') {
    const verb = /^(Create|Get|Update|Delete|Put|Tag|Untag|Flush)[A-Z]/.exec(name)?.[1];
    if (verb) return canonicalAction(`apigateway:${own(API_GATEWAY_VERBS, verb)}`);
  }
  return legacyAction(`${service}:${name}`);
}

/**
 * The action a denial is about: the one printed in the message when the IAM catalogue knows it (normalised:
 * `SNS:Publish` is `sns:Publish`) or AWS managed policies still grant it (`sso:DescribePermissionsPolicies`), else the one mapped from the event when the catalogue knows that (messages sometimes
 * carry placeholders), else null: an action outside the catalogue is never returned, the event name stays on the
 * denial for humans.
 */
export function resolveAction(
  messageAction: string | null,
  eventSource: string | null | undefined,
  eventName: string | null | undefined,
): string | null {
  const fromMessage = messageAction ? (canonicalAction(messageAction) ?? legacyAction(messageAction)) : null;
  return fromMessage ?? actionFromEvent(eventSource, eventName);
}
