import { describe, expect, it } from 'vitest';
import { cloudTrailEventLink, historyTableLink } from '../../lambdas/core/render/cloudtrail-link.js';
import { CUT_MARKER, cut, cutMrkdwn, escapeMrkdwn, slackCode, slackCodeBlock, slackProse } from '../../lambdas/core/render/escape.js';
import { severityOf } from '../../lambdas/core/render/severity.js';
import { snsSubject } from '../../lambdas/core/render/sns.js';
import { sparkline } from '../../lambdas/core/render/sparkline.js';
import { ec2GetPasswordData, stsAssumeRole } from './alerts.js';

describe('escaping', () => {
  it('escapes &, < and > (Slack control characters), & first', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> &lt;')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; &amp;lt;');
  });

  it('code spans: a backtick cannot close the span, line breaks are flattened', () => {
    expect(slackCode('a`b\nc')).toBe('`aˋb c`');
    expect(slackCode(null)).toBe('_none_');
    expect(slackCodeBlock('x```y\nz')).toBe('```xˋˋˋy\nz```');
  });

  it('prose: formatting characters and broadcast words neutralised', () => {
    expect(slackProse('*b* _i_ ~s~ `c` @here @Channel a@b.c')).toBe('∗b∗ ˍiˍ ∼s∼ ˋcˋ @\u200bhere @\u200bChannel a@b.c');
  });

  it('cuts with a visible marker, never inside an entity, a surrogate pair or an open code span', () => {
    expect(cut('abcdef', 6)).toBe('abcdef');
    expect(cut('abcdefghijklmnop', 10)).toBe(`abcd${CUT_MARKER}`);
    expect(cut(`${'a'.repeat(3)}😀${'b'.repeat(10)}`, 10)).toBe(`aaa${CUT_MARKER}`);
    const cutText = cutMrkdwn(`x \`${'&lt;'.repeat(50)}\``, 40);
    expect(cutText.length).toBeLessThanOrEqual(40);
    expect(cutText).toMatch(/(&lt;)+…\(cut\)`$/);
    const fenced = cutMrkdwn(`*Error*\n\`\`\`${'y'.repeat(5000)}\`\`\``, 3000);
    expect(fenced.length).toBeLessThanOrEqual(3000);
    expect(fenced.endsWith(`${CUT_MARKER}\`\`\``)).toBe(true);
  });
});

describe('sparkline', () => {
  it('scales to the largest value; zero is the lowest bar, any denial at least the second', () => {
    expect(sparkline([0, 1, 0, 3, 25])).toBe('▁▂▁▂█');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▂▃▄▅▆▇██');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([])).toBe('');
    expect(sparkline([Number.NaN, -3, 2])).toBe('▁▁█');
  });
});

describe('CloudTrail console link', () => {
  it('links the event in its Region, parts encoded', () => {
    expect(cloudTrailEventLink('eu-west-1', '450230d4-b39e-4a18-a6a0-d07a6e2105cb')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/450230d4-b39e-4a18-a6a0-d07a6e2105cb',
    );
    expect(cloudTrailEventLink('eu-west-1', 'a:b.c')).toBe('https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/a%3Ab.c');
  });

  it('gives no link rather than a wrong or hostile one', () => {
    expect(cloudTrailEventLink(null, 'x')).toBeNull();
    expect(cloudTrailEventLink('eu-west-1', null)).toBeNull();
    expect(cloudTrailEventLink('evil.example/x', 'x')).toBeNull();
    expect(cloudTrailEventLink('eu-west-1', 'x|<!channel>')).toBeNull();
    expect(cloudTrailEventLink('us-iso-east-1', 'x')).toBeNull();
  });

  it('links the console of the event\'s partition: GovCloud and China have their own hosts', () => {
    expect(cloudTrailEventLink('us-gov-west-1', 'e1')).toBe('https://console.amazonaws-us-gov.com/cloudtrailv2/home?region=us-gov-west-1#/events/e1');
    expect(cloudTrailEventLink('cn-north-1', 'e1')).toBe('https://console.amazonaws.cn/cloudtrailv2/home?region=cn-north-1#/events/e1');
    expect(historyTableLink('cn-northwest-1', 'Denials')).toBe('https://console.amazonaws.cn/dynamodbv2/home?region=cn-northwest-1#item-explorer?table=Denials');
  });
});

describe('SNS subject and severity', () => {
  it('severity without triage signals: low, medium for an escalation or 100+ denials; root raises it to high', () => {
    const plain = { ...stsAssumeRole, userAgents: [], sourceIps: [], reason: 'threshold' as const, count: 5 };
    expect(severityOf(plain)).toBe('low');
    expect(severityOf({ ...plain, reason: 'escalation' })).toBe('medium');
    expect(severityOf({ ...plain, count: 100 })).toBe('medium');
    expect(severityOf({ ...plain, principalType: 'Root', principalArn: 'arn:aws:iam::457448411975:root' })).toBe('high');
    expect(severityOf({ ...plain, triage: { severity: 'info', investigateFirst: false, signals: [] } })).toBe('info');
  });

  it('subject: printable ASCII, under 100 characters, a long principal name shortened', () => {
    expect(snsSubject(stsAssumeRole)).toBe('[high] sts:AssumeRole denied 5x for christophe in 457448411975');
    const subject = snsSubject(ec2GetPasswordData);
    // Too long with the account: the account (in the attributes and body) goes first.
    expect(subject).toBe('[critical] ec2:GetPasswordData denied 29x for stratus-red-team-ec2-get-password-data-role');
    const long = snsSubject({ ...ec2GetPasswordData, principalArn: `arn:aws:iam::457448411975:role/${'ü'.repeat(200)}` });
    expect(long.length).toBe(99);
    expect(long).toMatch(/^\[critical\] ec2:GetPasswordData denied 29x for \?+\.\.\.$/);
  });
});
