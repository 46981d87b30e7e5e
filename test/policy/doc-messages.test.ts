/**
 * The 16 layer-specific error messages of the IAM User Guide page "Troubleshoot access denied error messages"
 * (/work/shared/corpus/aws-docs-iam-denied-messages, real text): for each, a synthetic policy set that refuses the
 * request the way the message says, and the evaluator must reach the layer and the kind of deny the message names.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import type { NamedPolicy, PolicyLayer, PolicySet, Statement } from '../../lambdas/core/iam-policy/types.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

interface DocMessage {
  id: number;
  docPolicyLayer: string;
  docDenyType: string;
  errorMessage: string;
}

const messages = readJsonl<DocMessage>('aws-docs-iam-denied-messages/messages.jsonl').filter((message) => message.docPolicyLayer !== 'unspecified');
const p = (layer: PolicyLayer, ...statements: Statement[]): NamedPolicy => ({ name: `synthetic-${layer}`, layer, document: { Version: '2012-10-17', Statement: statements } });
const allowAll: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };
const allowOther: Statement = { Effect: 'Allow', Action: 'nothing:Else', Resource: '*' };
const denyAll: Statement = { Sid: 'Refuse', Effect: 'Deny', Action: '*', Resource: '*' };
const withPrincipal = (statement: Statement): Statement => ({ ...statement, Principal: '*' });

function recordOf(message: DocMessage): CloudTrailRecord {
  const arn = /User: (\S+)/.exec(message.errorMessage)![1]!;
  const account = arn.split(':')[4]!;
  // "no resource-based policy allows" without a resource: the resource is in another account
  const recipient = message.docPolicyLayer === 'resource_based_policy' && message.docDenyType === 'implicit' ? '444455556666' : account;
  const role = /:role\/(.+)$/.exec(arn)?.[1];
  return {
    eventID: `synthetic-doc-message-${message.id}`,
    eventTime: '2025-01-01T00:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'Synthetic',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    errorCode: 'AccessDenied',
    errorMessage: message.errorMessage,
    recipientAccountId: recipient,
    ...(message.docPolicyLayer.startsWith('vpc_endpoint_policy') ? { vpcEndpointId: 'vpce-0example' } : {}),
    userIdentity: role
      ? { type: 'AssumedRole', arn: arn.replace(':iam::', ':sts::').replace(`:role/${role}`, `:assumed-role/${role}/session`), accountId: account, sessionContext: { sessionIssuer: { type: 'Role', arn: arn.includes(':sts::') ? `arn:aws:iam::${account}:role/${role.split('/')[0]}` : arn, accountId: account } } }
      : { type: 'IAMUser', arn, accountId: account, userName: arn.split('/').pop() },
  };
}

/** Every layer allows, except the one the message names, which refuses implicitly or explicitly. */
function policiesRefusingAt(layer: PolicyLayer, kind: 'implicit' | 'explicit', principalArn: string): PolicySet {
  const refusing = (resourceSide = false) => (kind === 'explicit' ? [resourceSide ? withPrincipal(allowAll) : allowAll, resourceSide ? withPrincipal(denyAll) : denyAll] : [resourceSide ? withPrincipal(allowOther) : allowOther]);
  const set: PolicySet = {
    identity: [p('identity-policy', allowAll)],
    scps: [[p('scp', allowAll)]],
    rcps: [[p('rcp', withPrincipal(allowAll))]],
    // None of these services needs a resource policy within the account; one naming the user would allow on its own.
    resourcePolicy: null,
    trustPolicy: p('role-trust-policy', { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: principalArn } }),
    vpcEndpointPolicy: p('vpc-endpoint-policy', withPrincipal(allowAll)),
  };
  switch (layer) {
    case 'identity-policy':
      return { ...set, identity: [p(layer, ...refusing())] };
    case 'scp':
      return { ...set, scps: [[p(layer, allowAll)], [p(layer, ...refusing())]] };
    case 'rcp':
      return { ...set, rcps: [[p(layer, ...refusing(true))]] };
    case 'vpc-endpoint-policy':
      return { ...set, vpcEndpointPolicy: p(layer, ...refusing(true)) };
    case 'permissions-boundary':
      return { ...set, permissionsBoundary: p(layer, ...refusing()) };
    case 'session-policy':
      return { ...set, sessionPolicies: [p(layer, ...refusing())] };
    case 'resource-policy':
      return { ...set, resourcePolicy: kind === 'explicit' ? p(layer, withPrincipal(allowAll), withPrincipal(denyAll)) : null };
    case 'role-trust-policy':
      return { ...set, trustPolicy: p(layer, { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:user/someone-else' } }, ...(kind === 'explicit' ? [{ ...denyAll, Principal: { AWS: principalArn } }] : [])) };
  }
}

describe('IAM User Guide denial messages', () => {
  it.each(messages.map((message) => [message.id, message.docPolicyLayer, message.docDenyType, message] as const))('message %i (%s, %s)', (_id, _layer, _kind, message) => {
    const denial = classify(recordOf(message));
    expect(denial.denyLayer).not.toBe('unknown');
    const kind = denial.denyKind as 'implicit' | 'explicit';
    const diagnosis = diagnose(denial, policiesRefusingAt(denial.denyLayer as PolicyLayer, kind, denial.principalArn!));
    expect({ decision: diagnosis.decision, layer: diagnosis.layer }).toEqual({ decision: `${kind}-deny`, layer: denial.denyLayer });
    if (kind === 'explicit') expect(diagnosis.denyingStatement!.sid).toBe('Refuse');
    else expect(diagnosis.changes[0]).toMatchObject({ layer: denial.denyLayer, statement: { Effect: 'Allow', Action: denial.action } });
  });
});
