/**
 * Links an alert to the authorization changes that most likely caused it ("what changed").
 *
 * A change is named only when it came before the spike's first denial, within the look-back, and can affect the
 * denial: the denied principal's policies, boundary or trust; the denied resource's policy; an SCP or RCP of the
 * organization; the VPC endpoint the request came through. Changes in accounts the denial has nothing to do with are
 * never named. An explicit deny whose policy a change touched is the strongest link.
 */
import type { AlertSummary, ChangeLink } from '../alert.js';
import { cloudTrailEventLink } from '../render/cloudtrail-link.js';
import type { Denial, DenyLayer } from '../types.js';
import { catalogEntryOf } from './catalog.js';
import type { AuthorizationChange } from './change.js';
import { accountOfArn, organizationPolicyIdOf, permissionSetNameOfRole, targetKey } from './targets.js';

/** Default look-back before the first denial (the `changeLookbackHours` setting). */
export const DEFAULT_CHANGE_LOOKBACK_HOURS = 24;
/** At most this many changes are named per alert. */
export const MAX_CHANGE_LINKS = 3;

/** Where the store must look for changes that could explain an alert. */
export interface ChangeLookup {
  /** Target keys (see `targets.ts`): the denied principal, resource(s), denying policies, VPC endpoint. */
  targets: string[];
  /** True when organization-wide changes (SCPs, RCPs, permission sets) can explain the denial. */
  organization: boolean;
  /** The time window: changes at or after `fromMs` and strictly before `untilMs` (the first denial). */
  fromMs: number;
  untilMs: number;
}

/** What is known of the denial beyond the alert (the engine's sample denial). */
export type DenialContext = Pick<Denial, 'recipientAccountId' | 'vpcEndpointId' | 'resource'>;

/**
 * When the spike began, to the second: the window's first counted denial as history holds it
 * (`windowFirstDenial`), else the fingerprint's first-seen time, each only when it falls inside the first minute of
 * the alerting window that holds a denial; else the start of that minute.
 *
 * Never later than the true first denial: history is written before a denial is counted, so the earliest record of
 * the window is at or before it; the sample is only the first denial of its batch in arrival order, so its time is
 * not used. A change seconds before the first denial, in the same minute, is named; one seconds after is not.
 */
export function firstDenialMsOf(alert: AlertSummary): number {
  const windowStartMs = Date.parse(alert.windowStart);
  const inWindow = alert.countsPerMinute.slice(-alert.windowMinutes);
  const offset = Math.max(0, inWindow.findIndex((count) => count > 0));
  const minuteMs = windowStartMs + offset * 60_000;
  const withinMinute = (iso: string | undefined) => {
    const ms = iso ? Date.parse(iso) : Number.NaN;
    return Number.isFinite(ms) && ms > minuteMs && ms < minuteMs + 60_000 ? ms : null;
  };
  return withinMinute(alert.windowFirstDenial) ?? withinMinute(alert.firstSeen) ?? minuteMs;
}

/** The policies an explicit deny names (the message, and the diagnosis when policies were read). */
function denyingPolicyArns(alert: AlertSummary): string[] {
  return [alert.policyArn, alert.diagnosis?.denyingStatement?.policyArn ?? null].filter((arn): arn is string => Boolean(arn));
}

/** The keys of the denied resource: itself and, for an S3 object, its bucket (`targetKey` does that). */
function resourceKeys(alert: AlertSummary, sample: DenialContext | null): string[] {
  const resources = [alert.resource, sample?.resource ?? null].filter((arn): arn is string => Boolean(arn));
  return [...new Set(resources.map(targetKey))];
}

/**
 * Policies known to apply to the denial, beyond what the message says: the managed policies and boundary attached to
 * the principal, and the SCPs/RCPs on the account's path, by ARN, id or name (the diagnosis names policies as IAM and
 * Organizations do). They make a change to them an exact link.
 */
export interface KnownPolicies {
  /** Managed policy and boundary ARNs or names of the principal. */
  principal: string[];
  /** SCP/RCP ARNs, ids (`p-…`) or names that apply to the account. */
  organization: string[];
  /** The IAM groups of a denied user (their policies are the user's). */
  groups?: string[];
}

export const NO_KNOWN_POLICIES: KnownPolicies = { principal: [], organization: [] };

/** The policies the alert's diagnosis evaluated (policy lookups or `--policies`). */
export function knownPoliciesOfDiagnosis(alert: AlertSummary): KnownPolicies {
  const known: KnownPolicies = { principal: [], organization: [] };
  for (const layer of alert.diagnosis?.layers ?? []) {
    if (layer.layer === 'identity-policy' || layer.layer === 'permissions-boundary') known.principal.push(...layer.policies);
    if (layer.layer === 'scp' || layer.layer === 'rcp') known.organization.push(...layer.policies);
  }
  return known;
}

/** The name part of a policy ARN (`arn:aws:iam::1:policy/path/Name` → `Name`). */
const nameOfPolicyArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

const ATTACH = /^(Attach(Role|User)Policy|Put(Role|User)PermissionsBoundary)$/;
const DETACH = /^(Detach(Role|User)Policy|Delete(Role|User)PermissionsBoundary)$/;

/**
 * The managed policies and boundary attached to a principal as far as its stored changes tell (attachments and
 * detachments replayed in time order). A boundary deletion names no policy: it drops every boundary seen.
 */
export function attachedPoliciesOf(principalArn: string, changes: readonly AuthorizationChange[]): string[] {
  const key = targetKey(principalArn);
  const attached = new Map<string, boolean>();
  const own = changes.filter((change) => change.principalArn !== null && targetKey(change.principalArn) === key);
  for (const change of [...own].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime))) {
    if (ATTACH.test(change.eventName) && change.policyArn) attached.set(change.policyArn, /Boundary$/.test(change.eventName));
    else if (DETACH.test(change.eventName)) {
      if (change.policyArn) attached.delete(change.policyArn);
      else for (const [arn, boundary] of attached) if (boundary) attached.delete(arn);
    }
  }
  return [...attached.keys()];
}

/**
 * The IAM groups a user belongs to as far as its stored changes tell (`AddUserToGroup` and `RemoveUserFromGroup`
 * replayed in time order), as group ARNs: their policies are the user's.
 */
export function groupsOf(userArn: string, changes: readonly AuthorizationChange[]): string[] {
  const key = targetKey(userArn);
  const match = /^arn:([^:]+):iam::(\d{12}):user\//.exec(key);
  if (!match) return [];
  const groups = new Set<string>();
  const own = changes.filter((change) => change.principalArn !== null && targetKey(change.principalArn) === key && change.parameters.groupName);
  for (const change of [...own].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime))) {
    const group = `arn:${match[1]}:iam::${match[2]}:group/${change.parameters.groupName}`;
    if (change.eventName === 'AddUserToGroup') groups.add(group);
    else if (change.eventName === 'RemoveUserFromGroup') groups.delete(group);
  }
  return [...groups];
}

/** Where to look for the changes that could explain an alert. */
export function changeLookupOf(
  alert: AlertSummary,
  sample: DenialContext | null,
  options: { firstDenialMs: number; lookbackHours: number; known?: KnownPolicies },
): ChangeLookup {
  const targets = new Set<string>();
  if (alert.principalArn) targets.add(targetKey(alert.principalArn));
  for (const arn of options.known?.principal ?? []) if (arn.startsWith('arn:')) targets.add(targetKey(arn));
  for (const group of options.known?.groups ?? []) targets.add(targetKey(group));
  for (const key of resourceKeys(alert, sample)) targets.add(key);
  for (const arn of denyingPolicyArns(alert)) targets.add(targetKey(arn));
  if (sample?.vpcEndpointId) targets.add(sample.vpcEndpointId);
  const organizationLayer = alert.denyLayer === 'scp' || alert.denyLayer === 'rcp' || alert.denyLayer === 'unknown';
  return {
    targets: [...targets],
    organization: organizationLayer || permissionSetNameOfRole(alert.principalArn) !== null,
    fromMs: options.firstDenialMs - options.lookbackHours * 3_600_000,
    untilMs: options.firstDenialMs,
  };
}

/** True when a change to `changed` can produce a denial the message attributes to `denied`. */
function layerCanExplain(changed: DenyLayer, denied: DenyLayer, organizationType: 'scp' | 'rcp' | null = null): boolean {
  if (denied === 'unknown') return true;
  if (organizationType === null && (changed === 'scp' || changed === 'rcp')) return denied === 'scp' || denied === 'rcp';
  return changed === denied;
}

interface Candidate {
  change: AuthorizationChange;
  timeMs: number;
  match: ChangeLink['match'];
  exactness: ChangeLink['exactness'];
  tier: number;
}

/**
 * Ranks the candidate changes of an alert (most specific, then most recent first) and returns at most
 * {@link MAX_CHANGE_LINKS} links.
 */
export function linkChanges(
  alert: AlertSummary,
  sample: DenialContext | null,
  changes: readonly AuthorizationChange[],
  lookup: Pick<ChangeLookup, 'fromMs' | 'untilMs'>,
  known: KnownPolicies = NO_KNOWN_POLICIES,
  limit = MAX_CHANGE_LINKS,
): ChangeLink[] {
  const principalPolicies = new Set(known.principal.map((name) => (name.startsWith('arn:') ? targetKey(name) : name)));
  const accountPolicies = new Set(known.organization.map((name) => organizationPolicyIdOf(name) ?? name));
  const principalKey = alert.principalArn ? targetKey(alert.principalArn) : null;
  const groups = new Set((known.groups ?? []).map(targetKey));
  const resources = new Set(resourceKeys(alert, sample));
  const denying = new Set(denyingPolicyArns(alert).map(targetKey));
  const denyingOrgIds = new Set(denyingPolicyArns(alert).map(organizationPolicyIdOf).filter(Boolean));
  const accounts = new Set(
    [alert.accountId, sample?.recipientAccountId ?? null, accountOfArn(alert.resource), accountOfArn(alert.principalArn)].filter(Boolean),
  );
  const isPermissionSetRole = permissionSetNameOfRole(alert.principalArn) !== null;
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const change of changes) {
    const timeMs = Date.parse(change.eventTime);
    if (!Number.isFinite(timeMs) || timeMs < lookup.fromMs || timeMs >= lookup.untilMs || seen.has(change.eventId)) continue;
    if (catalogEntryOf(change.eventSource, change.eventName)?.grantOnly) continue;
    const matched = matchOf(change);
    if (!matched) continue;
    seen.add(change.eventId);
    // Specificity tiers: the denying policy; the principal, resource or endpoint itself; an SCP/RCP attached to the
    // account; anything else in the organization.
    const tier = matched.match === 'denying-policy' ? 0 : matched.exactness === 'any-in-organization' ? 3 : matched.match === 'organization' ? 2 : 1;
    candidates.push({ change, timeMs, ...matched, tier });
  }
  candidates.sort((a, b) => a.tier - b.tier || b.timeMs - a.timeMs || (a.change.eventId < b.change.eventId ? -1 : 1));
  return candidates.slice(0, limit).map((candidate) => toLink(candidate, lookup.untilMs));

  function matchOf(change: AuthorizationChange): Pick<Candidate, 'match' | 'exactness'> | null {
    const policyKey = change.policyArn ? targetKey(change.policyArn) : null;
    const touchesDenyingPolicy =
      (policyKey !== null && denying.has(policyKey)) || (change.organizationPolicyId !== null && denyingOrgIds.has(change.organizationPolicyId));
    const principal = change.principalArn ? targetKey(change.principalArn) : null;
    if (change.scope === 'organization') {
      if (touchesDenyingPolicy) return { match: 'denying-policy', exactness: 'exact' };
      if (!layerCanExplain(change.layer, alert.denyLayer, change.organizationPolicyType)) return null;
      const attachedHere =
        (change.organizationTargetId !== null && change.organizationTargetId === alert.accountId) ||
        (change.organizationPolicyId !== null && accountPolicies.has(change.organizationPolicyId)) ||
        (change.policyName !== null && accountPolicies.has(change.policyName));
      return { match: 'organization', exactness: attachedHere ? 'exact' : 'any-in-organization' };
    }
    if (change.scope === 'permission-set') {
      if (!isPermissionSetRole || !layerCanExplain(change.layer, alert.denyLayer)) return null;
      return { match: 'principal', exactness: 'any-in-organization' };
    }
    if (change.accountId !== null && !accounts.has(change.accountId)) return null;
    // The policy the explicit deny names: its new version, or attached to (or set as boundary of) this principal; not
    // the same policy attached to someone else.
    if (touchesDenyingPolicy && (change.scope !== 'principal' || principal === principalKey)) return { match: 'denying-policy', exactness: 'exact' };
    // The resource whose policy refused, when the denial names it as its policy: a KMS key behind a bucket (the S3
    // denial correlated with the key's own denial), a role's trust policy.
    if (change.scope === 'resource' && change.resourceArn && denying.has(targetKey(change.resourceArn))) {
      return { match: alert.denyKind === 'explicit' ? 'denying-policy' : 'resource', exactness: 'exact' };
    }
    // A new version (or the deletion) of a managed policy attached to the denied principal, as a policy or boundary.
    if (change.scope === 'managed-policy' && policyKey !== null && (principalPolicies.has(policyKey) || principalPolicies.has(nameOfPolicyArn(policyKey)))) {
      const layers: DenyLayer[] = ['identity-policy', 'permissions-boundary', 'unknown'];
      return layers.includes(alert.denyLayer) ? { match: 'principal', exactness: 'exact' } : null;
    }
    if (!layerCanExplain(change.layer, alert.denyLayer)) return null;
    if (principal !== null && principal === principalKey) return { match: 'principal', exactness: 'exact' };
    // A policy change of a group the denied user belongs to (membership seen in the change stream).
    if (principal !== null && groups.has(principal) && change.eventName !== 'AddUserToGroup') return { match: 'principal', exactness: 'exact' };
    if (principal !== null && resources.has(principal)) return { match: 'resource', exactness: 'exact' };
    if (change.scope === 'vpc-endpoint') {
      return change.resourceArn !== null && change.resourceArn === sample?.vpcEndpointId ? { match: 'vpc-endpoint', exactness: 'exact' } : null;
    }
    if (change.resourceArn && resources.has(targetKey(change.resourceArn))) return { match: 'resource', exactness: 'exact' };
    return null;
  }
}

function toLink(candidate: Candidate, firstDenialMs: number): ChangeLink {
  const { change, match, exactness } = candidate;
  const minutes = Math.max(0, Math.round((firstDenialMs - candidate.timeMs) / 60_000));
  const target = change.principalArn ?? change.resourceArn ?? change.policyArn ?? change.organizationTargetId;
  return {
    eventId: change.eventId,
    eventTime: change.eventTime,
    accountId: change.accountId,
    region: change.region,
    actorArn: change.actorArn,
    eventSource: change.eventSource,
    eventName: change.eventName,
    layer: change.layer,
    target,
    policyArn: change.policyArn ?? change.organizationPolicyId,
    minutesBeforeFirstDenial: minutes,
    match,
    exactness,
    summary: summaryOf(change, target, match),
    consoleUrl: cloudTrailEventLink(change.region, change.eventId),
  };
}

/**
 * "user/alice (session x) called DetachRolePolicy on role/ci (policy/p), account 123456789012". Plain text; renderers
 * escape it and put the time ("14 min before") and, for organization-wide links, where it applies in front of it.
 */
function summaryOf(change: AuthorizationChange, target: string | null, match: ChangeLink['match']): string {
  const actor = change.actorArn ? shortArn(change.actorArn) : 'an unknown caller';
  const session = change.actorSession ? ` (session ${change.actorSession})` : '';
  const on = target ? ` on ${shortArn(target)}` : '';
  const policyArn = change.policyArn ?? change.organizationPolicyId;
  const policy = policyArn && policyArn !== target ? ` (${shortArn(policyArn)})` : '';
  const account = change.accountId ? `, account ${change.accountId}` : '';
  const why = match === 'denying-policy' ? ': the policy the explicit deny names' : '';
  return `${actor}${session} called ${change.eventName}${on}${policy}${account}${why}`;
}

/** The resource part of an ARN (`role/ci-deploy`); AWS managed policies keep their `aws` marker. */
function shortArn(arn: string): string {
  const match = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}|aws)?:(.+)$/.exec(arn);
  if (!match) return arn;
  return match[1] === 'aws' ? `aws-managed ${match[2]}` : match[2]!;
}
