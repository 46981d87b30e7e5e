/**
 * AWS managed policies that grant an alert's action, for alerts whose denying layer is (or may be) the identity
 * policy: attaching one is often what a team does anyway, and the narrowest one is better than a hand-written `*`.
 *
 * Narrowest first (the index's ranking: exact grants, then partial wildcards, then service-wide ones; fewer actions
 * first), never `AdministratorAccess`, `PowerUserAccess` or a policy that grants `*` (the index leaves those out; the
 * names are filtered again here), nor policies that are broad by design: any `…AdministratorAccess…`, `…Permissive…`
 * or job-function policy (`job-function/…`: SystemAdministrator, DataScientist, …) and `ReadOnlyAccess`. None for
 * `sts:` actions and `iam:PassRole`: the managed policies that grant them grant them on every role, which is the
 * privilege escalation the precise statement avoids. Not for explicit denies (no Allow overrides a Deny) nor for other
 * layers (an identity policy cannot fix a resource policy, an SCP or a boundary).
 */
import type { AlertSummary } from '../alert.js';
import { principalOwner } from '../iam-policy/editable.js';
import { managedPoliciesGranting, type ManagedPolicyMatch } from '../iam-policy/managed-policies.js';
import { commandRegion, partitionById, partitionOf } from '../partition.js';
import type { ResourceScope } from './resource-scope.js';

/** How many suggestions an alert shows. */
export const MAX_MANAGED_POLICIES = 3;

const NEVER = /AdministratorAccess|PowerUserAccess|Permissive|^ReadOnlyAccess$/i;
const NO_SUGGESTION_ACTIONS = /^(?:sts:|iam:PassRole$)/i;

const cache = new Map<string, ManagedPolicyMatch[]>();
const CACHE_SIZE = 256;

/**
 * The index lookup, remembered: one alert is rendered three or four times (Slack, SNS, terminal, JSON) and a scan of
 * the whole index is not free.
 */
function granting(action: string, resource: string | null, partition: string): ManagedPolicyMatch[] {
  const key = `${action}\u0000${resource ?? ''}\u0000${partition}`;
  let found = cache.get(key);
  if (!found) {
    found = managedPoliciesGranting(action, 20, resource, partition);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, found);
  }
  return found;
}

/** True when the identity policy is, or may be, the layer to change. */
export function identityLayerMayFix(alert: Pick<AlertSummary, 'denyLayer' | 'denyKind'>): boolean {
  return alert.denyKind !== 'explicit' && (alert.denyLayer === 'identity-policy' || alert.denyLayer === 'unknown');
}

/**
 * The suggestions for an alert: the diagnosis' own (resource-aware) when it has some, else looked up in the index for
 * the action on the first denied resource. Empty when the identity layer cannot be the fix.
 */
export function managedPolicySuggestions(alert: AlertSummary, action: string | null, scope: ResourceScope | null): ManagedPolicyMatch[] {
  // A service-linked role's policies are its service's: nothing can be attached to it.
  if (!action || alert.serviceRefusal || !identityLayerMayFix(alert) || NO_SUGGESTION_ACTIONS.test(action) || principalOwner(alert.principalArn) === 'service') return [];
  const fromDiagnosis = alert.diagnosis?.managedPolicies ?? [];
  const resource = scope?.examples[0] ?? (scope && scope.kind !== 'unknown' && scope.kind !== 'any' ? scope.resources[0]! : null);
  const partition = partitionOf({ arns: [resource, alert.principalArn], region: alert.region }).id;
  const found = fromDiagnosis.length > 0 ? fromDiagnosis : granting(action, resource, partition);
  return found.filter((match) => !NEVER.test(match.name) && !match.arn.includes(':policy/job-function/') && match.grantedBy !== '*').slice(0, MAX_MANAGED_POLICIES);
}

/**
 * The caveat for suggestions outside the commercial partition (`unverifiedIn`): they come from the commercial list of
 * AWS managed policies, so the alert says so and gives the command that checks one exists there. Null otherwise.
 */
export function managedPoliciesCaveat(matches: readonly ManagedPolicyMatch[]): string | null {
  const first = matches.find((match) => match.unverifiedIn);
  if (!first?.unverifiedIn) return null;
  const partition = partitionById(first.unverifiedIn);
  const region = partition ? commandRegion('iam', partition.iamRegion) : null;
  return (
    `From the commercial partition's managed policies: not known to exist in ${partition?.name ?? first.unverifiedIn}. ` +
    `Check with: aws iam get-policy --policy-arn '${first.arn}'${region ? ` --region ${region}` : ''}`
  );
}
