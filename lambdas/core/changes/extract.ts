/**
 * Turns a CloudTrail record into an {@link AuthorizationChange} when it is a successful call of the catalogue.
 */
import { resolvePrincipal } from '../principal.js';
import { partitionOf } from '../resource-arn.js';
import type { CloudTrailRecord } from '../types.js';
import { catalogEntryOf, type ChangeCatalogEntry } from './catalog.js';
import type { AuthorizationChange, OrganizationPolicyType } from './change.js';
import { iamPrincipalArn } from './targets.js';
import { textOf as text } from '../text.js';
import { eventSelectorNarrowings, trailNarrowings } from '../blinding/trail-settings.js';

/** Longest kept request parameter value (a policy document is cut here, with `…`). */
export const MAX_PARAMETER_CHARS = 600;
/** Most request-parameter text kept per change (the stored item stays well under 4 KB). */
export const MAX_PARAMETERS_CHARS = 2000;
/** Longest kept free text (session name, user agent). */
const MAX_TEXT_CHARS = 200;

type Params = Record<string, unknown>;

const cut = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/** The change a record makes, or null when it is not a successful authorization change. */
export function extractChange(record: CloudTrailRecord): AuthorizationChange | null {
  const entry = catalogEntryOf(record.eventSource, record.eventName);
  if (!entry || record.errorCode || !record.eventID || !record.eventTime) return null;
  const params: Params = (record.requestParameters as Params | null | undefined) ?? {};
  const response = (record.responseElements as Params | null | undefined) ?? {};
  if (!meetsCondition(entry, params, response)) return null;
  const actor = resolvePrincipal(record);
  const accountId = text(record.recipientAccountId) ?? actor.accountId;
  const region = text(record.awsRegion);
  const change: AuthorizationChange = {
    eventId: record.eventID,
    eventTime: record.eventTime,
    accountId,
    region,
    actorArn: actor.principalArn ?? actor.callerArn,
    actorType: actor.principalType,
    actorSession: actor.sessionName ? cut(actor.sessionName, MAX_TEXT_CHARS) : null,
    sourceIp: text(record.sourceIPAddress) ? cut(record.sourceIPAddress!, MAX_TEXT_CHARS) : null,
    userAgent: text(record.userAgent) ? cut(record.userAgent!, MAX_TEXT_CHARS) : null,
    eventSource: entry.eventSource,
    eventName: record.eventName!,
    action: entry.action,
    layer: entry.layer,
    scope: entry.scope,
    principalArn: null,
    resourceArn: null,
    policyArn: null,
    policyName: text(params.policyName),
    organizationPolicyId: null,
    organizationPolicyType: null,
    organizationTargetId: null,
    parameters: keptParameters(entry, params),
  };
  const partition = partitionOf(region);
  const where = { partition, accountId, region };
  switch (entry.scope) {
    case 'principal':
      fillPrincipal(change, params, where);
      break;
    case 'managed-policy':
      change.policyArn = text(params.policyArn);
      break;
    case 'organization':
      fillOrganization(change, params, response);
      break;
    case 'resource':
      change.resourceArn = resourceArnOf(record, params, where);
      break;
    case 'vpc-endpoint':
      change.resourceArn = text(vpcEndpointRequest(params).VpcEndpointId);
      break;
    case 'permission-set':
      change.policyArn = text(params.permissionSetArn);
      break;
  }
  return change;
}

function meetsCondition(entry: ChangeCatalogEntry, params: Params, response: Params): boolean {
  switch (entry.condition) {
    case undefined:
      return true;
    case 'sqs-policy-attribute':
      return typeof params.attributes === 'object' && params.attributes !== null && 'Policy' in (params.attributes as Params);
    case 'sns-policy-attribute':
      return params.attributeName === 'Policy';
    case 'vpc-endpoint-policy': {
      const request = vpcEndpointRequest(params);
      return request.PolicyDocument !== undefined || request.ResetPolicy === true || request.ResetPolicy === 'true';
    }
    case 'organization-authorization-policy': {
      const type = organizationPolicyTypeOf(params, response);
      return type !== 'other';
    }
    case 'trail-narrowing':
      return trailNarrowings(params).length > 0;
    case 'event-selectors-narrowing':
      return eventSelectorNarrowings(params).length > 0;
  }
}

/** EC2 nests newer calls' parameters under `<Action>Request`; older records and SDK examples do not. */
function vpcEndpointRequest(params: Params): Params {
  const nested = params.ModifyVpcEndpointRequest;
  return typeof nested === 'object' && nested !== null ? (nested as Params) : params;
}

/** SCP, RCP, another type (tag, backup, … policies: not authorization), or null when the record does not tell. */
function organizationPolicyTypeOf(params: Params, response: Params): OrganizationPolicyType | 'other' | null {
  const policy = (response.policy as Params | undefined)?.policySummary as Params | undefined;
  const raw = text(params.type) ?? text(params.policyType) ?? text(policy?.type);
  if (raw === null) return null;
  if (raw === 'SERVICE_CONTROL_POLICY') return 'scp';
  if (raw === 'RESOURCE_CONTROL_POLICY') return 'rcp';
  return 'other';
}

function fillPrincipal(change: AuthorizationChange, params: Params, where: { partition: string; accountId: string | null }): void {
  const { partition, accountId } = where;
  const role = text(params.roleName);
  const user = text(params.userName);
  const group = text(params.groupName);
  if (accountId) {
    if (role) change.principalArn = iamPrincipalArn(partition, accountId, 'role', role);
    else if (user) change.principalArn = iamPrincipalArn(partition, accountId, 'user', user);
    else if (group) change.principalArn = iamPrincipalArn(partition, accountId, 'group', group);
  }
  change.policyArn = text(params.policyArn) ?? text(params.permissionsBoundary);
}

function fillOrganization(change: AuthorizationChange, params: Params, response: Params): void {
  const summary = (response.policy as Params | undefined)?.policySummary as Params | undefined;
  const type = organizationPolicyTypeOf(params, response);
  change.organizationPolicyType = type === 'scp' || type === 'rcp' ? type : null;
  if (change.organizationPolicyType === 'rcp') change.layer = 'rcp';
  change.organizationPolicyId = text(params.policyId) ?? text(summary?.id);
  change.policyArn = text(summary?.arn);
  change.policyName = text(summary?.name) ?? text(params.name);
  change.organizationTargetId = text(params.targetId) ?? text(params.rootId);
}

/** The ARN of the resource whose policy a call changed, from its request parameters. */
function resourceArnOf(record: CloudTrailRecord, params: Params, where: { partition: string; accountId: string | null; region: string | null }): string | null {
  const { partition, accountId, region } = where;
  const regional = (service: string, resource: string): string | null =>
    accountId && region ? `arn:${partition}:${service}:${region}:${accountId}:${resource}` : null;
  const fromResources = Array.isArray(record.resources) ? (record.resources.find((item) => typeof item?.ARN === 'string')?.ARN ?? null) : null;
  switch (record.eventSource) {
    case 's3.amazonaws.com': {
      const bucket = text(params.bucketName);
      return bucket ? `arn:${partition}:s3:::${bucket}` : null;
    }
    case 'kms.amazonaws.com': {
      const keyId = text(params.keyId);
      if (keyId?.startsWith('arn:')) return keyId;
      if (fromResources) return fromResources;
      return keyId && !keyId.startsWith('alias/') ? regional('kms', `key/${keyId}`) : null;
    }
    case 'sqs.amazonaws.com': {
      const match = /^https?:\/\/[^/]+\/(\d{12})\/([^/?]+)/.exec(text(params.queueUrl) ?? '');
      if (!match) return null;
      const queueRegion = /sqs\.([a-z0-9-]+)\.amazonaws/.exec(String(params.queueUrl))?.[1] ?? region;
      return queueRegion ? `arn:${partition}:sqs:${queueRegion}:${match[1]}:${match[2]}` : null;
    }
    case 'sns.amazonaws.com':
      return text(params.topicArn);
    case 'lambda.amazonaws.com': {
      const name = text(params.functionName);
      if (!name) return null;
      if (name.startsWith('arn:')) return name;
      // `account:function:name` and `name` forms
      const partial = /^(\d{12}):function:(.+)$/.exec(name);
      if (partial && region) return `arn:${partition}:lambda:${region}:${partial[1]}:function:${partial[2]}`;
      return regional('lambda', `function:${name}`);
    }
    case 'secretsmanager.amazonaws.com': {
      const secret = text(params.secretId);
      if (!secret) return null;
      // A name: the ARN ends with a random six-character suffix that `targetKey` strips on both sides.
      return secret.startsWith('arn:') ? secret : regional('secretsmanager', `secret:${secret}-??????`);
    }
    case 'ecr.amazonaws.com': {
      const name = text(params.repositoryName);
      const registry = text(params.registryId) ?? accountId;
      return name && registry && region ? `arn:${partition}:ecr:${region}:${registry}:repository/${name}` : null;
    }
    case 'events.amazonaws.com': {
      const bus = text(params.eventBusName) ?? 'default';
      return bus.startsWith('arn:') ? bus : regional('events', `event-bus/${bus}`);
    }
    case 'backup.amazonaws.com': {
      const vault = text(params.backupVaultName);
      return vault ? regional('backup', `backup-vault:${vault}`) : null;
    }
    default:
      return fromResources;
  }
}

/** The catalogue's parameters of a record, each as bounded text. */
function keptParameters(entry: ChangeCatalogEntry, params: Params): Record<string, string> {
  const source = entry.scope === 'vpc-endpoint' ? vpcEndpointRequest(params) : params;
  const kept: Record<string, string> = {};
  let budget = MAX_PARAMETERS_CHARS;
  for (const name of entry.parameters) {
    const value = source[name];
    if (value === undefined || value === null || value === '' || budget <= 1) continue;
    const value_ = cut(typeof value === 'string' ? value : JSON.stringify(value), Math.min(MAX_PARAMETER_CHARS, budget));
    kept[name] = value_;
    budget -= value_.length;
  }
  return kept;
}
