import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../lambdas/core/alert.js';
import { REPLACEMENT, sanitizeOutput, sanitizeText } from '../../lambdas/core/render/escape.js';
import { alertJson } from '../../lambdas/core/render/json.js';
import { buildSlackMessage } from '../../lambdas/core/render/slack.js';
import { buildSnsMessage } from '../../lambdas/core/render/sns.js';
import { renderAlertText } from '../../lambdas/core/render/text.js';
import { ec2GetPasswordDataWindow } from './alerts.js';
import { allTexts } from './block-kit.js';

/** Right-to-left override: `role/\u202Enimda` shows as "role/admin". */
const RLO = '\u202e';
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', RLO, '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];
const LONE_HIGH = '\ud83d';
const LONE_LOW = '\ude00';

const INVISIBLE = new RegExp(`[${BIDI.join('')}${ZERO_WIDTH.join('')}]`);
/** Our own zero-width space after `@` (it breaks `@here`) is the one allowed. */
const INVISIBLE_NOT_OURS = new RegExp(`[${BIDI.join('')}${ZERO_WIDTH.filter((char) => char !== '\u200b').join('')}]|(?<!@)\u200b`);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const tricky = `adm${RLO}nimda${'\u200b'}x${'\u2066'}y${'\u200d'}${LONE_HIGH}z${LONE_LOW}`;
/** A denial whose session name, user agent, principal and message carry invisible characters and lone surrogates. */
const alert: AlertSummary = {
  ...ec2GetPasswordDataWindow,
  principalArn: `arn:aws:iam::457448411975:role/${tricky}`,
  sessionNames: [{ value: tricky, count: 29 }],
  userAgents: [{ value: `aws-cli/2.0 ${tricky}`, count: 29 }],
  errorMessage: `denied ${tricky}`,
  window: { ...ec2GetPasswordDataWindow.window!, sessionNames: { top: [{ value: tricky, count: 29 }], others: 0, distinct: 1 }, userAgents: { top: [{ value: `ua ${tricky}`, count: 29 }], others: 0, distinct: 1 } },
};

function expectClean(text: string, where: string): void {
  expect(text, where).not.toMatch(INVISIBLE_NOT_OURS);
  expect(text, where).not.toMatch(LONE_SURROGATE);
  // What the AWS SDK does to a Publish body: a lone surrogate makes it throw (and the alert go to the dead letter).
  expect(() => encodeURIComponent(text), where).not.toThrow();
}

describe('invisible characters and lone surrogates never reach a reader or an API', () => {
  it('sanitizeText: bidi controls and lone surrogates become a visible mark, zero-width characters go', () => {
    expect(sanitizeText(`role/${RLO}nimda`)).toBe(`role/${REPLACEMENT}nimda`);
    expect(sanitizeText(`a${ZERO_WIDTH.join('')}b`)).toBe('ab');
    expect(sanitizeText(`x${LONE_HIGH}y${LONE_LOW}z`)).toBe(`x${REPLACEMENT}y${REPLACEMENT}z`);
    // A real surrogate pair (an emoji) is kept.
    expect(sanitizeText('ok 😀')).toBe('ok 😀');
    expect(sanitizeOutput(`@\u200bhere ${RLO}`)).toBe(`@\u200bhere ${REPLACEMENT}`);
    for (const char of [...BIDI, ...ZERO_WIDTH]) expect(sanitizeText(`a${char}b`)).not.toMatch(INVISIBLE);
  });

  it('Slack: no text object carries one', () => {
    const message = buildSlackMessage(alert);
    for (const text of allTexts(message)) expectClean(text, text.slice(0, 60));
    expect(JSON.stringify(message)).toContain(`adm${REPLACEMENT}nimda`);
  });

  it('SNS: subject, body and every attribute are clean (Publish would fail on a lone surrogate)', () => {
    const sns = buildSnsMessage({ ...alert, accountId: `4574${LONE_LOW}48411975`, principalType: `Assumed${RLO}Role` });
    expectClean(sns.subject, 'subject');
    expectClean(sns.message, 'body');
    for (const [name, value] of Object.entries(sns.attributes)) expectClean(value, name);
    expect(sns.attributes.principalType).toBe(`Assumed${REPLACEMENT}Role`);
  });

  it('terminal and JSON forms are clean', () => {
    expectClean(renderAlertText(alert), 'terminal');
    expectClean(renderAlertText(alert, { color: true }), 'terminal with colour');
    expectClean(JSON.stringify(alertJson(alert)), 'json');
  });
});
