import { describe, expect, it } from 'vitest';
import { blindingAlertOf } from '../../lambdas/core/blinding/blinding-alert.js';
import { blindingOf } from '../../lambdas/core/blinding/blinding-change.js';
import { extractChange } from '../../lambdas/core/changes/extract.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { findingContent } from '../../lambdas/core/findings/content.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { call, OWN } from './fixtures.js';

/** A SYNTHETIC StopLogging whose session name and user agent try to ping the channel and fake a link. */
const hostile = call('cloudtrail.amazonaws.com', 'StopLogging', { name: 'org-trail' }, { userAgent: '<!channel> <https://evil.example|aws console>', userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/ops-admin/<@U123>', accountId: '111122223333', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ops-admin', accountId: '111122223333', userName: 'ops-admin' } } } });
const alert = blindingAlertOf(extractChange(hostile)!, blindingOf(hostile, OWN)!);

describe('a blinding alert in Slack and SNS', () => {
  it('Slack: leads with "investigate before anything else", critical colour, who/from/where and the undo command; event text escaped', () => {
    const message = buildSlackMessage(alert);
    const json = JSON.stringify(message);
    expect(message.text).toMatch(/^INVESTIGATE BEFORE ANYTHING ELSE: CloudTrail logging stopped on trail org-trail/);
    expect(json).toContain('INVESTIGATE BEFORE ANYTHING ELSE');
    expect(message.attachments![0]!.color).toBe('#e01e5a');
    expect(json).toContain("aws cloudtrail start-logging --name 'org-trail' --region 'eu-west-1'");
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain('<@U123>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('SNS: a critical subject, the same facts, attributes a route or filter can select on', () => {
    const message = buildSnsMessage(alert);
    expect(message.subject).toBe('[critical] ALERTER BLINDED: StopLogging in 111122223333');
    expect(message.message.split('\n')[0]).toBe('INVESTIGATE BEFORE ANYTHING ELSE');
    expect(message.message).toContain("undo:  aws cloudtrail start-logging --name 'org-trail' --region 'eu-west-1'");
    expect(message.message).toContain('from:  203.0.113.9');
    expect(message.attributes).toMatchObject({ severity: 'critical', reason: 'blinding', investigate: 'true', signals: 'blinding' });
  });
});

describe('a blinding alert to machines (JSON, Security Hub and OCSF content)', () => {
  it('suggests no grant: no Allow of the call that blinded the alerter, no managed policy, no simulation; the undo instead', () => {
    const { rendering } = alertJson(alert);
    expect(rendering.fix.kind).toBe('none');
    expect(JSON.stringify(rendering.fix)).toContain("aws cloudtrail start-logging --name 'org-trail'");
    expect(JSON.stringify(rendering)).not.toContain('"Effect":"Allow"');
    expect(rendering.managedPolicies).toEqual([]);
    expect(rendering.simulateCommand).toBeNull();
    expect(rendering.resourceLine).toBe('org-trail');
  });

  it('says the call succeeded, never that it was denied, and recommends the undo', () => {
    const content = findingContent(alert);
    expect(content.title).toBe('Logging disabled or narrowed: StopLogging succeeded · ops-admin');
    expect(content.description.split('\n')[0]).toMatch(/^StopLogging by arn:aws:iam::111122223333:role\/ops-admin at 2026-12-01T10:00:00(\.000)?Z succeeded: CloudTrail logging stopped on trail org-trail/);
    expect(content.description).not.toMatch(/Denied by the|was denied \d|denied \d+×/);
    expect(content.recommendation.text).toContain("undo it: aws cloudtrail start-logging --name 'org-trail' --region 'eu-west-1'");
    expect(content.recommendation.url).toBe('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html');
  });
});
