import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { CUT_MARKER } from '../../lambdas/core/render/escape.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { ec2GetPasswordData } from './alerts.js';
import { allTexts, expectWithinBlockKit, outsideCode } from './block-kit.js';

const LIVE = ['<!channel>', '<!here>', '<!everyone>', '<@U123>', '<#C123|general>', '<!subteam^S123>', '<https://evil.example|click>'];
const HOSTILE = `${LIVE.join(' ')} \`break\`out\` \`\`\`fence *bold* _italic_ ~strike~ @here @channel &amp; line\nbreak \u001b[31mred\u0007`;
const HUGE = `<!channel>${'A'.repeat(10 * 1024)}<@U999>`;

/** Every string of the alert written by an attacker (a real record can carry any of them). */
const hostile: AlertSummary = {
  ...ec2GetPasswordData,
  fingerprint: HOSTILE,
  accountId: HOSTILE,
  principalArn: `arn:aws:iam::457448411975:role/${HOSTILE}`,
  principalType: HOSTILE,
  action: `ec2:${HOSTILE}`,
  resource: `arn:aws:s3:::bucket/${HOSTILE}`,
  resourceFamily: `arn:aws:s3:::bucket/${HOSTILE}/*`,
  denyLayer: 'scp',
  denyKind: 'explicit',
  policyArn: HOSTILE,
  region: HOSTILE,
  eventSource: HOSTILE,
  firstSeen: HOSTILE,
  lastSeen: HOSTILE,
  sampleEventIds: [HOSTILE, HUGE],
  errorMessage: `${HOSTILE} ${HUGE}`,
  sessionNames: [{ value: HOSTILE, count: 3 }, { value: HUGE, count: 2 }],
  sourceIps: [{ value: HOSTILE, count: 3 }],
  userAgents: [{ value: HUGE, count: 9 }, { value: HOSTILE, count: 1 }],
};
const implicitHostile: AlertSummary = { ...hostile, denyLayer: 'resource-policy', denyKind: 'implicit', action: 'ec2:GetPasswordData' };

describe('hostile event text cannot reach Slack live', () => {
  it.each([
    ['explicit deny, every field hostile', hostile],
    ['implicit deny with a hostile resource and principal', implicitHostile],
    ['a hostile event id with a valid Region (the console link)', { ...hostile, region: 'eu-west-1' }],
  ])('%s', (_, alert) => {
    const message = buildSlackMessage(alert);
    expectWithinBlockKit(message);
    const header = message.blocks[0]!.type === 'header' ? message.blocks[0].text.text : null;
    // The header is plain_text (no formatting there); every other text is mrkdwn.
    const texts = allTexts(message).filter((text) => text !== header);
    const ownLink = /<https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=eu-west-1#\/events\/[A-Za-z0-9%._~!*'()-]+\|Open the sample event in CloudTrail>/;
    for (const text of texts) {
      const withoutOwnLink = text.replace(ownLink, '');
      // No control sequence at all: every < and > from the event is an entity.
      expect(withoutOwnLink).not.toMatch(/[<>]/);
      for (const live of LIVE) expect(text).not.toContain(live);
      // A backtick from the event never closes a code span: outside code, none of the event's markup is left.
      for (const part of outsideCode(text)) {
        expect(part).not.toMatch(/\*bold\*|_italic_|~strike~|@here|@channel|break`out/);
        expect(part).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      }
      expect(text.split('```').length % 2).toBe(1);
      expect(text.replace(/```/g, '').split('`').length % 2).toBe(1);
    }
    const json = JSON.stringify(message);
    // The values are shown (escaped), not dropped, and the 10 KB ones are cut visibly.
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('&lt;https://evil.example|click&gt;');
    expect(json).toContain(CUT_MARKER);
    expect(json).not.toContain('A'.repeat(3000));
    // No raw control character anywhere (a JSON-escaped one inside a statement is just text).
    for (const text of allTexts(message)) expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('the hostile header is plain text with its entities escaped and its length kept', () => {
    const header = buildSlackMessage(hostile).blocks[0]!;
    expect(header.type).toBe('header');
    if (header.type !== 'header') return;
    expect(header.text.text).not.toMatch(/[<>]/);
    expect(header.text.text).toContain('&lt;!channel&gt;');
    expect(header.text.text).not.toMatch(/@here|@channel/);
  });

  it('SNS: an ASCII one-line subject under 100 characters, no control characters in body or attributes', () => {
    const sns = buildSnsMessage(hostile);
    expect(sns.subject.length).toBeLessThan(100);
    expect(sns.subject).toMatch(/^[\x20-\x7e]+$/);
    expect(sns.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(sns.message).toContain(CUT_MARKER);
    expect(sns.message.length).toBeLessThan(40_000);
    for (const value of Object.values(sns.attributes)) {
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThanOrEqual(256);
      expect(value).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });

  it('terminal text: no escape sequence or bell reaches the terminal, and huge values are cut', () => {
    const text = renderAlertText(hostile);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text.length).toBeLessThan(5000);
    expect(text.split('\n').length).toBeLessThan(15);
  });

  it('the simulate command keeps a hostile quote inside its shell word', () => {
    // Not investigating first, so that Slack shows the verify command (an investigate-first alert leaves it to SNS).
    const alert: AlertSummary = { ...ec2GetPasswordData, principalArn: "arn:aws:iam::457448411975:role/x'; rm -rf ~; echo '", triage: { severity: 'low', investigateFirst: false, signals: [] } };
    const message = JSON.stringify(buildSlackMessage(alert));
    expect(message).toContain(`--policy-source-arn 'arn:aws:iam::457448411975:role/x'\\\\''; rm -rf ~; echo '\\\\'''`);
  });
});
