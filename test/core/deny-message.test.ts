import { describe, expect, it } from 'vitest';
import { parseDenyMessage } from '../../lambdas/core/deny-message.js';
import type { DenyKind, DenyLayer } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

interface Template {
  id: number;
  docPolicyLayer: string;
  docDenyType: string;
  errorMessage: string;
}

const LAYER_OF_DOC_LABEL: Record<string, DenyLayer> = {
  unspecified: 'unknown',
  service_control_policy: 'scp',
  resource_control_policy: 'rcp',
  vpc_endpoint_policy: 'vpc-endpoint-policy',
  permissions_boundary: 'permissions-boundary',
  session_policy: 'session-policy',
  resource_based_policy: 'resource-policy',
  role_trust_policy: 'role-trust-policy',
  identity_based_policy: 'identity-policy',
  // The denying statement is in an SCP applied through the VPC endpoint: the SCP is the policy to change.
  vpc_endpoint_policy_via_service_control_policy: 'scp',
};

describe('the 17 IAM User Guide message templates', () => {
  const templates = readJsonl<Template>('aws-docs-iam-denied-messages/messages.jsonl');
  it('are all there', () => expect(templates).toHaveLength(17));
  for (const template of templates) {
    it(`#${template.id} gives ${template.docPolicyLayer} / ${template.docDenyType}`, () => {
      const parsed = parseDenyMessage(template.errorMessage);
      const expectedLayer = LAYER_OF_DOC_LABEL[template.docPolicyLayer];
      expect(expectedLayer, 'label known to the test').toBeDefined();
      expect(parsed.layer ?? 'unknown').toBe(expectedLayer);
      const expectedKind: DenyKind = template.docDenyType === 'unspecified' ? 'unknown' : (template.docDenyType as DenyKind);
      expect(parsed.kind ?? 'unknown').toBe(expectedKind);
      expect(parsed.principalArn).toMatch(/^arn:aws:(iam|sts)::\d{12}:/);
      expect(parsed.action).toMatch(/^[A-Za-z-]+:[A-Za-z]+$/);
    });
  }
});

describe('parseDenyMessage', () => {
  it('reads the policy ARN that newer messages append', () => {
    const parsed = parseDenyMessage(
      'User: arn:aws:iam::111122223333:user/dev is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k.txt" with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-abc/service_control_policy/p-123.',
    );
    expect(parsed).toMatchObject({
      layer: 'scp',
      kind: 'explicit',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::b/k.txt',
      policyArn: 'arn:aws:organizations::111122223333:policy/o-abc/service_control_policy/p-123',
    });
  });

  it('reads the EC2 wrapper and keeps the encoded authorization message', () => {
    const parsed = parseDenyMessage(
      'You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:111122223333:instance/* with an explicit deny in an identity-based policy. Encoded authorization failure message: abc_DEF-123',
    );
    expect(parsed).toMatchObject({
      layer: 'identity-policy',
      kind: 'explicit',
      resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*',
      encodedAuthorizationMessage: 'abc_DEF-123',
      policyArn: null,
    });
  });

  it('drops a resource ARN cut by the 1 KB limit instead of keeping half an ARN', () => {
    expect(parseDenyMessage('User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/very/lo...').resource).toBeNull();
  });

  it('says nothing for S3\'s bare "Access Denied" and for an old EC2 message', () => {
    for (const message of ['Access Denied', 'You are not authorized to perform this operation.']) {
      expect(parseDenyMessage(message)).toEqual({
        principalArn: null,
        action: null,
        resource: null,
        wordedResource: null,
        layer: null,
        kind: null,
        policyArn: null,
        encodedAuthorizationMessage: null,
        authorizationId: null,
        authorizationDetailsUrl: null,
        truncated: false,
      });
    }
  });

  it('reads "with an explicit deny" without a layer as explicit, layer unknown', () => {
    expect(parseDenyMessage('User: arn:aws:iam::1:user/u is not authorized to perform: lambda:ListFunctions on resource: * with an explicit deny')).toMatchObject({
      kind: 'explicit',
      layer: 'unknown',
      resource: '*',
    });
  });
});
