/**
 * The smallest fix an alert can suggest, and the command that verifies it.
 *
 * - Implicit (or unstated) deny: the statement that allows exactly the denied action on what the alert is about (its
 *   {@link resourceScope}: the fingerprint's resource family, or the distinct resources denied), and where it goes.
 *   Never `*` as action; `*` as resource only when the action supports no resource type (`actionResourceTypes(action)`
 *   is `[]`); an unknown resource is the visible {@link UNKNOWN_RESOURCE} placeholder, never `*`. Managed policies are
 *   suggested beside it (`managed-policy-suggestions.ts`), never instead of it.
 * - Explicit deny: no Allow can override a Deny, so there is no statement: the fix names the layer (and the policy
 *   ARN when the message gave it) whose Deny statement to find and narrow.
 * - Never an edit nobody can make (`iam-policy/editable.ts`): an `/aws-reserved/` role's identity side is its IAM
 *   Identity Center permission set, a service-linked role's is its service's (no identity fix at all), and an AWS
 *   managed policy is detached or replaced, never edited.
 */
import type { AlertSummary } from '../alert.js';
import { actionResourceTypes, canonicalAction } from '../iam-catalog.js';
import { refusalSentence } from '../service-rules/service-refusal.js';
import { identityChangeWhere, isAwsManagedPolicy, principalOwner } from '../iam-policy/editable.js';
import { partitionOfArn, partitionOfRegion } from '../partition.js';
import type { DenyLayer } from '../types.js';
import type { Phrase } from './phrase.js';
import { resourceScope, UNKNOWN_RESOURCE, type ResourceScope } from './resource-scope.js';

export { UNKNOWN_RESOURCE } from './resource-scope.js';
/** Shown where the record does not name the principal. */
export const UNKNOWN_PRINCIPAL = '<principal ARN: not in the record>';

/** An IAM policy statement that allows one action (on one resource, or for one principal in a trust policy). */
export interface AllowStatement {
  Effect: 'Allow';
  Principal?: { AWS: string };
  Action: string;
  /** One ARN or pattern, or up to 5 ARNs. */
  Resource?: string | string[];
}

/** A statement and the policy it belongs in. */
export interface PlacedStatement {
  statement: AllowStatement;
  /** Where to add it. */
  where: Phrase;
}

/** What to change. */
export type Fix =
  | {
      kind: 'allow';
      action: string;
      /** The statement for the layer that did not allow (or, when no layer is named, the identity policy). */
      primary: PlacedStatement;
      /** Other statements the request needs too (e.g. the role's trust policy for `sts:AssumeRole`). */
      also: PlacedStatement[];
      /** False when the resource is the {@link UNKNOWN_RESOURCE} placeholder. */
      resourceKnown: boolean;
      /** What the statement's Resource covers, and how many distinct resources were denied. */
      scope: ResourceScope;
      notes: string[];
    }
  | {
      kind: 'explicit-deny';
      action: string;
      layer: DenyLayer;
      policyArn: string | null;
      /** The policy (or layers) holding the Deny statement. */
      lookAt: Phrase;
      /** A CLI command that shows the named policy, when its ARN says how to read it. */
      showPolicyCommand: string | null;
      scope: ResourceScope;
    }
  | { kind: 'none'; reason: string };

const IAM_USER_OR_ROLE = /^arn:aws[a-z-]*:iam::\d{12}:(?:user|role)\//;
const PLAIN_ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** The IAM action of an alert (canonical spelling), or null when it is not one exact action. */
export function exactAction(action: string): string | null {
  const canonical = canonicalAction(action);
  if (canonical) return canonical;
  const [service, name] = action.split(':');
  return service && name && PLAIN_ACTION.test(`${service.toLowerCase()}:${name}`) ? `${service.toLowerCase()}:${name}` : null;
}

/**
 * The statement's `Resource`: the exact resource; `*` only when the action supports no resource type; otherwise the
 * {@link UNKNOWN_RESOURCE} placeholder (never `*`).
 */
export function statementResource(action: string, resource: string | null): { resource: string; known: boolean } {
  const types = actionResourceTypes(action);
  if (types !== null && types.length === 0) return { resource: '*', known: true };
  if (resource && resource.startsWith('arn:') && resource !== '*') return { resource, known: true };
  return { resource: UNKNOWN_RESOURCE, known: false };
}

/** The fix for an alert. */
export function suggestFix(alert: AlertSummary): Fix {
  // A refusal no policy lifts (cross-account PassRole, failed authentication): say so and what does, grant nothing.
  if (alert.serviceRefusal) return { kind: 'none', reason: refusalSentence(alert.serviceRefusal) };
  if (alert.reason === 'distinct-actions') {
    // One caller denied on many actions: granting the sample's one action would be one member of many, and the
    // pattern (enumeration) is the finding.
    const actions = alert.window?.actions;
    const named = actions ? actions.top.slice(0, 3).map((entry) => entry.value).join(', ') : alert.action;
    return { kind: 'none', reason: `Denied on ${actions?.distinct ?? 'many'} distinct actions (${named}${actions && actions.distinct > 3 ? ', …' : ''}): no one statement fixes that; read the history before granting anything.` };
  }
  const action = exactAction(alert.action);
  if (!action) return { kind: 'none', reason: `"${alert.action}" is not one exact IAM action, so no statement can be suggested` };
  const principal: Phrase = alert.principalArn ? [{ value: alert.principalArn }] : ['the caller (not named in the record)'];
  const owner = principalOwner(alert.principalArn);
  const identitySide = alert.denyLayer === 'identity-policy' || alert.denyLayer === 'permissions-boundary' || alert.denyLayer === 'session-policy';
  if (owner === 'service' && identitySide) {
    // A service-linked role: its permissions (and any Deny in them) are its service's to define.
    return { kind: 'none', reason: `No identity-side change is possible: the place to change it is ${identityChangeWhere(alert.principalArn!)}.` };
  }
  if (alert.denyKind === 'explicit') {
    return {
      kind: 'explicit-deny',
      action,
      layer: alert.denyLayer,
      policyArn: alert.policyArn,
      lookAt: denyLocation(alert, principal),
      showPolicyCommand: alert.policyArn ? showPolicyCommand(alert.policyArn) : null,
      scope: resourceScope(alert, action),
    };
  }
  const scope = resourceScope(alert, action);
  const known = scope.known;
  const resource: string | string[] = scope.resources.length === 1 ? scope.resources[0]! : scope.resources;
  const identity: AllowStatement = { Effect: 'Allow', Action: action, Resource: resource };
  const withPrincipal: AllowStatement = { Effect: 'Allow', Principal: { AWS: alert.principalArn ?? UNKNOWN_PRINCIPAL }, Action: action, Resource: resource };
  const trust: AllowStatement = { Effect: 'Allow', Principal: { AWS: alert.principalArn ?? UNKNOWN_PRINCIPAL }, Action: action };
  const role: Phrase = alert.resource ? ['role ', { value: alert.resource }] : ['the role being assumed'];
  const identityWhere: Phrase = identityPlace(alert.principalArn, 'an identity-based policy', principal);
  const notes: string[] = [];
  if (!known) notes.push('The record does not name the resource: replace the placeholder with its ARN, not a wildcard.');
  if (scope.unverified > 0) notes.push(`The Resource is derived from the ${scope.examples.length} most denied of ${scope.distinct} distinct resources: check the others with the history query.`);
  const fix = (primary: PlacedStatement, also: PlacedStatement[] = []): Fix => ({ kind: 'allow', action, primary, also, resourceKnown: known, scope, notes });
  switch (alert.denyLayer) {
    case 'identity-policy':
      return fix({ statement: identity, where: identityWhere });
    case 'permissions-boundary':
      notes.push('A permissions boundary only limits: an identity-based policy must allow the action too.');
      return fix({ statement: identity, where: identityPlace(alert.principalArn, 'the permissions boundary', principal) });
    case 'session-policy':
      notes.push('A session policy is fixed when the session is created: change what the caller passes to AssumeRole/GetFederationToken (Policy or PolicyArns) and start a new session.');
      return fix({ statement: identity, where: ['the session policy passed when the session was created'] });
    case 'scp':
      return fix({ statement: identity, where: ['a service control policy at every level above account ', { value: alert.accountId ?? 'unknown' }, ' (root, OUs, account)'] });
    case 'rcp':
      return fix({ statement: withPrincipal, where: ["a resource control policy at every level above the resource's account"] });
    case 'vpc-endpoint-policy':
      return fix({ statement: withPrincipal, where: ['the policy of the VPC endpoint the request went through'] });
    case 'resource-policy':
      return fix({ statement: withPrincipal, where: ['the resource-based policy of ', ...(alert.resource ? [{ value: alert.resource }] : ['the resource']), ' (for a KMS key, its key policy)'] });
    case 'role-trust-policy':
      return fix({ statement: trust, where: ['the trust policy of ', ...role] });
    case 'unknown': {
      notes.push('The layer is not named: if an identity policy already allows this, check the resource policy, SCPs/RCPs, the boundary and the session policy.');
      const also: PlacedStatement[] = action.startsWith('sts:AssumeRole') ? [{ statement: trust, where: ['the trust policy of ', ...role, ' (both sides must allow)'] }] : [];
      // A service-linked role's identity side cannot be changed: the resource-based policy is the one left to add to.
      if (owner === 'service') return fix({ statement: withPrincipal, where: ['the resource-based policy of ', ...(alert.resource ? [{ value: alert.resource }] : ['the resource']), ' (', ...principal, ' is a service-linked role: its own permissions cannot be edited)'] }, also);
      return fix({ statement: identity, where: identityWhere }, also);
    }
  }
}

/**
 * Where an identity-side statement goes, as a phrase: `<what> of <principal>` for an IAM principal, the IAM Identity
 * Center permission set for an `/aws-reserved/` role (worded by `identityChangeWhere`, the ARN kept a value).
 */
function identityPlace(principalArn: string | null, what: string, principal: Phrase): Phrase {
  if (!principalArn || principalOwner(principalArn) === 'iam') return [`${what} of `, ...principal];
  const words = identityChangeWhere(principalArn, what).split(principalArn);
  return words.flatMap((text, index): Phrase => (index === 0 ? [text] : [{ value: principalArn }, text])).filter((part) => part !== '');
}

function denyLocation(alert: AlertSummary, principal: Phrase): Phrase {
  const resource: Phrase = alert.resource && alert.resource !== '*' ? [{ value: alert.resource }] : ['the resource'];
  // An AWS managed policy cannot be edited: the Deny is removed by detaching it (or replacing it with a copy).
  if (isAwsManagedPolicy(alert.policyArn)) {
    return ['the AWS managed policy ', { value: alert.policyArn! }, ' (it cannot be edited: detach it from ', ...principal, ', or replace it with a customer managed copy without the Deny)'];
  }
  switch (alert.denyLayer) {
    case 'identity-policy':
      return [...identityPlace(alert.principalArn, 'an identity-based policy', principal), ' (inline, attached managed, or a group policy)'];
    case 'resource-policy':
      return ['the resource-based policy of ', ...resource, ' (for a KMS key, its key policy)'];
    case 'scp':
      return ['a service control policy over account ', { value: alert.accountId ?? 'unknown' }, ' (at the account, an OU or the root)'];
    case 'rcp':
      return ["a resource control policy over the resource's account (at the account, an OU or the root)"];
    case 'permissions-boundary':
      return identityPlace(alert.principalArn, 'the permissions boundary', principal);
    case 'session-policy':
      return ['the session policy passed when the session was created'];
    case 'vpc-endpoint-policy':
      return ['the policy of the VPC endpoint the request went through'];
    case 'role-trust-policy':
      return ['the trust policy of ', ...resource];
    case 'unknown':
      return ['whichever layer holds it (the record does not name it): SCPs and RCPs, the identity-based policies and permissions boundary of ', ...principal, ', the session policy, the resource-based policy'];
  }
}

/** A command that prints a named policy: an SCP/RCP by its id, an IAM managed policy by its default version. */
export function showPolicyCommand(policyArn: string): string | null {
  const organizations = /^arn:aws[a-z-]*:organizations::\d{12}:policy\/o-[a-z0-9]+\/[a-z_]+\/(p-[a-z0-9_]+)$/.exec(policyArn);
  // Both are global services of the policy's partition, answering in its own Region (Organizations, IAM).
  const partition = partitionOfArn(policyArn);
  if (organizations) return `aws organizations describe-policy${partition ? ` --region ${partition.organizationsRegion}` : ''} --policy-id ${shellQuote(organizations[1]!)}`;
  if (/^arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy\/[\w+=,.@/-]+$/.test(policyArn)) {
    const arn = shellQuote(policyArn);
    const region = partition ? ` --region ${partition.iamRegion}` : '';
    return `aws iam get-policy-version${region} --policy-arn ${arn} --version-id "$(aws iam get-policy${region} --policy-arn ${arn} --query Policy.DefaultVersionId --output text)"`;
  }
  return null;
}

/**
 * Quotes a value as one POSIX shell word: single quotes, an embedded `'` becomes `'\''`; control characters (never
 * in a real ARN or action, but the value comes from the event) become `?` so none reaches a terminal.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').replace(/'/g, `'\\''`)}'`;
}

/** A policy document holding the given statements, as compact JSON. */
export function policyDocument(statements: readonly AllowStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * The AWS CLI command that checks the fix (or, for an explicit deny, shows the matching Deny statement):
 * `aws iam simulate-principal-policy` for an IAM user or role, else `aws iam simulate-custom-policy` with the
 * suggested statement. Null when there is nothing to simulate. Every argument is shell-quoted.
 */
export function simulateCommand(alert: AlertSummary, fix: Fix = suggestFix(alert)): string | null {
  if (fix.kind === 'none') return null;
  const resources = simulatedResources(fix);
  const resourceArgs = resources.length === 1 && resources[0] === '*' ? '' : ` --resource-arns ${resources.map(shellQuote).join(' ')}`;
  // IAM answers in its partition's home Region; naming it keeps a GovCloud or China alert's command off the
  // commercial endpoint whatever the responder's default Region is.
  const region = iamRegionOf(alert);
  const regionArg = region ? ` --region ${region}` : '';
  if (alert.principalArn && IAM_USER_OR_ROLE.test(alert.principalArn)) {
    return `aws iam simulate-principal-policy${regionArg} --policy-source-arn ${shellQuote(alert.principalArn)} --action-names ${shellQuote(fix.action)}${resourceArgs}`;
  }
  if (fix.kind !== 'allow') return null;
  const statement: AllowStatement = { Effect: 'Allow', Action: fix.action, Resource: fix.primary.statement.Resource ?? scopeResource(fix.scope) };
  return `aws iam simulate-custom-policy${regionArg} --policy-input-list ${shellQuote(policyDocument([statement]))} --action-names ${shellQuote(fix.action)}${resourceArgs}`;
}

/**
 * The resources to simulate: what the statement names (the family pattern, the distinct resources, the placeholder,
 * `*`), so the simulation checks the fix for everything the alert is about. A trust statement has no Resource: the
 * caller's side is simulated against the role being assumed.
 */
function simulatedResources(fix: Exclude<Fix, { kind: 'none' }>): string[] {
  if (fix.scope.kind === 'any') return ['*'];
  return fix.scope.resources;
}

function scopeResource(scope: ResourceScope): string | string[] {
  return scope.resources.length === 1 ? scope.resources[0]! : scope.resources;
}

/** IAM's Region in the partition of the alert (its principal's ARN, else its Region); null when neither tells. */
function iamRegionOf(alert: Pick<AlertSummary, 'principalArn' | 'region'>): string | null {
  const partition = partitionOfArn(alert.principalArn) ?? partitionOfRegion(alert.region);
  return partition ? partition.iamRegion : null;
}
