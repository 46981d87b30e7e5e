/**
 * Diagnoses a denial against the policies that decide it: which statement denied (or that nothing allowed), and the
 * least-privilege change that would fix it, with the AWS managed policies that grant the action without `*`.
 */
import { statementResource } from '../render/least-privilege.js';
import { allowedVerdict } from './allowed-verdict.js';
import { refusalSentence, type ServiceRefusal } from '../service-rules/service-refusal.js';
import type { Denial, DenyLayer } from '../types.js';
import { identityChangeWhere, isAwsManagedPolicy, principalOwner } from './editable.js';
import { evaluateRequest, type Decision, type LayerReport, type StatementRef } from './evaluate.js';
import { managedPoliciesGranting, type ManagedPolicyMatch } from './managed-policies.js';
import type { AwsAuthorizationVerdict, PolicyLayer, PolicySet, RequestContext, Statement } from './types.js';
import { arnIn, partitionOf } from '../partition.js';

/** A change that would let exactly this request through. */
export interface PolicyChange {
  layer: PolicyLayer;
  where: string;
  statement: Statement;
}

/** For an explicit deny: the statement to change instead (no Allow can override a Deny). */
export interface DenyChange {
  layer: PolicyLayer;
  where: string;
  /** What to do, in one sentence. */
  instruction: string;
  /** The statement as it would read after the change, or null when the change is to delete it. */
  statement: Statement | null;
}

/** The diagnosis attached to a denial or an alert. */
export interface Diagnosis {
  decision: Decision['decision'];
  /** The layer that decided (null when none of the policies evaluated refuses the request). */
  layer: DenyLayer | null;
  /** For an explicit deny: the policy, statement id and statement that denied. */
  denyingStatement: { policy: string; policyArn: string | null; sid: string | null; statement: Statement } | null;
  /** For an implicit deny: the statements to add, and where. */
  changes: PolicyChange[];
  /** For an explicit deny: the statement to change instead. */
  denyChange?: DenyChange;
  /** What each layer said (statements that matched, or that nothing did). */
  layers?: LayerReport[];
  /** Managed policies that would grant the action on the identity side (never through `*`). */
  managedPolicies: ManagedPolicyMatch[];
  dependsOn: string[];
  notChecked: string[];
  /** One sentence for humans. */
  summary: string;
  /** The principal's tags, when they were read with its policies: routes may match them (`principalTags`). */
  principalTags?: Record<string, string>;
  /**
   * Which source decided: `access-troubleshooter` (AWS's own record of the evaluation, read with the message's
   * authorization id) or `policy-evaluation` (this project's evaluation of the policies it could read).
   */
  decidedBy?: 'access-troubleshooter' | 'policy-evaluation';
  /** AWS's verdict and matched statements, when the Access Troubleshooter answered. */
  awsAuthorization?: AwsAuthorizationVerdict;
  /** The project's own evaluation, kept beside AWS's verdict when that decided. */
  ownEvaluation?: { decision: Diagnosis['decision']; layer: DenyLayer | null; summary: string };
  /** EC2's encoded authorization message, decoded (in AWS, with sts:DecodeAuthorizationMessage). */
  decodedAuthorization?: { allowed: boolean; explicitDeny: boolean; matchedStatements: Array<{ sid: string | null; effect: string | null; policy: string | null }> };
}

const ACCOUNT_OF_ARN = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/;

/**
 * The request context a CloudTrail denial supplies, plus the principal's tags when known. With `tagsKnown`, a tag the
 * principal does not have is known to be absent (the lookups read all its tags).
 */
export function requestContextOf(denial: Denial, principalTags: Record<string, string> = {}, tagsKnown = false): RequestContext {
  const keys: Record<string, string | string[]> = {};
  const absent: string[] = [];
  const set = (key: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') keys[key.toLowerCase()] = value;
  };
  if (denial.sourceIp && /^[0-9a-f.:]+$/i.test(denial.sourceIp)) set('aws:SourceIp', denial.sourceIp);
  set('aws:RequestedRegion', denial.region);
  set('aws:PrincipalArn', denial.principalArn);
  set('aws:PrincipalAccount', denial.accountId);
  set('aws:PrincipalType', denial.principalType);
  set('aws:CurrentTime', denial.eventTime);
  if (denial.principalType === 'IAMUser' && denial.principalArn) set('aws:username', denial.principalArn.slice(denial.principalArn.lastIndexOf('/') + 1));
  if (denial.mfaAuthenticated !== null) set('aws:MultiFactorAuthPresent', String(denial.mfaAuthenticated));
  if (denial.vpcEndpointId) set('aws:SourceVpce', denial.vpcEndpointId);
  else absent.push('aws:sourcevpce');
  if (denial.sourceIdentity) set('aws:SourceIdentity', denial.sourceIdentity);
  const resourceAccount = denial.resource ? ACCOUNT_OF_ARN.exec(denial.resource)?.[1] ?? null : null;
  // An S3 ARN has no account field in any partition (`arn:aws:s3:::`, `arn:aws-us-gov:s3:::`, `arn:aws-cn:s3:::`): the
  // bucket's account is not known from it, whatever the recipient.
  set('aws:ResourceAccount', resourceAccount ?? (denial.resource && /^arn:[a-z0-9-]+:s3:::/.test(denial.resource) ? null : denial.recipientAccountId));
  for (const [tag, value] of Object.entries(principalTags)) set(`aws:PrincipalTag/${tag}`, value);
  if (tagsKnown) absent.push('aws:principaltag/*');
  if (denial.principalType) set('aws:PrincipalIsAWSService', String(denial.principalType === 'AWSService'));
  if (denial.principalType && denial.principalType !== 'AWSService') {
    set('aws:ViaAWSService', String(Boolean(denial.invokedBy)));
    // A KMS call made by another service for the caller (S3 encrypting an object): kms:ViaService names it.
    const via = denial.invokedBy && denial.region ? /^([a-z0-9-]+)\.amazonaws\.com$/.exec(denial.invokedBy) : null;
    if (denial.eventSource === 'kms.amazonaws.com') {
      if (via) set('kms:ViaService', `${via[1]}.${denial.region}.${partitionOf({ region: denial.region }).dnsSuffix}`);
      else if (!denial.invokedBy) absent.push('kms:viaservice');
    }
  }
  return {
    principalArn: denial.principalArn,
    sessionArn: denial.callerArn && denial.callerArn.includes(':assumed-role/') ? denial.callerArn : null,
    servicePrincipal: denial.principalType === 'AWSService' ? denial.invokedBy : null,
    principalAccount: denial.accountId,
    action: denial.action ?? 'unknown:Unknown',
    resource: denial.resource && denial.resource !== '*' ? denial.resource : null,
    resourceAccount: resourceAccount ?? denial.recipientAccountId,
    keys,
    absent,
  };
}

/**
 * Evaluates a denial against its policies and explains: the deciding layer and statement, the change that would let
 * exactly this request through, the managed policies that grant it, and what could not be checked.
 *
 * @param principalTags - the principal's tags (merged over `policies.principalTags`), for `aws:PrincipalTag/…`.
 */
export function diagnose(denial: Denial, policies: PolicySet, principalTags?: Record<string, string>): Diagnosis {
  if (denial.serviceRefusal) return refusalDiagnosis(denial.serviceRefusal);
  const tags = { ...policies.principalTags, ...principalTags };
  const tagsKnown = policies.principalTags !== undefined || principalTags !== undefined;
  const context = requestContextOf(denial, tags, policies.principalTags !== undefined);
  const decision = evaluateRequest(context, policies);
  const changes = decision.decision === 'implicit-deny' || decision.decision === 'undetermined' ? decision.missingAllows.map((layer) => changeFor(layer, denial, context, policies.permissionsBoundary?.arn)) : [];
  const managedPolicies = decision.missingAllows.includes('identity-policy') && denial.action ? managedPoliciesGranting(denial.action, 3, context.resource, partitionOf({ arns: [context.resource, denial.principalArn], region: denial.region }).id) : [];
  const denying = decision.denyingStatement;
  return {
    decision: decision.decision,
    layer: decision.layer,
    denyingStatement: denying ? { policy: denying.policy, policyArn: denying.policyArn, sid: denying.sid, statement: denying.statement } : null,
    changes,
    ...(denying && decision.decision === 'explicit-deny' ? { denyChange: denyChangeFor(denying, context) } : {}),
    layers: decision.layers,
    managedPolicies,
    dependsOn: decision.dependsOn,
    notChecked: decision.notChecked,
    summary: summaryOf(decision, denial),
    ...(tagsKnown ? { principalTags: tags } : {}),
    decidedBy: 'policy-evaluation',
  };
}

/**
 * The diagnosis of a refusal no policy lifts (cross-account PassRole, failed authentication): no policy is evaluated
 * and no change suggested; the summary says what fixes it instead.
 */
export function refusalDiagnosis(refusal: ServiceRefusal): Diagnosis {
  return {
    decision: 'undetermined',
    layer: null,
    denyingStatement: null,
    changes: [],
    managedPolicies: [],
    dependsOn: [],
    notChecked: [`policies: not read, ${refusal.category === 'authentication' ? 'a failed authentication' : 'a rule of the service'} that no policy decides`],
    summary: refusalSentence(refusal),
  };
}

/** Layers a policy of which belongs to the principal alone: narrowing them cannot open anything to others. */
const OWN_LAYERS: readonly PolicyLayer[] = ['identity-policy', 'permissions-boundary', 'session-policy'];

/**
 * The smallest change to a denying statement. A statement with conditions says why it denied (a source IP, a VPC
 * endpoint, MFA): the request, not the policy, may be what should change. Policies shared by many principals (SCP,
 * RCP, resource, endpoint, trust) get an exception for this principal (`ArnNotEquals aws:PrincipalArn`); the
 * principal's own policies lose the action.
 */
function denyChangeFor(ref: StatementRef, context: RequestContext): DenyChange {
  const name = `statement ${ref.sid ?? '(no Sid)'} of ${ref.policyArn ?? ref.policy}`;
  const where = `${name} (${ref.layer})`;
  const conditionKeys = Object.values(ref.statement.Condition ?? {}).flatMap((entries) => Object.keys(entries ?? {}));
  const because = conditionKeys.length > 0 ? ` It denies because of its Condition on ${[...new Set(conditionKeys)].join(', ')}: check first whether the request should have met it.` : '';
  const action = context.action;
  const actions = ref.statement.Action === undefined ? null : [ref.statement.Action].flat();
  // An AWS managed policy cannot be edited: it can only be detached (or replaced by a customer managed copy).
  if (isAwsManagedPolicy(ref.policyArn)) {
    const from = context.principalArn ? ` from ${context.principalArn}` : '';
    return { layer: ref.layer, where, instruction: `${name} is an AWS managed policy and cannot be edited: detach it${from}, or replace it with a customer managed copy without this statement.${because}`, statement: null };
  }
  // An Identity Center role's own policies come from its permission set; a service-linked role's from its service.
  if (OWN_LAYERS.includes(ref.layer) && principalOwner(context.principalArn) !== 'iam') {
    return { layer: ref.layer, where: `${where}, in ${identityChangeWhere(context.principalArn!)}`, instruction: `Change ${name} where it is defined: ${identityChangeWhere(context.principalArn!)}.${because}`, statement: null };
  }
  if (OWN_LAYERS.includes(ref.layer) || !context.principalArn) {
    const exact = actions?.find((pattern) => pattern.toLowerCase() === action.toLowerCase());
    if (actions && exact && actions.length > 1) {
      const remaining = actions.filter((pattern) => pattern !== exact);
      return { layer: ref.layer, where, instruction: `Remove ${exact} from the Action of ${name}.${because}`, statement: { ...ref.statement, Action: remaining.length === 1 ? remaining[0]! : remaining } };
    }
    if (actions && exact) return { layer: ref.layer, where, instruction: `Delete ${name}: it denies only ${exact}.${because}`, statement: null };
    const through = actions?.find((pattern) => pattern.includes('*') || pattern.includes('?')) ?? (ref.statement.NotAction ? 'its NotAction' : 'its Action');
    return { layer: ref.layer, where, instruction: `${name} denies ${action} through ${through}: narrow it so that it no longer covers ${action} on ${context.resource ?? 'this resource'}.${because}`, statement: null };
  }
  const condition = structuredClone(ref.statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const operator = condition.ArnNotEquals ? 'ArnNotEquals' : condition.ArnNotLike ? 'ArnNotLike' : 'ArnNotEquals';
  const entries = (condition[operator] ??= {});
  const key = Object.keys(entries).find((existing) => existing.toLowerCase() === 'aws:principalarn') ?? 'aws:PrincipalArn';
  entries[key] = [...new Set([...[entries[key] ?? []].flat().map(String), context.principalArn])];
  return {
    layer: ref.layer,
    where,
    instruction: `Exempt ${context.principalArn} from ${name} with an ${operator} condition on aws:PrincipalArn (deny guardrails are often deliberate: confirm with the policy's owner).${because}`,
    statement: { ...ref.statement, Condition: condition },
  };
}

function changeFor(layer: PolicyLayer, denial: Denial, context: RequestContext, boundaryArn?: string): PolicyChange {
  const action = context.action;
  const { resource } = statementResource(action, denial.resource);
  const partition = partitionOf({ arns: [denial.principalArn, denial.resource], region: denial.region });
  const principal = denial.principalArn ?? arnIn(partition, 'iam', '', denial.accountId ?? '111122223333', 'root');
  const sid = `Allow${action.replace(/[^A-Za-z0-9]/g, '')}`;
  const identityStatement: Statement = { Sid: sid, Effect: 'Allow', Action: action, Resource: resource };
  switch (layer) {
    case 'resource-policy':
      return {
        layer,
        where: context.resource && /^arn:[^:]+:kms:/.test(context.resource) ? `the key policy of ${context.resource}` : `the resource policy of ${denial.resource ?? 'the resource'}`,
        statement: { ...identityStatement, Principal: { AWS: principal } },
      };
    case 'role-trust-policy':
      return { layer, where: `the trust policy of ${denial.resource ?? 'the role'}`, statement: { Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: action } };
    case 'permissions-boundary':
      // An AWS managed boundary cannot be edited: the boundary itself must be replaced by a customer managed policy.
      if (isAwsManagedPolicy(boundaryArn) && principalOwner(principal) === 'iam') {
        return { layer, where: `a customer managed policy to set as the permissions boundary of ${principal} instead of ${boundaryArn} (an AWS managed policy cannot be edited)`, statement: identityStatement };
      }
      return { layer, where: identityChangeWhere(principal, 'the permissions boundary'), statement: identityStatement };
    case 'session-policy':
      return { layer, where: 'the session policy passed when the session was created', statement: identityStatement };
    case 'scp':
      return { layer, where: `an SCP at every level above account ${denial.accountId ?? 'unknown'}`, statement: identityStatement };
    case 'rcp':
      return { layer, where: 'the resource control policies over the resource account', statement: { ...identityStatement, Principal: '*' } };
    case 'vpc-endpoint-policy':
      return { layer, where: `the policy of VPC endpoint ${denial.vpcEndpointId ?? '(the one used)'}`, statement: { ...identityStatement, Principal: '*' } };
    case 'identity-policy':
      return { layer, where: identityChangeWhere(principal), statement: identityStatement };
  }
}

function summaryOf(decision: Decision, denial: Denial): string {
  const what = `${denial.action ?? 'the action'} on ${denial.resource ?? 'the resource'}`;
  switch (decision.decision) {
    case 'explicit-deny': {
      const ref = decision.denyingStatement!;
      return `Denied explicitly by statement ${ref.sid ?? '(no Sid)'} of ${ref.policy} (${ref.layer}); no Allow can override it.`;
    }
    case 'implicit-deny':
      return `Nothing allows ${what} in: ${decision.missingAllows.join(', ')}.`;
    case 'undetermined':
      return `The outcome depends on ${decision.dependsOn.join(', ')}, which the record does not carry.`;
    case 'allowed':
      return allowedVerdict(decision.layers, decision.notChecked);
  }
}
