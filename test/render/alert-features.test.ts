import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { encodedAuthorizationMessage } from '../../lambdas/core/render/authorization.js';
import { historyTableLink } from '../../lambdas/core/render/cloudtrail-link.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { sparklineWorthShowing } from '../../lambdas/core/render/sparkline.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { formatSpan, formatTime } from '../../lambdas/core/render/time.js';
import { ec2Everything, ec2GetPasswordData, ec2GetPasswordDataWindow, lambdaLogStreams } from './alerts.js';
import { allBlocks, allTexts } from './block-kit.js';

const ESC = '\u001b[';

describe('terminal colour', () => {
  it('only when asked (stdout a terminal, NO_COLOR unset: the CLI decides), severity coloured', () => {
    expect(renderAlertText(ec2GetPasswordData)).not.toContain(ESC);
    expect(renderAlertText(ec2GetPasswordData, { color: false })).not.toContain(ESC);
    const coloured = renderAlertText(ec2GetPasswordData, { color: true });
    expect(coloured).toContain(`${ESC}1m${ESC}31m[SPIKE/critical]`);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(renderAlertText(ec2GetPasswordData));
    expect(renderAlertText(lambdaLogStreams, { color: true })).toContain(`${ESC}32m[SPIKE/low]`);
  });
});

describe('what a responder needs, in each form', () => {
  it('"when" starts at the window\'s first counted denial when history told it, to the second', () => {
    const exact = { ...lambdaLogStreams, firstSeen: '2026-11-29T10:00:00.000Z', windowFirstDenial: '2026-11-30T08:56:12.000Z' };
    for (const text of [renderAlertText(exact), buildSnsMessage(exact).message]) expect(text).toContain(formatSpan('2026-11-30T08:56:12.000Z', exact.lastSeen));
    // Without it: the window's start (first-seen is older).
    const { windowFirstDenial: _none, ...minuteOnly } = exact;
    expect(renderAlertText(minuteOnly)).toContain(formatSpan(exact.windowStart, exact.lastSeen));
  });

  it('what changed, the route, the regression and the authorization-details link', () => {
    const slack = buildSlackMessage(ec2Everything);
    const texts = allTexts(slack).join('\n');
    expect(texts).toContain('*What changed* before the first denial:\n• 12 min before: <https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/e0c5f1d2-7a3b-4c8d-9e0f-1a2b3c4d5e6f|christophe detached AmazonEC2FullAccess');
    expect(texts).toContain('*Regression*: this used to succeed.');
    expect(texts).toContain('route `security-oncall`');
    const buttons = allBlocks(slack).flatMap((block) => (block.type === 'actions' ? block.elements.map((element) => element.text.text) : []));
    expect(buttons).toEqual(['CloudTrail event', 'Authorization details']);
    expect(buildSnsMessage(ec2Everything).message).toContain('  - 12 min before: christophe detached AmazonEC2FullAccess');
    expect(buildSnsMessage(ec2Everything).message).toContain('Authorization details: https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111');
    expect(renderAlertText(ec2Everything)).toContain('  changed   12 min before: christophe detached AmazonEC2FullAccess');
    // A History button only where the deployment says where history can be browsed.
    const historyUrl = historyTableLink('eu-west-1', 'DenialAlerter-Denials');
    expect(historyUrl).toBe('https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1#item-explorer?table=DenialAlerter-Denials');
    expect(historyTableLink('eu-west-1', 'x|<!channel>')).toBeNull();
    const withHistory = buildSlackMessage(ec2Everything, { historyUrl });
    expect(JSON.stringify(withHistory)).toContain('"text":"History"');
    expect(JSON.stringify(buildSlackMessage(ec2Everything, { historyUrl: 'javascript:alert(1)' }))).not.toContain('"text":"History"');
  });

  it('the encoded authorization message (hundreds of characters) never reaches Slack: the decode command, or the decoded summary', () => {
    const encoded = encodedAuthorizationMessage(ec2GetPasswordData.errorMessage)!;
    expect(encoded.length).toBeGreaterThan(500);
    expect(JSON.stringify(buildSlackMessage(ec2GetPasswordData))).not.toContain(encoded.slice(0, 40));
    expect(JSON.stringify(buildSlackMessage(ec2GetPasswordData))).toContain('aws sts decode-authorization-message --region apiso-northsouth-3r --encoded-message \\"$(aws cloudtrail lookup-events --region apiso-northsouth-3r');
    const decoded: AlertSummary = {
      ...ec2GetPasswordData,
      diagnosis: {
        decision: 'implicit-deny',
        layer: 'identity-policy',
        denyingStatement: null,
        changes: [],
        managedPolicies: [],
        dependsOn: [],
        notChecked: [],
        summary: 'Nothing allows ec2:GetPasswordData in: identity-policy.',
        decodedAuthorization: { allowed: false, explicitDeny: false, matchedStatements: [] },
      },
    };
    const slack = JSON.stringify(buildSlackMessage(decoded));
    expect(slack).toContain('Decoded authorization message: no statement allows.');
    expect(slack).not.toContain('decode-authorization-message');
    expect(alertJson(decoded).rendering).toMatchObject({ decodedAuthorization: 'Decoded authorization message: no statement allows.', decodeCommand: null });
  });

  it('times to the second; the sparkline only when it shows something', () => {
    expect(formatTime('2024-07-30T21:31:16.123Z')).toBe('2024-07-30 21:31:16 UTC');
    expect(formatSpan('2024-07-30T21:31:16.000Z', '2024-07-30T21:31:21.999Z')).toBe('2024-07-30 21:31:16–21:31:21 UTC');
    expect(formatSpan('2024-07-30T23:59:59Z', '2024-07-31T00:00:01Z')).toBe('2024-07-30 23:59:59 UTC – 2024-07-31 00:00:01 UTC');
    for (const text of [...allTexts(buildSlackMessage(ec2GetPasswordData)), buildSnsMessage(ec2GetPasswordData).message, renderAlertText(ec2GetPasswordData)]) {
      expect(text).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}/);
    }
    expect(sparklineWorthShowing([...Array<number>(59).fill(0), 40])).toBeNull();
    expect(sparklineWorthShowing([...Array<number>(56).fill(0), 1, 0, 3, 25])).toEqual({ bars: '▁▁▂▁▂█', minutes: 6 });
    const oneMinute = { ...lambdaLogStreams, countsPerMinute: [...Array<number>(59).fill(0), 5] };
    expect(JSON.stringify(buildSlackMessage(oneMinute))).not.toMatch(/[▁▂▃▄▅▆▇█]/);
  });

  it('window-wide counts: the top values and the others add up to the window count', () => {
    const crowded: AlertSummary = {
      ...lambdaLogStreams,
      count: 5800,
      window: { ...lambdaLogStreams.window!, sourceIps: { top: [{ value: '200.249.253.51', count: 29 }, { value: '10.0.0.1', count: 20 }], others: 5751, distinct: 312 } },
    };
    expect(renderAlertText(crowded)).toContain('  from      200.249.253.51 (29), 10.0.0.1 (20), 310 more (5751)');
    expect(buildSnsMessage(crowded).message).toContain('Source IPs:    200.249.253.51 (29), 10.0.0.1 (20), and 310 more (5751)');
  });

  it("the policy check's other missing layers (a boundary beside the identity policy) speak of the family too", () => {
    const member = ec2GetPasswordDataWindow.resource!;
    const statement = { Sid: 'AllowGetPasswordData', Effect: 'Allow' as const, Action: 'ec2:GetPasswordData', Resource: member };
    const alert: AlertSummary = {
      ...ec2GetPasswordDataWindow,
      diagnosis: {
        decision: 'implicit-deny',
        layer: 'identity-policy',
        denyingStatement: null,
        changes: [
          { layer: 'identity-policy', where: 'an identity policy of the role', statement },
          { layer: 'permissions-boundary', where: 'the permissions boundary of the role', statement },
        ],
        managedPolicies: [],
        dependsOn: [],
        notChecked: [],
        summary: 'Nothing allows ec2:GetPasswordData in: identity-policy, permissions-boundary.',
      },
    };
    const family = 'arn:aws:ec2:apiso-northsouth-3r:751353041310:instance/*';
    for (const text of [JSON.stringify(buildSlackMessage(alert)), buildSnsMessage(alert).message, renderAlertText(alert)]) {
      expect(text).toMatch(/Also add to the permissions boundary of the role|also {6}add to the permissions boundary of the role/);
      expect(text).toContain(family);
      expect(text).not.toContain(member);
    }
  });
});
