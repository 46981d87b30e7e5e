/**
 * Decides one row of the call table with the project's own evaluator (`lambdas/core/iam-policy/evaluate.ts`): the
 * caller's identity policies and permissions boundary (a role of a template), the resource's policy (topic, queue,
 * bus, bucket or function policy of its template), its key policy (a KMS key), or its trust policy (sts:AssumeRole),
 * all with their tokens resolved as the deployed stack would have them. SCPs and RCPs are the organization's, not the
 * stack's: they are left out (the evaluator lists them as not checked).
 */
import { evaluateRequest, type Decision } from '../../../lambdas/core/iam-policy/evaluate.js';
import type { NamedPolicy, PolicyDocument, PolicySet, RequestContext } from '../../../lambdas/core/iam-policy/types.js';
import { PlaceholderError, policyDocumentsOf, resolvePlaceholders, type TemplatePolicy } from '../../../lib/limits/template-placeholders.js';
import type { Call } from './call-table.js';
import type { VariantTemplate } from './variants.js';

/** A call, its resolved resource and the evaluator's decision. */
export interface CallVerdict {
  readonly call: Call;
  readonly resource: string;
  readonly decision: Decision;
}

const resolveIn = <T>(value: unknown, variant: VariantTemplate): T => resolvePlaceholders<T>(value, variant.template, variant.env);

/** What a resource of a template is known by: its `Ref` value and its ARN (when its type has them). */
function identifiersOf(variant: VariantTemplate, logicalId: string): string[] {
  const names: string[] = [];
  for (const token of [{ Ref: logicalId }, { 'Fn::GetAtt': [logicalId, 'Arn'] }]) {
    try {
      names.push(String(resolveIn(token, variant)));
    } catch (error) {
      if (!(error instanceof PlaceholderError)) throw error;
    }
  }
  return names;
}

/** The logical ids of a template's resources that `arn` names (an S3 object names its bucket). */
function resourcesNamedBy(variant: VariantTemplate, arn: string): string[] {
  return Object.keys(variant.template.Resources ?? {}).filter((logicalId) =>
    identifiersOf(variant, logicalId).some((identifier) => identifier === arn || (identifier.startsWith('arn:aws:s3:::') && arn.startsWith(`${identifier}/`))),
  );
}

const named = (name: string, layer: NamedPolicy['layer'], documents: PolicyDocument[]): NamedPolicy => ({ name, layer, document: { Version: '2012-10-17', Statement: documents.flatMap((document) => [document.Statement].flat()) } });

/** The policies of a template attached to one of `logicalIds` (attachments resolved and compared with their identifiers). */
function attachedPolicies(variant: VariantTemplate, logicalIds: string[], kinds: TemplatePolicy['kind'][]): TemplatePolicy[] {
  const identifiers = new Set(logicalIds.flatMap((logicalId) => identifiersOf(variant, logicalId)));
  return policyDocumentsOf(variant.template).filter((policy) => kinds.includes(policy.kind) && policy.attachedTo.some((target) => identifiers.has(String(resolveIn(target, variant)))));
}

/** Builds the request and the policies of one call, and decides it. */
export function decideCall(call: Call): CallVerdict {
  const resource = String(resolveIn(call.resource, call.resourceIn));
  const resourceAccount = /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? call.resourceIn.env.account;
  const keys: Record<string, string | string[]> = { 'aws:securetransport': 'true', 'aws:resourceaccount': resourceAccount };
  const absent = ['aws:sourcevpce', 'aws:sourcevpc'];
  const resourceOrg = call.resourceIn.organizationId;
  if (resourceOrg) keys['aws:resourceorgid'] = resourceOrg;
  else absent.push('aws:resourceorgid');
  for (const [key, value] of Object.entries(call.context ?? {})) keys[key.toLowerCase()] = resolveIn<string | string[]>(value, call.resourceIn);

  const policies: PolicySet = {};
  let context: RequestContext;
  if ('role' in call.principal) {
    const caller = call.principal.in;
    const roleArn = String(resolveIn({ 'Fn::GetAtt': [call.principal.role, 'Arn'] }, caller));
    const roleName = roleArn.slice(roleArn.indexOf(':role/') + ':role/'.length);
    const account = caller.env.account;
    Object.assign(keys, { 'aws:principalarn': roleArn, 'aws:principalaccount': account, 'aws:principaltype': 'AssumedRole', 'aws:userid': 'AROAEXAMPLEROLEID1234:session' });
    if (caller.organizationId) keys['aws:principalorgid'] = caller.organizationId;
    else absent.push('aws:principalorgid');
    // A direct call: no service calls on behalf of a resource.
    for (const key of ['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceorgid']) if (!(key in keys)) absent.push(key);
    policies.identity = attachedPolicies(caller, [call.principal.role], ['identity']).map((policy) => ({ name: policy.logicalId, layer: 'identity-policy', document: resolveIn<PolicyDocument>(policy.document, caller) }));
    policies.permissionsBoundary = boundaryOf(caller, call.principal.role);
    context = { principalArn: roleArn, sessionArn: `arn:aws:sts::${account}:assumed-role/${roleName}/session`, servicePrincipal: null, principalAccount: account, action: call.action, resource, resourceAccount, keys, absent };
  } else if ('anonymous' in call.principal) {
    absent.push('aws:principalarn', 'aws:principalaccount', 'aws:principalorgid', 'aws:userid', 'aws:sourcearn', 'aws:sourceaccount');
    context = { principalArn: null, sessionArn: null, servicePrincipal: null, principalAccount: null, action: call.action, resource, resourceAccount, keys, absent };
  } else {
    Object.assign(keys, { 'aws:principalisawsservice': 'true', 'aws:principalservicename': call.principal.service });
    absent.push('aws:principalarn', 'aws:principalaccount', 'aws:principalorgid', 'aws:userid');
    context = { principalArn: null, sessionArn: null, servicePrincipal: call.principal.service, principalAccount: null, action: call.action, resource, resourceAccount, keys, absent };
  }

  const target = call.resourceIn;
  if (call.external) {
    // The user's own resource: its policy is not ours (left undefined: "not provided", it does not decide).
  } else if (/^sts:AssumeRole/i.test(call.action)) {
    const role = resourcesNamedBy(target, resource).find((logicalId) => target.template.Resources![logicalId]!.Type === 'AWS::IAM::Role');
    if (!role) throw new Error(`${call.caller}: no role ${resource} in ${target.name}`);
    policies.trustPolicy = { name: `${role} trust policy`, layer: 'role-trust-policy', document: resolveIn<PolicyDocument>(target.template.Resources![role]!.Properties!.AssumeRolePolicyDocument, target) };
  } else {
    const logicalIds = resourcesNamedBy(target, resource);
    const found = attachedPolicies(target, logicalIds, ['resource', 'key', 'permission']);
    policies.resourcePolicy = found.length === 0 ? null : named(found.map((policy) => policy.logicalId).join(' + '), 'resource-policy', found.map((policy) => resolveIn<PolicyDocument>(policy.document, target)));
  }
  return { call, resource, decision: evaluateRequest(context, policies) };
}

/** A role's permissions boundary, when it has one (a managed policy of the same template). */
function boundaryOf(variant: VariantTemplate, roleLogicalId: string): NamedPolicy | null {
  const boundary = variant.template.Resources?.[roleLogicalId]?.Properties?.PermissionsBoundary;
  if (boundary === undefined) return null;
  const arn = String(resolveIn(boundary, variant));
  const policy = policyDocumentsOf(variant.template).find((candidate) => candidate.type === 'AWS::IAM::ManagedPolicy' && identifiersOf(variant, candidate.logicalId).includes(arn));
  if (!policy) throw new Error(`${roleLogicalId}: permissions boundary ${arn} is not a managed policy of ${variant.name}; give the test its document`);
  return { name: policy.logicalId, layer: 'permissions-boundary', document: resolveIn<PolicyDocument>(policy.document, variant) };
}

/** One line naming the variant, the caller, the action, the resource and the decision (why it was refused). */
export function refusalMessage(variant: string, verdict: CallVerdict): string {
  const { decision, call } = verdict;
  const detail = [
    decision.layer ? `layer ${decision.layer}` : null,
    decision.missingAllows.length > 0 ? `missing an allow in ${decision.missingAllows.join(', ')}` : null,
    decision.denyingStatement ? `denied by ${decision.denyingStatement.policy} ${decision.denyingStatement.sid ?? ''}`.trim() : null,
    decision.dependsOn.length > 0 ? `depends on ${decision.dependsOn.join(', ')}` : null,
  ].filter(Boolean);
  const expected = call.expected && call.expected !== 'allowed' ? `, expected ${call.expected}` : '';
  return `${variant}: ${call.caller} → ${call.action} on ${verdict.resource}: ${decision.decision}${expected} (${detail.join('; ')})`;
}
