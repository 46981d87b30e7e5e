/**
 * Every message format AWS prints today, one corpus test per format. The real records and the IAM User Guide's 17
 * templates stay unmodified in ../shared/corpus; the 2026 variants (policy ARN after the layer, Access Troubleshooter
 * suffix, IAM's worded resources, truncation) are SYNTHETIC, built here from those templates and labelled as such.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../lambdas/core/classify.js';
import { MAX_MESSAGE_SCAN, parseDenyMessage } from '../../lambdas/core/deny-message.js';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';
import { readJsonl } from '../support/corpus.js';

interface Template {
  id: number;
  docPolicyLayer: string;
  docDenyType: string;
  errorMessage: string;
}

const templates = readJsonl<Template>('aws-docs-iam-denied-messages/messages.jsonl');
const explicitTemplates = templates.filter((template) => template.docDenyType === 'explicit');

/** The policy ARN AWS appends since 2026, per layer it names one for (same account or organization). */
const POLICY_ARN_OF_LAYER: Record<string, string> = {
  service_control_policy: 'arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp',
  resource_control_policy: 'arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/resource_control_policy/p-examplercp',
  permissions_boundary: 'arn:aws:iam::123456789012:policy/ExampleBoundary',
  session_policy: 'arn:aws:iam::123456789012:policy/ExampleSessionPolicy',
  identity_based_policy: 'arn:aws:iam::123456789012:policy/ExampleDenyPolicy',
};

const AUTHORIZATION_ID = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
const CONSOLE_URL = `https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${AUTHORIZATION_ID}`;
const TROUBLESHOOTER = ` Go to ${CONSOLE_URL} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${AUTHORIZATION_ID}`;

describe('synthetic 2026 variants of the IAM User Guide templates: the denying policy ARN and a period', () => {
  for (const template of explicitTemplates.filter((t) => POLICY_ARN_OF_LAYER[t.docPolicyLayer])) {
    it(`#${template.id} ${template.docPolicyLayer}: the policy ARN, not its period`, () => {
      const arn = POLICY_ARN_OF_LAYER[template.docPolicyLayer]!;
      const original = parseDenyMessage(template.errorMessage);
      const parsed = parseDenyMessage(`${template.errorMessage}: ${arn}.`);
      expect(parsed).toMatchObject({ layer: original.layer, kind: 'explicit', action: original.action, resource: original.resource, policyArn: arn });
    });
  }

  it('no template without a deny phrase gains a policy ARN from a trailing colon', () => {
    expect(parseDenyMessage(`${templates[0]!.errorMessage}: arn:aws:iam::1:policy/x.`).policyArn).toBeNull();
  });
});

describe('synthetic Access Troubleshooter variants: every template with the console link and authorization id', () => {
  for (const template of templates) {
    it(`#${template.id}: layer and kind unchanged, id and link read`, () => {
      const original = parseDenyMessage(template.errorMessage);
      const withArn = POLICY_ARN_OF_LAYER[template.docPolicyLayer] && template.docDenyType === 'explicit' ? `: ${POLICY_ARN_OF_LAYER[template.docPolicyLayer]}.` : '.';
      const parsed = parseDenyMessage(`${template.errorMessage}${withArn}${TROUBLESHOOTER}`);
      expect(parsed).toMatchObject({ layer: original.layer, kind: original.kind, action: original.action, principalArn: original.principalArn, authorizationId: AUTHORIZATION_ID, authorizationDetailsUrl: CONSOLE_URL });
    });
  }

  it('reads the id from the link when the message was cut before the id phrase', () => {
    const message = `${templates[14]!.errorMessage}. Go to ${CONSOLE_URL} for complete details, or call the GetRequestAuth...`;
    expect(parseDenyMessage(message)).toMatchObject({ authorizationId: AUTHORIZATION_ID, authorizationDetailsUrl: CONSOLE_URL, truncated: true });
  });

  it('keeps no half id or half link when the cut falls inside them', () => {
    const full = `${templates[14]!.errorMessage}.${TROUBLESHOOTER}`;
    const cutInId = `${full.slice(0, full.length - 10)}...`;
    expect(parseDenyMessage(cutInId)).toMatchObject({ authorizationId: AUTHORIZATION_ID, authorizationDetailsUrl: CONSOLE_URL });
    const cutInLink = `${full.slice(0, full.indexOf('#/authorization-details/') + 30)}...`;
    expect(parseDenyMessage(cutInLink)).toMatchObject({ authorizationId: null, authorizationDetailsUrl: null, layer: 'identity-policy' });
  });

  it('carries the id and link onto the denial (synthetic variant of a real EC2 record)', () => {
    const real = readJsonl('stratus-red-team-detonation-logs/denied.jsonl').find((record) => record.eventName === 'GetPasswordData')!;
    const message = real.errorMessage!.replace(/ Encoded authorization failure message: .*$/, TROUBLESHOOTER);
    const denial = classify({ ...structuredClone(real), errorMessage: message, eventID: 'synthetic-troubleshooter' });
    expect(denial).toMatchObject({ authorizationId: AUTHORIZATION_ID, authorizationDetailsUrl: CONSOLE_URL, action: 'ec2:GetPasswordData', denyLayer: 'identity-policy' });
  });

  it('leaves both null on every real record (no real record carries an id yet)', () => {
    for (const record of readJsonl('stratus-red-team-detonation-logs/denied.jsonl')) {
      expect(classify(record)).toMatchObject({ authorizationId: null, authorizationDetailsUrl: null });
    }
  });
});

describe('IAM resources named in words (synthetic variants of the real iam:GetRole record)', () => {
  const realGetRole = readJsonl('panther-analysis-test-fixtures/denied.jsonl').find((record) => record.eventName === 'GetRole')!;
  const variant = (resource: string, extra: Partial<CloudTrailRecord> = {}): CloudTrailRecord => ({
    ...structuredClone(realGetRole),
    errorMessage: `User: arn:aws:iam::123456789012:user/tester is not authorized to perform: iam:GetRole on resource: ${resource} because no identity-based policy allows the iam:GetRole action`,
    requestParameters: null,
    eventID: `synthetic-worded-${resource}`,
    ...extra,
  });

  it.each([
    ['role prod-admin', 'arn:aws:iam::123456789012:role/prod-admin'],
    ['user alice', 'arn:aws:iam::123456789012:user/alice'],
    ['group developers', 'arn:aws:iam::123456789012:group/developers'],
    ['policy ExamplePolicy', 'arn:aws:iam::123456789012:policy/ExamplePolicy'],
    ['instance-profile web-profile', 'arn:aws:iam::123456789012:instance-profile/web-profile'],
    ['role /team/prod-admin', 'arn:aws:iam::123456789012:role/team/prod-admin'],
  ])('"%s" is %s', (words, arn) => {
    const denial = classify(variant(words));
    expect(denial).toMatchObject({ resource: arn, denyLayer: 'identity-policy', denyKind: 'implicit', action: 'iam:GetRole' });
  });

  it('uses the record\'s account and partition (GovCloud)', () => {
    const record = variant('role prod-admin', {
      errorMessage: 'User: arn:aws-us-gov:iam::123456789012:user/tester is not authorized to perform: iam:GetRole on resource: role prod-admin because no identity-based policy allows the iam:GetRole action',
      awsRegion: 'us-gov-west-1',
      recipientAccountId: '444455556666',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws-us-gov:iam::123456789012:user/tester', accountId: '123456789012' },
    });
    expect(classify(record).resource).toBe('arn:aws-us-gov:iam::444455556666:role/prod-admin');
  });

  it('an explicit deny after a worded resource keeps its layer and policy ARN', () => {
    const message = 'User: arn:aws:iam::123456789012:user/tester is not authorized to perform: iam:DeleteRole on resource: role prod-admin with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp.';
    expect(parseDenyMessage(message)).toMatchObject({ wordedResource: { type: 'role', name: 'prod-admin' }, resource: null, layer: 'scp', policyArn: 'arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp' });
  });

  it('"role" alone before "because" is no worded resource, and a cut name is dropped', () => {
    expect(parseDenyMessage('User: arn:aws:iam::1:user/u is not authorized to perform: iam:GetRole on resource: role because no identity-based policy allows the iam:GetRole action')).toMatchObject({ wordedResource: null, resource: 'role' });
    expect(parseDenyMessage('User: arn:aws:iam::1:user/u is not authorized to perform: iam:GetRole on resource: role prod-adm...')).toMatchObject({ wordedResource: null, resource: null });
  });
});

describe('truncated and hostile messages', () => {
  it('drops a policy ARN cut by the 1 KB limit', () => {
    const message = `${explicitTemplates.find((t) => t.docPolicyLayer === 'service_control_policy')!.errorMessage}: arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/servi...`;
    expect(parseDenyMessage(message)).toMatchObject({ layer: 'scp', kind: 'explicit', policyArn: null, truncated: true });
  });

  it('drops an action cut at the end of the message', () => {
    expect(parseDenyMessage('User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObj...').action).toBeNull();
  });

  it('reads at most MAX_MESSAGE_SCAN characters and marks a longer message truncated', () => {
    const head = templates[14]!.errorMessage;
    const parsed = parseDenyMessage(`${head} ${'x'.repeat(MAX_MESSAGE_SCAN * 4)} with an explicit deny in a service control policy`);
    expect(parsed).toMatchObject({ layer: 'identity-policy', kind: 'implicit', truncated: true });
  });

  it('is not fooled by a second "User:" inside a crafted resource name', () => {
    const parsed = parseDenyMessage('User: arn:aws:iam::111122223333:user/real is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/User: arn:aws:iam::999999999999:user/fake" because no identity-based policy allows the s3:GetObject action');
    expect(parsed.principalArn).toBe('arn:aws:iam::111122223333:user/real');
    expect(parsed.resource).toBe('arn:aws:s3:::b/User: arn:aws:iam::999999999999:user/fake');
  });

  it('never throws on arbitrary text', () => {
    const pieces = ['User: ', 'arn:aws:iam::1:user/u', ' is not authorized to perform: ', 's3:GetObject', ' on resource: ', '"', 'role ', 'with an explicit deny in a ', 'because no ', 'Go to https://', '#/authorization-details/', 'authorization id: ', '...', ': arn:'];
    for (let seed = 1; seed < 500; seed++) {
      let text = '';
      let state = seed;
      for (let i = 0; i < 12; i++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        text += pieces[state % pieces.length];
      }
      expect(() => parseDenyMessage(text)).not.toThrow();
    }
  });
});
