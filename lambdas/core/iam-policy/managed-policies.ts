/**
 * Which AWS managed policies grant an action (on a resource), from the compact index built by
 * `scripts/build-managed-policy-index.ts` (policies granting `*` or using `NotAction` are not in it).
 */
import { generatedIndex, splitIndex, type SplitIndexManifest } from '../generated-index.js';
import { managedPolicyArn, partitionOfArn, withCommercialPartition } from '../partition.js';
import { actionMatches, resourceMatches } from './matching.js';

/**
 * The index as `scripts/build-managed-policy-index.ts` derives it: `[policy ARN path after policy/, grants]`, latest
 * versions. A grant is `[action patterns]` (on any resource), `[action patterns, resource patterns]`, or
 * `[action patterns, resource patterns or null, 1]` when its statement has a Condition. It is written split (below).
 */
export interface ManagedPolicyIndex {
  source: string;
  format: 2;
  policies: Array<[string, ManagedPolicyGrant[]]>;
}

/** One Allow of a managed policy, compacted. */
export type ManagedPolicyGrant = [string[]] | [string[], string[]] | [string[], string[] | null, 1];

/** The split index's manifest: where it came from, then the service prefixes that have a part (`keys`). */
export interface ManagedPolicyManifest extends SplitIndexManifest {
  source: string;
  format: 3;
}

/**
 * One policy in a service's part (`<prefix>.json`): its path, its breadth and reach over all its grants (see
 * {@link policyMeasures}), how many of its action patterns are of that service, and its grants cut down to those
 * patterns (grants with none left out).
 */
export type ManagedPolicyServiceEntry = [path: string, breadth: number, reach: number, own: number, grants: ManagedPolicyGrant[]];

/** The part holding the policies with wildcard-prefix patterns, whole (beside the manifest; never a service's part). */
export const MANAGED_POLICY_WILDCARD_PART = '_wildcard.json';

/** One policy in `_wildcard.json`, whole: a policy with an action pattern whose prefix has a wildcard (or no colon). */
export type ManagedPolicyWildcardEntry = [path: string, grants: ManagedPolicyGrant[]];

/**
 * The index (2 MB of JSON in all), split per service prefix of the action patterns (`managed-policy-index.generated/
 * s3.json`, …) and read on first use, one service at a time: only a diagnosis or a rendered fix needs it, and then
 * only for the denied action's service. It sits beside this module (and beside the Lambda bundle, which copies the
 * directory there).
 */
const DIRECTORY = new URL('./managed-policy-index.generated/', import.meta.url);
const INDEX = splitIndex<ManagedPolicyManifest, ManagedPolicyServiceEntry[]>(DIRECTORY);
const WILDCARD = generatedIndex<ManagedPolicyWildcardEntry[]>(new URL(MANAGED_POLICY_WILDCARD_PART, DIRECTORY));

/** A managed policy that grants an action, and how. */
export interface ManagedPolicyMatch {
  name: string;
  arn: string;
  /** The pattern that grants the action (the action itself, or a partial wildcard like `proton:Create*`). */
  grantedBy: string;
  /** How many action patterns the policy grants in all (smaller is closer to least privilege). */
  breadth: number;
  /** True when the granting statement has a Condition (not evaluated here: check it fits). */
  conditional: boolean;
  /**
   * The partition of `arn` when it is not the commercial one: the index is built from the commercial partition's
   * policies, so whether this policy exists there (and grants the same) is not known. Absent in `aws`.
   */
  unverifiedIn?: string;
}

/**
 * Policies never suggested although the index holds them: broad by design (`…AdministratorAccess…`,
 * `PowerUserAccess`, `…Permissive…`, `ReadOnlyAccess`, job functions) or not meant to be attached as a grant
 * (permissions boundaries, session policies).
 */
const NEVER_SUGGESTED = /AdministratorAccess|PowerUserAccess|Permissive|PermissionsBoundary|SessionPolicy|^ReadOnlyAccess$/i;

/** True when the policy at `path` (after `policy/`) may be suggested at all (see `NEVER_SUGGESTED`). */
export function isSuggestible(path: string): boolean {
  // Service-linked roles' policies cannot be attached; job functions are broad by design.
  return !path.startsWith('aws-service-role/') && !path.startsWith('job-function/') && !NEVER_SUGGESTED.test(path.slice(path.lastIndexOf('/') + 1));
}

/** The lower-case service prefix an action pattern is filed under, `''` when its prefix has a wildcard (or no colon). */
export function patternServiceKey(pattern: string): string {
  const prefix = pattern.slice(0, Math.max(pattern.indexOf(':'), 0)).toLowerCase();
  return /[*?]/.test(prefix) ? '' : prefix;
}

/**
 * A policy's breadth (action patterns in all) and reach (roughly how many actions it grants: an exact action counts
 * 1, a partial wildcard 10, a service-wide one 100).
 */
export function policyMeasures(grants: readonly ManagedPolicyGrant[]): { breadth: number; reach: number } {
  return {
    breadth: grants.reduce((sum, [actions]) => sum + actions.length, 0),
    reach: grants.reduce((sum, [actions]) => sum + actions.reduce((n, pattern) => n + (!pattern.includes('*') ? 1 : pattern.endsWith(':*') ? 100 : 10), 0), 0),
  };
}

/** Service prefixes whose managed policies are named after the service's longer name. */
const SERVICE_NAME_ALIASES: Record<string, readonly string[]> = {
  logs: ['cloudwatchlogs'],
  kms: ['keymanagementservice'],
  states: ['stepfunctions'],
  'execute-api': ['apigateway'],
  es: ['opensearchservice', 'elasticsearch'],
  elasticfilesystem: ['efs'],
  sso: ['ssodirectory', 'identitycenter'],
};

/** One attachable policy of the index, with what the ranking needs (one object per policy, whichever parts hold it). */
interface IndexedPolicy {
  name: string;
  /** The ARN's path after `policy/` (`service-role/AWSLambdaBasicExecutionRole`). */
  path: string;
  /** Action patterns in all. */
  breadth: number;
  /** Roughly how many actions it grants: an exact action counts 1, a partial wildcard 10, a service-wide one 100. */
  reach: number;
  /** The name without `Amazon`/`AWS`, lower-case, to tell which service a policy is about. */
  subject: string;
  /** Its action patterns per service prefix, for the services whose parts were read. */
  own: Map<string, number>;
  /** All its grants, when the wildcard part holds it whole. */
  grants?: ManagedPolicyGrant[];
}

/** One action pattern of one grant, filed under its service prefix. */
interface Candidate {
  policy: IndexedPolicy;
  grant: ManagedPolicyGrant;
  pattern: string;
}

/** Every policy read so far, by path: a policy in several parts is one object (the ranking tells policies apart by it). */
const policies = new Map<string, IndexedPolicy>();
function indexedPolicy(path: string, breadth: number, reach: number): IndexedPolicy {
  let policy = policies.get(path);
  if (!policy) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    policies.set(path, (policy = { name, path, breadth, reach, subject: name.replace(/^(?:Amazon|AWS)/, ''), own: new Map() }));
  }
  return policy;
}

/**
 * The attachable policies' action patterns of one lower-case service prefix, then those whose prefix has a wildcard
 * (`''`), each part read and filed once on first use: a lookup reads a few hundred patterns of one part instead of the
 * ~56 000 of the whole index.
 */
const byService = new Map<string, Candidate[]>();
let wildcard: Candidate[] | undefined;
function candidatesOf(service: string): Candidate[] {
  if (!wildcard) {
    wildcard = [];
    for (const [path, grants] of WILDCARD.load()) {
      if (!isSuggestible(path)) continue;
      const { breadth, reach } = policyMeasures(grants);
      const policy = indexedPolicy(path, breadth, reach);
      policy.grants = grants;
      for (const grant of grants) for (const pattern of grant[0]) if (pattern !== '*' && patternServiceKey(pattern) === '') wildcard.push({ policy, grant, pattern });
    }
  }
  let own = byService.get(service);
  if (!own) {
    own = [];
    for (const [path, breadth, reach, count, grants] of INDEX.part(service) ?? []) {
      if (!isSuggestible(path)) continue;
      const policy = indexedPolicy(path, breadth, reach);
      policy.own.set(service, count);
      for (const grant of grants) for (const pattern of grant[0]) own.push({ policy, grant, pattern });
    }
    byService.set(service, own);
  }
  return wildcard.length === 0 ? own : [...own, ...wildcard];
}

/**
 * True when a policy is about the action's service, as AWS names them: `AmazonEC2FullAccess` for `ec2:`,
 * `AmazonS3ReadOnlyAccess` for `s3:`, `CloudWatchLogsFullAccess` for `logs:` (not
 * `AWSElasticBeanstalkCustomPlatformforEC2Role`, which is about Elastic Beanstalk).
 */
function isAboutService(policy: IndexedPolicy, service: string): boolean {
  const subject = policy.subject.toLowerCase();
  for (const key of [service.replace(/-/g, ''), ...(SERVICE_NAME_ALIASES[service] ?? [])]) {
    // The service name must end a word: `EC2FullAccess` is about ec2, `ESSomething` would not be about `es`.
    if (subject.startsWith(key) && !/[a-z]/.test(policy.subject.charAt(key.length))) return true;
  }
  return false;
}

/** The share of a policy's action patterns that belong to `service` (1: all of it is about that service). */
function serviceShare(policy: IndexedPolicy, service: string): number {
  let own = policy.grants ? 0 : (policy.own.get(service) ?? 0);
  for (const [actions] of policy.grants ?? []) for (const pattern of actions) if (pattern.toLowerCase().startsWith(`${service}:`)) own++;
  return policy.breadth === 0 ? 0 : own / policy.breadth;
}

/**
 * Managed policies a principal could attach that grant `action` (on `resource`, when given), never through `*`.
 *
 * Ranking, narrowest and most specific first: policies about the action's service (named after it:
 * `AmazonS3ReadOnlyAccess` for `s3:GetObject`) before policies of other services that happen to grant it; then exact
 * grants, partial wildcards (`proton:Create*`), service-wide ones (`proton:*`), unconditional before conditional; then
 * policies whose actions are mostly of that service; then the fewest actions (a wildcard counts as many). Never `AdministratorAccess`,
 * `PowerUserAccess` (not in the index), policies that are broad by design or not meant as grants (see
 * `NEVER_SUGGESTED`, job functions), nor service-linked roles' policies. A grant limited to resources
 * (`arn:aws:s3:::aws-glue-*`) counts only when it covers `resource`; with no resource, only grants on `*` count.
 * Conditions are not evaluated, only flagged. The action's service's part of the index is read on its first call.
 *
 * Partitions: the index holds the commercial partition's policies and resource patterns, so a resource of another
 * partition is matched with its partition read as `aws`, and each match's ARN is written in `partition` (default: the
 * resource's, else `aws`) and marked `unverifiedIn` outside `aws`.
 *
 * @example managedPoliciesGranting('proton:CreateEnvironment')[0].name // 'AWSProtonFullAccess' (through proton:*)
 */
export function managedPoliciesGranting(action: string, limit = 5, resource: string | null = null, partition: string | null = null): ManagedPolicyMatch[] {
  const partitionId = partition ?? partitionOfArn(resource)?.id ?? 'aws';
  if (resource) resource = withCommercialPartition(resource);
  const service = action.slice(0, Math.max(action.indexOf(':'), 0)).toLowerCase();
  const best = new Map<IndexedPolicy, { pattern: string; rank: number; conditional: boolean }>();
  for (const { policy, grant, pattern } of candidatesOf(service)) {
    const [, resources, conditioned] = grant;
    if (!actionMatches(pattern, action)) continue;
    if (resources && (resource === null || !resources.some((resourcePattern) => resourceMatches(resourcePattern, resource)))) continue;
    const conditional = conditioned === 1;
    // Exact, partial wildcard, service-wide; conditional grants after unconditional ones of the same kind.
    const rank = (!pattern.includes('*') ? 0 : pattern.endsWith(':*') ? 2 : 1) * 2 + (conditional ? 1 : 0);
    const known = best.get(policy);
    if (!known || rank < known.rank) best.set(policy, { pattern, rank, conditional });
  }
  const ranked = [...best].map(([policy, grant]) => ({
    policy,
    grant,
    about: isAboutService(policy, service) ? 0 : 1,
    focused: serviceShare(policy, service) >= 0.5 ? 0 : 1,
  }));
  return ranked
    .sort((a, b) => a.about - b.about || a.grant.rank - b.grant.rank || a.focused - b.focused || a.policy.reach - b.policy.reach || (a.policy.name < b.policy.name ? -1 : 1))
    .slice(0, limit)
    .map(({ policy, grant }) => ({
      name: policy.name,
      arn: managedPolicyArn(partitionId, policy.path),
      grantedBy: grant.pattern,
      breadth: policy.breadth,
      conditional: grant.conditional,
      ...(partitionId === 'aws' ? {} : { unverifiedIn: partitionId }),
    }));
}

/** Where the index came from. */
export const MANAGED_POLICY_SOURCE = INDEX.manifest.headerField('source');
