/**
 * Decides a request against its policies, following AWS's documented evaluation logic:
 *
 * 1. An explicit Deny in any applicable policy (SCP, RCP, VPC endpoint, resource, trust, boundary, session, identity)
 *    wins.
 * 2. Every SCP level and every RCP level must allow (RCPs allow by default through RCPFullAWSAccess); a VPC endpoint
 *    policy, when the request went through one, must allow. SCPs and RCPs do not apply to service-linked roles.
 * 3. Same account: a resource policy that names the principal's user or session ARN allows on its own; one that names
 *    the role is still limited by its boundary and session policies; otherwise identity ∩ boundary ∩ session must
 *    allow. A role's trust policy (`sts:AssumeRole*`) and a KMS key policy must allow in any case: when they name only
 *    the account, the identity side must allow as well.
 *    Cross account: the identity side and the resource policy must both allow.
 *
 * A statement whose conditions need a key the record cannot supply is `unknown`; the request is evaluated with such
 * statements both applying and not, and when the two answers differ the decision is `undetermined`, with the keys.
 * A layer that could not be read (not provided, not visible, not permitted) is listed in `notChecked` and does not
 * decide: the evaluation goes on as if it allowed, so an `allowed` answer means "the denial came from what was not
 * checked".
 */
import { evaluateConditions, type Tri } from './conditions.js';
import { actionMatches, resourceMatches } from './matching.js';
import { howNamed, principalApplies } from './principal.js';
import type { NamedPolicy, PolicyLayer, PolicySet, RequestContext, Statement } from './types.js';
import { substituteVariables } from './variables.js';

export { principalApplies } from './principal.js';

/** A statement that applied (or might have), with its policy. */
export interface StatementRef {
  policy: string;
  policyArn: string | null;
  layer: PolicyLayer;
  sid: string | null;
  statement: Statement;
  /** Condition keys the statement depends on and the record cannot supply. */
  dependsOn: string[];
}

/** What one layer (or one SCP/RCP level) said about the request. */
export interface LayerReport {
  layer: PolicyLayer;
  /** The organization level of an SCP or RCP (0 is the root). */
  level?: number;
  /** The policies evaluated in this layer. */
  policies: string[];
  /**
   * `denies`: a Deny applies; `allows`: an Allow applies and no Deny; `no-match`: no statement applies (an implicit
   * deny where the layer must allow); `depends`: only statements whose conditions the record cannot decide;
   * `not-checked`: the layer could not be read.
   */
  result: 'allows' | 'denies' | 'no-match' | 'depends' | 'not-checked';
  /** The statements that apply or might (denies first). */
  statements: StatementRef[];
}

/** The outcome. */
export interface Decision {
  decision: 'allowed' | 'explicit-deny' | 'implicit-deny' | 'undetermined';
  /** The layer that decided a deny (for implicit, the first layer whose allow is missing). */
  layer: PolicyLayer | null;
  /** For an explicit deny: the statement. */
  denyingStatement: StatementRef | null;
  /** Layers whose allow is missing (for a fix), in evaluation order. */
  missingAllows: PolicyLayer[];
  /** Statements that allow, per layer. */
  allows: StatementRef[];
  /** Every layer, in evaluation order, with the statements that matched. */
  layers: LayerReport[];
  dependsOn: string[];
  notChecked: string[];
}

type Match = 'yes' | 'no' | 'unknown';

/** Evaluates one statement's Action, Resource, Principal and Condition against the request. */
export function statementMatches(statement: Statement, context: RequestContext, withPrincipal: boolean, hasBoundary = false): { match: Match; dependsOn: string[] } {
  const dependsOn: string[] = [];
  const action = matchList(statement.Action, statement.NotAction, (pattern) => actionMatches(pattern, context.action));
  if (action === 'no') return { match: 'no', dependsOn };
  const resource = resourceApplies(statement, context, dependsOn);
  if (resource === 'no') return { match: 'no', dependsOn };
  // IAM guide: a Deny with NotPrincipal always denies a principal that has a permissions boundary.
  const boundaryQuirk = statement.Effect === 'Deny' && statement.NotPrincipal !== undefined && hasBoundary;
  if (withPrincipal && !boundaryQuirk && !principalApplies(statement, context)) return { match: 'no', dependsOn };
  const condition: Tri = evaluateConditions(statement.Condition, context);
  if (condition === false) return { match: 'no', dependsOn };
  if (condition !== true) dependsOn.push(...condition.dependsOn);
  return { match: resource === 'unknown' || dependsOn.length > 0 ? 'unknown' : 'yes', dependsOn: [...new Set(dependsOn)] };
}

function matchList(list: Statement['Action'], notList: Statement['NotAction'], test: (pattern: string) => boolean): Match {
  if (list !== undefined) return [list].flat().some(test) ? 'yes' : 'no';
  if (notList !== undefined) return [notList].flat().some(test) ? 'no' : 'yes';
  return 'no';
}

function resourceApplies(statement: Statement, context: RequestContext, dependsOn: string[]): Match {
  const patterns = statement.Resource ?? statement.NotResource;
  if (patterns === undefined) return 'yes'; // trust policies and some resource policies name no Resource
  const negate = statement.Resource === undefined;
  const list = [patterns].flat();
  if (context.resource === null) {
    if (!negate && list.includes('*')) return 'yes';
    dependsOn.push('the resource ARN');
    return 'unknown';
  }
  let any = false;
  for (const raw of list) {
    const pattern = substituteVariables(raw, context);
    if (pattern === false) continue; // a variable whose key is absent matches nothing
    if (typeof pattern !== 'string') {
      dependsOn.push(...pattern.dependsOn);
      return 'unknown';
    }
    if (resourceMatches(pattern, context.resource)) any = true;
  }
  return any !== negate ? 'yes' : 'no';
}

interface Ref extends StatementRef {
  certain: boolean;
}

interface LayerResult {
  allows: Ref[];
  denies: Ref[];
}

function evaluatePolicies(policies: readonly NamedPolicy[], context: RequestContext, withPrincipal: boolean, hasBoundary: boolean): LayerResult {
  const result: LayerResult = { allows: [], denies: [] };
  for (const policy of policies) {
    for (const statement of [policy.document.Statement].flat()) {
      const { match, dependsOn } = statementMatches(statement, context, withPrincipal, hasBoundary);
      if (match === 'no') continue;
      const ref: Ref = { policy: policy.name, policyArn: policy.arn ?? null, layer: policy.layer, sid: statement.Sid ?? null, statement, dependsOn, certain: match === 'yes' };
      (statement.Effect === 'Deny' ? result.denies : result.allows).push(ref);
    }
  }
  return result;
}

const KMS_KEY = /^arn:[^:]+:kms:[^:]*:\d{12}:key\//;
/** Actions no identity-side policy can gate (lower-case). */
const UNGATED_ACTIONS: ReadonlySet<string> = new Set(['sts:getcalleridentity']);
const SERVICE_LINKED_ROLE = /:role\/aws-service-role\//;

/** Decides the request. */
export function evaluateRequest(context: RequestContext, policies: PolicySet): Decision {
  const notChecked: string[] = [];
  const notCheckedLayers: PolicyLayer[] = [];
  const visible = <T>(value: T | 'not-visible' | undefined, what: string, layer: PolicyLayer): T | undefined => {
    if (value === 'not-visible') notChecked.push(`${what}: not visible from here`);
    else if (value === undefined) notChecked.push(`${what}: not provided`);
    else return value;
    notCheckedLayers.push(layer);
    return undefined;
  };
  const hasBoundary = Boolean(policies.permissionsBoundary);
  const guards: Array<{ layer: PolicyLayer; levels: NamedPolicy[][]; withPrincipal: boolean }> = [];
  const serviceLinked = context.principalArn !== null && SERVICE_LINKED_ROLE.test(context.principalArn);
  if (serviceLinked) notChecked.push('SCPs and RCPs: do not apply to service-linked roles');
  const scps = serviceLinked ? undefined : visible(policies.scps, 'service control policies', 'scp');
  if (scps) guards.push({ layer: 'scp', levels: scps, withPrincipal: false });
  const rcps = serviceLinked ? undefined : visible(policies.rcps, 'resource control policies', 'rcp');
  // An empty RCP level holds only RCPFullAWSAccess, which allows everything.
  if (rcps) guards.push({ layer: 'rcp', levels: rcps.filter((level) => level.length > 0), withPrincipal: true });
  if (policies.vpcEndpointPolicy) guards.push({ layer: 'vpc-endpoint-policy', levels: [[policies.vpcEndpointPolicy]], withPrincipal: true });

  const assumeRole = /^sts:AssumeRole/i.test(context.action);
  const resourceLayer: PolicyLayer = assumeRole ? 'role-trust-policy' : 'resource-policy';
  const resourcePolicy = assumeRole ? visible(policies.trustPolicy, 'role trust policy', resourceLayer) : visible(policies.resourcePolicy, 'resource policy', resourceLayer);
  // null means "looked, there is none"; undefined means "could not look" (then the resource side does not decide).
  const resourceKnown = resourcePolicy !== undefined;
  // STS API reference, GetCallerIdentity: "No permissions are required to perform this operation. If an administrator
  // attaches a policy to your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still
  // perform this operation." The identity side (identity, boundary, session policies) neither denies nor must allow.
  const ungated = UNGATED_ACTIONS.has(context.action.toLowerCase());
  if (ungated) notChecked.push(`identity, boundary and session policies: ${context.action} needs no permission and they cannot deny it`);
  const identityPolicies = ungated ? [] : visible(policies.identity, 'identity policies', 'identity-policy');
  const identityKnown = identityPolicies !== undefined;
  const sameAccount = context.principalAccount !== null && context.principalAccount === (context.resourceAccount ?? context.principalAccount);
  // An AWS service principal (cloudtrail.amazonaws.com writing to a bucket) or a web-identity/SAML caller has no
  // identity policies: only the resource (or trust) policy can allow it.
  const serviceCall = context.principalArn === null && (context.servicePrincipal !== null || typeof context.keys['aws:federatedprovider'] === 'string');
  // Trust policies and KMS key policies must allow even within the account (IAM and KMS documentation).
  const resourceRequired = assumeRole || serviceCall || (context.resource !== null && KMS_KEY.test(context.resource)) || !sameAccount;

  const evaluate = (list: readonly NamedPolicy[], withPrincipal: boolean) => evaluatePolicies(list, context, withPrincipal, hasBoundary);
  const results = {
    guards: guards.map((guard) => ({ ...guard, results: guard.levels.map((level) => evaluate(level, guard.withPrincipal)) })),
    resource: evaluate(resourcePolicy ? [resourcePolicy] : [], true),
    identity: evaluate(identityPolicies ?? [], false),
    boundary: policies.permissionsBoundary && !ungated ? evaluate([policies.permissionsBoundary], false) : null,
    session: policies.sessionPolicies?.length && !ungated ? evaluate(policies.sessionPolicies, false) : null,
  };
  const allLayers: LayerResult[] = [...results.guards.flatMap((guard) => guard.results), results.resource, results.identity, ...(results.boundary ? [results.boundary] : []), ...(results.session ? [results.session] : [])];
  const dependsOn = [...new Set(allLayers.flatMap((layer) => [...layer.allows, ...layer.denies]).flatMap((ref) => ref.dependsOn))];

  const decide = (optimistic: boolean): Omit<Decision, 'layers' | 'dependsOn' | 'notChecked'> => {
    const counts = (ref: Ref, effect: 'allow' | 'deny') => ref.certain || (effect === 'allow' ? optimistic : !optimistic);
    const allowsIn = (layer: LayerResult) => layer.allows.some((ref) => counts(ref, 'allow'));
    const deny = allLayers.flatMap((layer) => layer.denies).find((ref) => counts(ref, 'deny'));
    const allows = allLayers.flatMap((layer) => layer.allows).filter((ref) => counts(ref, 'allow')).map(strip);
    if (deny) return { decision: 'explicit-deny', layer: deny.layer, denyingStatement: strip(deny), missingAllows: [], allows };

    const missing: PolicyLayer[] = [];
    for (const guard of results.guards) if (guard.results.some((level) => !allowsIn(level))) missing.push(guard.layer);
    const identityAllows = !identityKnown || serviceCall || ungated || allowsIn(results.identity);
    const boundaryOk = results.boundary === null || allowsIn(results.boundary);
    const sessionOk = results.session === null || allowsIn(results.session);
    const identitySide = identityAllows && boundaryOk && sessionOk;
    const resourceAllow = results.resource.allows.find((ref) => counts(ref, 'allow'));
    const named = resourceAllow ? howNamed(resourceAllow.statement, context) : null;
    const identityGaps = (): PolicyLayer[] => [
      ...(identityAllows ? [] : (['identity-policy'] as const)),
      ...(boundaryOk ? [] : (['permissions-boundary'] as const)),
      ...(sessionOk ? [] : (['session-policy'] as const)),
    ];
    const roleGaps = (): PolicyLayer[] => [...(boundaryOk ? [] : (['permissions-boundary'] as const)), ...(sessionOk ? [] : (['session-policy'] as const))];

    if (!resourceRequired) {
      // Same account, a resource that does not need its own policy to allow.
      const byResource = named === 'user-or-session' || named === 'wildcard-with-principal-arn' || named === 'wildcard' || (named === 'role' && boundaryOk && sessionOk);
      // When the resource policy names the role, only its boundary and session policies stand in the way.
      if (!identitySide && !byResource) missing.push(...(named === 'role' ? roleGaps() : identityGaps()));
    } else if (!resourceKnown) {
      if (!identitySide) missing.push(...identityGaps());
    } else if (!resourceAllow) {
      missing.push(resourceLayer);
      // The statement to add names the principal's own ARN: same account, a user needs nothing more, a role its
      // boundary and session policies; across accounts, the whole identity side.
      if (!sameAccount) missing.push(...identityGaps());
      else if (!/:user\//.test(context.principalArn ?? '')) missing.push(...roleGaps());
    } else if (serviceCall) {
      // the resource policy allows the service: nothing else applies
    } else if (!sameAccount || named === 'account') {
      if (!identitySide) missing.push(...identityGaps());
    } else if (named === 'role') {
      missing.push(...roleGaps());
    }
    if (missing.length > 0) return { decision: 'implicit-deny', layer: missing[0]!, denyingStatement: null, missingAllows: [...new Set(missing)], allows };
    return { decision: 'allowed', layer: null, denyingStatement: null, missingAllows: [], allows };
  };

  const namesOf = (list: readonly NamedPolicy[] | null | undefined) => (list ?? []).map((policy) => policy.name);
  const layers = reportLayers(results, {
    resourceLayer,
    resourceKnown,
    identityKnown,
    notCheckedLayers,
    names: { resource: namesOf(resourcePolicy ? [resourcePolicy] : []), identity: namesOf(identityPolicies), boundary: namesOf(policies.permissionsBoundary ? [policies.permissionsBoundary] : []), session: namesOf(policies.sessionPolicies) },
  });
  const permissive = decide(true);
  const restrictive = decide(false);
  const base = { layers, dependsOn, notChecked };
  if (permissive.decision === restrictive.decision && permissive.layer === restrictive.layer) return { ...restrictive, ...base };
  return { ...restrictive, ...base, decision: 'undetermined' };
}

function reportLayers(
  results: {
    guards: Array<{ layer: PolicyLayer; levels: NamedPolicy[][]; results: LayerResult[] }>;
    resource: LayerResult;
    identity: LayerResult;
    boundary: LayerResult | null;
    session: LayerResult | null;
  },
  seen: {
    resourceLayer: PolicyLayer;
    resourceKnown: boolean;
    identityKnown: boolean;
    notCheckedLayers: PolicyLayer[];
    names: Record<'resource' | 'identity' | 'boundary' | 'session', string[]>;
  },
): LayerReport[] {
  const report = (layer: PolicyLayer, result: LayerResult, policies: string[], level?: number): LayerReport => {
    const statements = [...result.denies, ...result.allows];
    const outcome: LayerReport['result'] = result.denies.some((ref) => ref.certain)
      ? 'denies'
      : statements.length === 0
        ? 'no-match'
        : statements.every((ref) => !ref.certain) || result.denies.length > 0
          ? 'depends'
          : 'allows';
    return { layer, ...(level === undefined ? {} : { level }), policies, result: outcome, statements: statements.map(strip) };
  };
  const layers: LayerReport[] = [];
  for (const guard of results.guards) {
    guard.results.forEach((result, level) => layers.push(report(guard.layer, result, guard.levels[level]!.map((policy) => policy.name), guard.layer === 'vpc-endpoint-policy' ? undefined : level)));
  }
  if (seen.resourceKnown) layers.push(report(seen.resourceLayer, results.resource, seen.names.resource));
  if (seen.identityKnown) layers.push(report('identity-policy', results.identity, seen.names.identity));
  if (results.boundary) layers.push(report('permissions-boundary', results.boundary, seen.names.boundary));
  if (results.session) layers.push(report('session-policy', results.session, seen.names.session));
  for (const layer of seen.notCheckedLayers) layers.push({ layer, policies: [], result: 'not-checked', statements: [] });
  return layers;
}

function strip(ref: StatementRef & { certain?: boolean }): StatementRef {
  const { certain: _certain, ...rest } = ref;
  return rest;
}
