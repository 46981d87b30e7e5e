/**
 * One synthetic denial diagnosed against policy sets that refuse it at each layer in turn: the diagnosis names the
 * layer and gives the statement to change or to add there.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { diagnose } from '../../lambdas/core/iam-policy/diagnose.js';
import type { NamedPolicy, PolicyLayer, PolicySet, Statement } from '../../lambdas/core/iam-policy/types.js';
import { syntheticDenial } from '../support/records.js';

const denial = classify({ ...syntheticDenial({ time: 0, key: 'builds/app.zip' }), errorMessage: 'Access Denied', vpcEndpointId: 'vpce-0abc' });
const OBJECT = 'arn:aws:s3:::artifacts/builds/app.zip';
const p = (layer: PolicyLayer, ...statements: Statement[]): NamedPolicy => ({ name: `synthetic-${layer}.json`, layer, document: { Version: '2012-10-17', Statement: statements } });
const allowAll: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };
const allowAllAnyone: Statement = { ...allowAll, Principal: '*' };
const allowPut: Statement = { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::artifacts/*' };
const denyPut: Statement = { Sid: 'Blocked', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' };

/** Everything allows; each case overrides one layer. */
const permissive = (): PolicySet => ({
  identity: [p('identity-policy', allowPut)],
  permissionsBoundary: p('permissions-boundary', allowAll),
  sessionPolicies: [p('session-policy', allowAll)],
  scps: [[p('scp', allowAll)]],
  rcps: [[p('rcp', allowAllAnyone)]],
  resourcePolicy: null,
  vpcEndpointPolicy: p('vpc-endpoint-policy', allowAllAnyone),
});

describe('diagnosis at every layer (synthetic)', () => {
  it('allows when every layer allows', () => {
    expect(diagnose(denial, permissive()).decision).toBe('allowed');
  });

  it.each<[PolicyLayer, Partial<PolicySet>]>([
    ['identity-policy', { identity: [p('identity-policy', { ...allowAll, Action: 's3:GetObject' })] }],
    ['permissions-boundary', { permissionsBoundary: p('permissions-boundary', { ...allowAll, Action: 'ec2:*' }) }],
    ['session-policy', { sessionPolicies: [p('session-policy', { ...allowAll, Action: 'sqs:*' })] }],
    ['scp', { scps: [[p('scp', allowAll)], [p('scp', { ...allowAll, Action: 'ec2:*' })]] }],
    ['rcp', { rcps: [[p('rcp', { ...allowAllAnyone, Action: 'sqs:*' })]] }],
    ['vpc-endpoint-policy', { vpcEndpointPolicy: p('vpc-endpoint-policy', { ...allowAllAnyone, Action: 's3:GetObject' }) }],
  ])('implicit deny in %s gives the statement to add there', (layer, override) => {
    const diagnosis = diagnose(denial, { ...permissive(), ...override });
    expect(diagnosis).toMatchObject({ decision: 'implicit-deny', layer });
    expect(diagnosis.changes[0]).toMatchObject({ layer, statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: OBJECT } });
  });

  it.each<[PolicyLayer, Partial<PolicySet>]>([
    ['identity-policy', { identity: [p('identity-policy', allowPut, denyPut)] }],
    ['resource-policy', { resourcePolicy: p('resource-policy', { ...denyPut, Principal: '*' }) }],
    ['permissions-boundary', { permissionsBoundary: p('permissions-boundary', allowAll, denyPut) }],
    ['session-policy', { sessionPolicies: [p('session-policy', allowAll, denyPut)] }],
    ['scp', { scps: [[p('scp', allowAll, denyPut)]] }],
    ['rcp', { rcps: [[p('rcp', allowAllAnyone, { ...denyPut, Principal: '*' })]] }],
    ['vpc-endpoint-policy', { vpcEndpointPolicy: p('vpc-endpoint-policy', allowAllAnyone, { ...denyPut, Principal: '*' }) }],
  ])('explicit deny in %s names the statement', (layer, override) => {
    const diagnosis = diagnose(denial, { ...permissive(), ...override });
    expect(diagnosis).toMatchObject({ decision: 'explicit-deny', layer, denyingStatement: { sid: 'Blocked', policy: `synthetic-${layer}.json` } });
    expect(diagnosis.changes).toEqual([]);
    expect(diagnosis.summary).toMatch(/no Allow can override it/);
  });

  it('suggests attachable managed policies for a missing identity allow, never AdministratorAccess', () => {
    const diagnosis = diagnose(denial, { ...permissive(), identity: [] });
    expect(diagnosis.managedPolicies.length).toBeGreaterThan(0);
    for (const match of diagnosis.managedPolicies) {
      expect(match.grantedBy).not.toBe('*');
      expect(match.name).not.toBe('AdministratorAccess');
    }
  });
});
