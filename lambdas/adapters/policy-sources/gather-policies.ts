/**
 * Gathers the policies that decide one denial, through the readers, cached: when a fingerprint alerts, not for every
 * denial. What could not be read is reported beside the policies.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { PolicySet } from '../../core/iam-policy/types.js';
import { decodeAuthorizationMessage, type DecodedAuthorization } from './decode-authorization.js';
import type { Denial } from '../../core/types.js';
import type { IamPrincipalPolicies } from './iam-principal-policies.js';
import type { Lookup } from './lookup-result.js';
import type { OrganizationPolicies } from './organization-policies.js';
import { readResourcePolicy, type ResourcePolicyClients } from './resource-policies.js';
import type { TtlCache } from './ttl-cache.js';

export interface PolicySources {
  iam?: IamPrincipalPolicies;
  sts?: STSClient;
  organizations?: OrganizationPolicies;
  resources?: ResourcePolicyClients;
  cache: TtlCache;
  /**
   * Sources that read in another account (through its reader role: `member-account-sources.ts`); `undefined` for an
   * account read with the sources above. @default every account read with the sources above
   */
  forAccount?: (accountId: string) => AccountPolicySources | undefined;
}

/** The readers that work inside one account (Organizations is read centrally). */
export type AccountPolicySources = Pick<PolicySources, 'iam' | 'sts' | 'resources'>;

const ACCOUNT_OF_ARN = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/;

/** The policy set for a denial, and the lookups that failed (for the alert's "not checked"). */
export async function gatherPolicies(
  denial: Denial,
  sources: PolicySources,
): Promise<{ policies: PolicySet; notChecked: string[]; decoded: DecodedAuthorization | null }> {
  const notChecked: string[] = [];
  const note = (result: Lookup<unknown>) => {
    if (result.status === 'not-permitted') notChecked.push(`${result.what}: not permitted from here (${result.reason})`);
    if (result.status === 'failed') notChecked.push(`${result.what}: lookup failed (${result.reason})`);
  };
  const policies: PolicySet = {};
  const inAccount = (account: string | null | undefined): AccountPolicySources => (account ? sources.forAccount?.(account) : undefined) ?? sources;
  const principalSources = inAccount(ACCOUNT_OF_ARN.exec(denial.principalArn ?? '')?.[1] ?? denial.accountId);
  // S3 bucket ARNs carry no account: the event was recorded in the bucket owner's account.
  const resourceSources = inAccount(ACCOUNT_OF_ARN.exec(denial.resource ?? '')?.[1] ?? denial.recipientAccountId);
  if (principalSources.iam && denial.principalArn) {
    const principal = await sources.cache.get(`iam:${denial.principalArn}`, () => principalSources.iam!.read(denial.principalArn!));
    note(principal);
    if (principal.status === 'found') {
      policies.identity = principal.value.identity;
      policies.permissionsBoundary = principal.value.permissionsBoundary;
      policies.principalTags = principal.value.tags;
    } else if (principal.status === 'none') policies.identity = [];
  }
  const assumeRole = /^sts:AssumeRole/i.test(denial.action ?? '');
  if (assumeRole && resourceSources.iam && denial.resource?.includes(':role/')) {
    const role = await sources.cache.get(`iam:${denial.resource}`, () => resourceSources.iam!.read(denial.resource!));
    note(role);
    policies.trustPolicy = role.status === 'found' ? role.value.trustPolicy : role.status === 'none' ? null : 'not-visible';
  } else if (resourceSources.resources && denial.resource?.startsWith('arn:')) {
    const resource = await sources.cache.get(`resource:${denial.resource}`, () => readResourcePolicy(denial.resource!, resourceSources.resources!));
    note(resource);
    policies.resourcePolicy = resource.status === 'found' ? resource.value : resource.status === 'none' ? null : 'not-visible';
  }
  if (sources.organizations) {
    // SCPs govern the caller's account, RCPs the resource's account.
    const resourceAccount = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(denial.resource ?? '')?.[1] ?? denial.recipientAccountId;
    for (const [kind, account] of [['scp', denial.accountId], ['rcp', resourceAccount]] as const) {
      if (!account) continue;
      const levels = await sources.cache.get(`${kind}:${account}`, () => sources.organizations!.read(account, kind));
      note(levels);
      policies[kind === 'scp' ? 'scps' : 'rcps'] = levels.status === 'found' ? levels.value : 'not-visible';
    }
  }
  let decoded: DecodedAuthorization | null = null;
  // Only the account where the request was denied can decode its message.
  const decoder = inAccount(denial.recipientAccountId ?? denial.accountId).sts;
  if (decoder && denial.encodedAuthorizationMessage) {
    const result = await decodeAuthorizationMessage(decoder, denial.encodedAuthorizationMessage);
    note(result);
    if (result.status === 'found') decoded = result.value;
  }
  return { policies, notChecked, decoded };
}
