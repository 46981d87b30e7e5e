import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { actionResourceTypes } from '../../lambdas/core/iam-catalog.js';
import { suggestFix, UNKNOWN_RESOURCE } from '../../lambdas/core/render/least-privilege.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { ec2Everything, ec2GetPasswordData, ec2GetPasswordDataWindow, lambdaExplicitDeny, lambdaLogStreams, s3AccessDenied, s3UnknownResource, scpExplicitDenyWithArn, stsAssumeRole } from './alerts.js';
import { allBlocks, expectWithinBlockKit, slackAsText } from './block-kit.js';

const CASES: Array<[string, AlertSummary]> = [
  ['ec2-get-password-data', ec2GetPasswordData],
  ['sts-assume-role', stsAssumeRole],
  ['s3-access-denied-unknown-layer', s3AccessDenied],
  ['s3-unknown-resource', s3UnknownResource],
  ['lambda-explicit-deny', lambdaExplicitDeny],
  ['scp-explicit-deny-with-arn', scpExplicitDenyWithArn],
  ['ec2-get-password-data-window', ec2GetPasswordDataWindow],
  ['lambda-log-streams', lambdaLogStreams],
  ['ec2-everything', ec2Everything],
];

/** Every section text of a message, top level and attachment. */
function sectionTexts(message: ReturnType<typeof buildSlackMessage>): string[] {
  return allBlocks(message).flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

/** Every statement the Slack JSON carries, parsed back from its code blocks. */
function statementsIn(text: string): Array<Record<string, unknown>> {
  return [...text.matchAll(/```(\{[\s\S]*?\})```/g)].map((match) => JSON.parse(match[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Record<string, unknown>);
}

describe('rendering of alerts built from real corpus records', () => {
  it.each(CASES)('%s: Slack, SNS and terminal forms match the reviewed snapshots', async (name, alert) => {
    const slack = buildSlackMessage(alert);
    await expect(`${JSON.stringify(slack, null, 2)}\n`).toMatchFileSnapshot(`__snapshots__/${name}.slack.json`);
    await expect(slackAsText(slack)).toMatchFileSnapshot(`__snapshots__/${name}.slack.txt`);
    const sns = buildSnsMessage(alert);
    await expect(`subject: ${sns.subject}\nattributes: ${JSON.stringify(sns.attributes)}\n\n${sns.message}\n`).toMatchFileSnapshot(`__snapshots__/${name}.sns.txt`);
    await expect(renderAlertText(alert)).toMatchFileSnapshot(`__snapshots__/${name}.text.txt`);
  });

  it.each(CASES)('%s: stays inside Block Kit limits and never suggests a wildcard action or a managed policy', (_, alert) => {
    const slack = buildSlackMessage(alert);
    expectWithinBlockKit(slack);
    const json = JSON.stringify(slack);
    expect(json).not.toContain('AdministratorAccess');
    const statements = sectionTexts(slack).flatMap(statementsIn);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Action).toBe(alert.action);
      expect(String(statement.Action)).not.toContain('*');
    }
  });

  it('EC2 GetPasswordData (implicit, identity policy): the exact action on the exact resource, for the role', () => {
    const slack = buildSlackMessage(ec2GetPasswordData);
    // Investigating first, Slack names the grant in one line; the statement itself is in SNS and the terminal.
    const fixText = sectionTexts(slack).find((text) => text.startsWith('*If it is legitimate*: allow'))!;
    expect(fixText).toContain('allow `ec2:GetPasswordData` on it in an identity-based policy of `role/stratus-red-team-ec2-get-password-data-role`, *or attach* `AmazonEC2FullAccess`');
    expect(statementsIn(fixText)).toEqual([]);
    const asFix = buildSlackMessage({ ...ec2GetPasswordData, triage: { severity: 'low', investigateFirst: false, signals: [] } });
    const leadFix = sectionTexts(asFix).find((text) => text.startsWith('*Fix*: add to'))!;
    expect(leadFix).toContain('an identity-based policy of `role/stratus-red-team-ec2-get-password-data-role`');
    expect(statementsIn(leadFix)).toEqual([{ Effect: 'Allow', Action: 'ec2:GetPasswordData', Resource: 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*' }]);
    expect(buildSnsMessage(ec2GetPasswordData).message).toContain('"Resource": "arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*"');
    // Investigating first, the verify command is in SNS and the terminal (one phone screen for Slack).
    const verify = "aws iam simulate-principal-policy --region us-east-1 --policy-source-arn 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role' --action-names 'ec2:GetPasswordData' --resource-arns 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*'";
    expect(json(slack)).not.toContain('simulate-principal-policy');
    expect(buildSnsMessage(ec2GetPasswordData).message).toContain(verify);
    expect(json(buildSlackMessage({ ...ec2GetPasswordData, triage: { severity: 'low', investigateFirst: false, signals: [] } }))).toContain(verify);
    expect(json(slack)).toContain('"url":"https://apiso-northsouth-3r.console.aws.amazon.com/cloudtrailv2/home?region=apiso-northsouth-3r#/events/450230d4-b39e-4a18-a6a0-d07a6e2105cb"');
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', emoji: false, text: '🔴 ec2:GetPasswordData denied 29× · stratus-red-team-ec2-get-password-data-role' } });
    // An attack tool's user agent and a credential-access action: investigate first, the fix below.
    expect(sectionTexts(slack)[0]).toMatch(/^\*🚨 Investigate before granting\* · \*critical\*\n• The user agent names Stratus Red Team/);
    expect(slack.attachments?.[0]?.color).toBe('#e01e5a');
  });

  it('sts:AssumeRole with no layer named: the caller side and the trust policy side', () => {
    const fix = suggestFix(stsAssumeRole);
    expect(fix).toMatchObject({
      kind: 'allow',
      primary: { statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: stsAssumeRole.resource } },
      also: [{ statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::457448411975:user/christophe' }, Action: 'sts:AssumeRole' } }],
    });
  });

  it('S3 "Access Denied" with an unknown resource: a marked placeholder, never "*"', () => {
    const slack = buildSlackMessage(s3UnknownResource);
    const text = json(slack);
    const statements = sectionTexts(slack).flatMap(statementsIn);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 's3:PutEncryptionConfiguration', Resource: UNKNOWN_RESOURCE }]);
    expect(text).toContain('&lt;resource ARN: not in the record&gt;');
    expect(text).toContain('replace the placeholder with its ARN');
    expect(text).toContain(`--resource-arns '&lt;resource ARN: not in the record&gt;'`);
    expect(actionResourceTypes('s3:PutEncryptionConfiguration')).not.toEqual([]);
  });

  it('explicit deny: no Allow statement, the layer and policy to look at and how to show it', () => {
    const slack = buildSlackMessage(scpExplicitDenyWithArn);
    const text = json(slack);
    expect(text).not.toContain('Least-privilege fix');
    expect(text).not.toContain('\\"Effect\\": \\"Allow\\"');
    expect(text).toContain('*Explicit deny*: no Allow can override it');
    expect(text).toContain('a service control policy over account `123456789012`');
    expect(text).toContain('`arn:aws:organizations::111122223333:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111`');
    expect(text).toContain("aws organizations describe-policy --region us-east-1 --policy-id 'p-examplepolicyid111'");
    const sns = buildSnsMessage(lambdaExplicitDeny).message;
    expect(sns).toContain('whichever layer holds it (the record does not name it)');
    expect(sns).not.toContain('"Effect": "Allow"');
  });
});

function json(value: unknown): string {
  return JSON.stringify(value);
}

describe('policy diagnosis, when policies could be read', () => {
  const diagnosed: AlertSummary = {
    ...ec2GetPasswordData,
    diagnosis: {
      decision: 'implicit-deny',
      layer: 'identity-policy',
      denyingStatement: null,
      changes: [
        {
          layer: 'identity-policy',
          where: 'inline policy of role stratus-red-team-ec2-get-password-data-role',
          statement: { Effect: 'Allow', Action: 'ec2:GetPasswordData', Resource: 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*' },
        },
      ],
      managedPolicies: [
        { name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess', grantedBy: 'ec2:GetPasswordData', breadth: 1, conditional: false },
        { name: 'AmazonEC2FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonEC2FullAccess', grantedBy: 'ec2:*', breadth: 4, conditional: false },
      ],
      dependsOn: [],
      notChecked: ['service control policies (not given)'],
      summary: 'No identity-based policy of the role allows ec2:GetPasswordData.',
    },
  };

  it('shows the diagnosis in Slack and SNS, never AdministratorAccess', () => {
    const slack = buildSlackMessage(diagnosed);
    expectWithinBlockKit(slack);
    const text = JSON.stringify(slack);
    expect(text).toContain('*Policy check*: No identity-based policy of the role allows ec2:GetPasswordData.');
    expect(text).toContain('*or attach* `AmazonEC2FullAccess`');
    expect(text).toContain('Not checked: service control policies (not given)');
    expect(text).not.toContain('AdministratorAccess');
    const sns = buildSnsMessage(diagnosed).message;
    expect(sns).toContain('Policy check: No identity-based policy of the role allows ec2:GetPasswordData.');
    expect(sns).not.toContain('AdministratorAccess');
  });
});
