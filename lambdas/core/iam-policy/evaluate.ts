/**
 * Decides a request against its policies, following AWS's documented evaluation logic:
 *
 * 1. An explicit Deny in any applicable policy (SCP, RCP, VPC endpoint, resource, trust, boundary, session, identity)
 *    wins.
 * 2. Every SCP level and every RCP level must allow (RCPs allow by default through RCPFullAWSAccess); a VPC endpoint
 *    policy, when the request went through one, must allow.
 * 3. `sts:AssumeRole*`: the role's trust policy must allow the caller; cross-account, the caller's identity side too.
 * 4. Same account: a resource policy that names the principal's user or session ARN allows on its own (a named role is
 *    still limited by its boundary and session policy); otherwise identity ∩ boundary ∩ session must allow.
 *    Cross account: the identity side and the resource policy must both allow.
 *
 * A statement whose conditions need a key the record cannot supply is `unknown`; the request is evaluated with such
 * statements both applying and not, and when the two answers differ the decision is `undetermined`, with the keys.
 */
import { evaluateConditions, type Tri } from './conditions.js';
import { actionMatches, resourceMatches } from './matching.js';
import type { NamedPolicy, PolicyLayer, PolicySet, RequestContext, Statement } from './types.js';
import { substituteVariables } from './variables.js';

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
  dependsOn: string[];
  notChecked: string[];
}

type Match = 'yes' | 'no' | 'unknown';

/** Evaluates one statement's Action, Resource, Principal and Condition against the request. */
export function statementMatches(statement: Statement, context: RequestContext, withPrincipal: boolean): { match: Match; dependsOn: string[] } {
  const dependsOn: string[] = [];
  const action = matchList(statement.Action, statement.NotAction, (pattern) => actionMatches(pattern, context.action));
  if (action === 'no') return { match: 'no', dependsOn };
  const resource = resourceApplies(statement, context, dependsOn);
  if (resource === 'no') return { match: 'no', dependsOn };
  if (withPrincipal && !principalApplies(statement, context)) return { match: 'no', dependsOn };
  const condition: Tri = evaluateConditions(statement.Condition, context);
  if (condition === false) return { match: 'no', dependsOn };
  if (condition !== true) dependsOn.push(...condition.dependsOn);
  return { match: resource === 'unknown' || dependsOn.length > 0 ? 'unknown' : 'yes', dependsOn };
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
    if (typeof pattern !== 'string') {
      dependsOn.push(...pattern.dependsOn);
      return 'unknown';
    }
    if (resourceMatches(pattern, context.resource)) any = true;
  }
  return any !== negate ? 'yes' : 'no';
}

/** Whether a resource-policy statement's Principal covers the caller. */
export function principalApplies(statement: Statement, context: RequestContext): boolean {
  if (statement.NotPrincipal !== undefined) return !principalListMatches(statement.NotPrincipal, context);
  if (statement.Principal === undefined) return false;
  return principalListMatches(statement.Principal, context);
}

function principalListMatches(principal: Statement['Principal'], context: RequestContext): boolean {
  if (principal === '*') return true;
  for (const [kind, values] of Object.entries(principal ?? {})) {
    for (const value of [values].flat()) {
      if (value === '*') return true;
      if (kind === 'Service' && value === context.servicePrincipal) return true;
      if (kind !== 'AWS') continue;
      if (/^\d{12}$/.test(value) && value === context.principalAccount) return true;
      if (value === `arn:aws:iam::${context.principalAccount}:root`) return true;
      if (value === context.principalArn || (context.sessionArn !== null && value === context.sessionArn)) return true;
    }
  }
  return false;
}

/** How a resource policy's allow names the caller: by its own ARN (user, role or session), or by its account. */
function namedInPrincipal(statement: Statement, context: RequestContext): 'user-or-session' | 'role' | 'account' {
  const values = statement.Principal === '*' ? ['*'] : Object.values(statement.Principal ?? {}).flatMap((value) => [value].flat());
  if (context.sessionArn && values.includes(context.sessionArn)) return 'user-or-session';
  if (context.principalArn && values.includes(context.principalArn)) return /:user\//.test(context.principalArn) ? 'user-or-session' : 'role';
  return 'account';
}

interface LayerResult {
  allows: Array<StatementRef & { certain: boolean }>;
  denies: Array<StatementRef & { certain: boolean }>;
}

function evaluatePolicies(policies: readonly NamedPolicy[], context: RequestContext, withPrincipal: boolean): LayerResult {
  const result: LayerResult = { allows: [], denies: [] };
  for (const policy of policies) {
    for (const statement of [policy.document.Statement].flat()) {
      const { match, dependsOn } = statementMatches(statement, context, withPrincipal);
      if (match === 'no') continue;
      const ref = { policy: policy.name, policyArn: policy.arn ?? null, layer: policy.layer, sid: statement.Sid ?? null, statement, dependsOn, certain: match === 'yes' };
      (statement.Effect === 'Deny' ? result.denies : result.allows).push(ref);
    }
  }
  return result;
}

/** Decides the request. */
export function evaluateRequest(context: RequestContext, policies: PolicySet): Decision {
  const notChecked: string[] = [];
  const layers: Array<{ layer: PolicyLayer; levels: NamedPolicy[][]; withPrincipal: boolean; mustAllow: boolean }> = [];
  const visible = <T>(value: T | 'not-visible' | undefined, what: string): T | undefined => {
    if (value === 'not-visible') notChecked.push(`${what}: not visible from here`);
    else if (value === undefined) notChecked.push(`${what}: not provided`);
    else return value;
    return undefined;
  };
  const scps = visible(policies.scps, 'service control policies');
  if (scps) layers.push({ layer: 'scp', levels: scps, withPrincipal: false, mustAllow: true });
  const rcps = visible(policies.rcps, 'resource control policies');
  if (rcps) layers.push({ layer: 'rcp', levels: rcps.filter((level) => level.length > 0), withPrincipal: true, mustAllow: true });
  if (policies.vpcEndpointPolicy) layers.push({ layer: 'vpc-endpoint-policy', levels: [[policies.vpcEndpointPolicy]], withPrincipal: true, mustAllow: true });
  const assumeRole = /^sts:AssumeRole/i.test(context.action);
  const trust = assumeRole ? visible(policies.trustPolicy, 'role trust policy') : undefined;
  const resource = assumeRole ? undefined : visible(policies.resourcePolicy, 'resource policy');
  const identity = visible(policies.identity, 'identity policies') ?? [];
  const sameAccount = context.principalAccount !== null && context.principalAccount === (context.resourceAccount ?? context.principalAccount);

  const results = {
    guards: layers.map((entry) => ({ ...entry, results: entry.levels.map((level) => evaluatePolicies(level, context, entry.withPrincipal)) })),
    resource: evaluatePolicies(resource ? [resource] : trust ? [trust] : [], context, true),
    identity: evaluatePolicies(identity, context, false),
    boundary: policies.permissionsBoundary ? evaluatePolicies([policies.permissionsBoundary], context, false) : null,
    session: policies.sessionPolicies?.length ? evaluatePolicies(policies.sessionPolicies, context, false) : null,
  };
  const resourceLayer: PolicyLayer = assumeRole ? 'role-trust-policy' : 'resource-policy';
  // null means "looked, there is none"; undefined means "not looked at" (then only the identity side is judged).
  const resourceKnown = assumeRole ? trust !== undefined : resource !== undefined;

  const decide = (optimistic: boolean): Decision => {
    const counts = (ref: { certain: boolean }, effect: 'allow' | 'deny') => ref.certain || (effect === 'allow' ? optimistic : !optimistic);
    const allLayers: LayerResult[] = [...results.guards.flatMap((guard) => guard.results), results.resource, results.identity, ...(results.boundary ? [results.boundary] : []), ...(results.session ? [results.session] : [])];
    const deny = allLayers.flatMap((layer) => layer.denies).find((ref) => counts(ref, 'deny'));
    const dependsOn = [...new Set(allLayers.flatMap((layer) => [...layer.allows, ...layer.denies]).flatMap((ref) => ref.dependsOn))];
    const allows = allLayers.flatMap((layer) => layer.allows).filter((ref) => counts(ref, 'allow'));
    const base = { allows: allows.map(strip), dependsOn, notChecked, denyingStatement: null, missingAllows: [] as PolicyLayer[] };
    if (deny) return { ...base, decision: 'explicit-deny', layer: deny.layer, denyingStatement: strip(deny) };
    const allowsIn = (layer: LayerResult | null) => layer !== null && layer.allows.some((ref) => counts(ref, 'allow'));
    const missing: PolicyLayer[] = [];
    for (const guard of results.guards) if (guard.results.some((level) => !allowsIn(level))) missing.push(guard.layer);
    const identitySide = allowsIn(results.identity) && (results.boundary === null || allowsIn(results.boundary)) && (results.session === null || allowsIn(results.session));
    const resourceAllow = results.resource.allows.find((ref) => counts(ref, 'allow'));
    let allowed: boolean;
    if (sameAccount && !assumeRole) {
      const named = resourceAllow ? namedInPrincipal(resourceAllow.statement, context) : null;
      const byResource =
        named === 'user-or-session' ||
        (named === 'role' && (results.boundary === null || allowsIn(results.boundary)) && (results.session === null || allowsIn(results.session)));
      allowed = identitySide || byResource;
    } else if (assumeRole && sameAccount && resourceKnown) {
      allowed = Boolean(resourceAllow);
      if (resourceAllow && namedInPrincipal(resourceAllow.statement, context) === 'account') allowed = identitySide;
    } else {
      allowed = identitySide && (Boolean(resourceAllow) || !resourceKnown);
    }
    if (!allowed) {
      if (resourceKnown && (assumeRole || !sameAccount) && !resourceAllow) missing.push(resourceLayer);
      if (!allowsIn(results.identity) && !(sameAccount && assumeRole && resourceAllow)) missing.push('identity-policy');
      if (results.boundary && !allowsIn(results.boundary)) missing.push('permissions-boundary');
      if (results.session && !allowsIn(results.session)) missing.push('session-policy');
      if (missing.length === 0) missing.push(identitySide ? resourceLayer : 'identity-policy');
    }
    if (missing.length > 0) return { ...base, decision: 'implicit-deny', layer: missing[0]!, missingAllows: [...new Set(missing)] };
    return { ...base, decision: 'allowed', layer: null };
  };
  const permissive = decide(true);
  const restrictive = decide(false);
  if (permissive.decision === restrictive.decision && permissive.layer === restrictive.layer) return restrictive;
  return { ...restrictive, decision: 'undetermined', layer: restrictive.layer };
}

function strip<T extends StatementRef & { certain?: boolean }>(ref: T): StatementRef {
  const { certain: _certain, ...rest } = ref;
  return rest;
}
