/**
 * The smallest fix an alert can suggest, and the command that verifies it.
 *
 * - Implicit deny: the least-privilege statement that allows exactly the denied action on exactly the denied
 *   resource, and where it goes (the layer that did not allow). Never `*` as action; `*` as resource only when the
 *   action supports no resource type (iam-data says so); an unknown resource is a visible placeholder, not `*`.
 * - Explicit deny: no allow can override it, so the fix is to find and narrow the Deny statement in the named layer.
 */
import type { AlertSummary } from '../alert.js';
import { actionResourceTypes, canonicalAction } from '../iam-catalog.js';
import type { DenyLayer } from '../types.js';

/** Shown where the record does not name the resource. */
export const UNKNOWN_RESOURCE = '<resource ARN: not in the record>';

/** An IAM policy statement. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal?: { AWS: string };
  Action: string;
  Resource?: string;
}

/** What to change. */
export type Remedy =
  | { kind: 'allow'; statement: PolicyStatement; where: string; resourceKnown: boolean }
  | { kind: 'narrow-deny'; layer: DenyLayer; policyArn: string | null; where: string }
  | { kind: 'none'; reason: string };

const IAM_PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//;

/** The statement's resource: exact, `*` only for actions without resource types, else a placeholder. */
export function statementResource(action: string, resource: string | null): { resource: string; known: boolean } {
  const types = actionResourceTypes(action);
  if (types !== null && types.length === 0) return { resource: '*', known: true };
  if (resource && resource !== '*' && resource.startsWith('arn:')) return { resource, known: true };
  return { resource: UNKNOWN_RESOURCE, known: false };
}

/** The remedy for an alert. */
export function remedyFor(alert: AlertSummary): Remedy {
  const action = canonicalAction(alert.action) ?? (alert.action.includes(':') && !alert.action.includes('*') ? alert.action : null);
  if (!action) return { kind: 'none', reason: `the action "${alert.action}" is not an IAM action; no statement can be suggested` };
  const principal = alert.principalArn ?? `a principal of account ${alert.accountId ?? 'unknown'}`;
  if (alert.denyKind === 'explicit') {
    return { kind: 'narrow-deny', layer: alert.denyLayer, policyArn: alert.policyArn, where: layerWhere(alert.denyLayer, principal, alert) };
  }
  const sid = `Allow${action.replace(/[^A-Za-z0-9]/g, '')}`;
  if (alert.denyLayer === 'role-trust-policy' && alert.principalArn) {
    return {
      kind: 'allow',
      statement: { Sid: sid, Effect: 'Allow', Principal: { AWS: alert.principalArn }, Action: action },
      where: `the trust policy of ${alert.resource ?? 'the role being assumed'}`,
      resourceKnown: alert.resource !== null,
    };
  }
  const { resource, known } = statementResource(action, alert.resource);
  const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Action: action, Resource: resource };
  if (alert.denyLayer === 'resource-policy' && alert.principalArn) statement.Principal = { AWS: alert.principalArn };
  return { kind: 'allow', statement, where: layerWhere(alert.denyLayer, principal, alert), resourceKnown: known };
}

function layerWhere(layer: DenyLayer, principal: string, alert: AlertSummary): string {
  switch (layer) {
    case 'identity-policy':
      return `an identity policy of ${principal}`;
    case 'resource-policy':
      return `the resource policy of ${alert.resource ?? 'the resource'} (for a KMS key, its key policy)`;
    case 'permissions-boundary':
      return `the permissions boundary of ${principal}`;
    case 'session-policy':
      return `the session policy passed when the session was created (AssumeRole/GetFederationToken Policy or PolicyArns)`;
    case 'scp':
      return `the service control policies over account ${alert.accountId ?? 'unknown'}`;
    case 'rcp':
      return `the resource control policies over the resource's account`;
    case 'vpc-endpoint-policy':
      return `the policy of the VPC endpoint the request went through`;
    case 'role-trust-policy':
      return `the trust policy of ${alert.resource ?? 'the role being assumed'}`;
    case 'unknown':
      return `an identity policy of ${principal} (the record does not name the layer: SCPs, a permissions boundary or a resource policy may refuse too)`;
  }
}

/** Quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The AWS CLI command that checks the fix: `simulate-principal-policy` for an IAM principal, else `simulate-custom-policy`. */
export function simulateCommand(alert: AlertSummary, remedy: Remedy = remedyFor(alert)): string | null {
  if (remedy.kind === 'none') return null;
  const action = remedy.kind === 'allow' ? remedy.statement.Action : alert.action;
  const resource = remedy.kind === 'allow' ? remedy.statement.Resource : alert.resource ?? undefined;
  const resourceArgs = resource && resource.startsWith('arn:') ? ` --resource-arns ${shellQuote(resource)}` : '';
  if (alert.principalArn && IAM_PRINCIPAL.test(alert.principalArn)) {
    return `aws iam simulate-principal-policy --policy-source-arn ${shellQuote(alert.principalArn)} --action-names ${shellQuote(action)}${resourceArgs}`;
  }
  if (remedy.kind !== 'allow') return null;
  const { Principal: _principal, ...identityStatement } = remedy.statement;
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [identityStatement] });
  return `aws iam simulate-custom-policy --policy-input-list ${shellQuote(policy)} --action-names ${shellQuote(action)}${resourceArgs}`;
}
