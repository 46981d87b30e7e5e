/**
 * The rendering of a blinding alert (a successful change that blinds the alerter) in Slack, SNS and the terminal:
 * "investigate before anything else", what the alerter no longer sees, who did it from where, and the command that
 * undoes it. Every value from the event is untrusted: escaped for Slack, flattened and sanitised everywhere.
 */
import type { AlertSummary, BlindingFacts } from '../alert.js';
import { cut, flatten, sanitizeOutput, slackCode, slackCodeBlock, slackPlain, slackProse } from './escape.js';
import { SEVERITY_STYLE } from './severity.js';
import { SNS_LIMITS, type SnsAlertMessage } from './sns.js';
import type { MrkdwnText, SlackBlock, SlackMessage } from './slack.js';
import { formatTime } from './time.js';

/** The lead every channel shows first. */
export const BLINDING_LEAD = 'INVESTIGATE BEFORE ANYTHING ELSE';

const one = (value: string | null | undefined, max = 300): string => cut(flatten(value ?? 'unknown'), max);

function who(facts: BlindingFacts): string {
  return `${one(facts.actorArn, 200)}${facts.actorSession ? ` (session ${one(facts.actorSession, 80)})` : ''}`;
}

/** The Slack message: header, lead, what, who/where/when, the undo command, the CloudTrail link. */
export function blindingSlackMessage(alert: AlertSummary, facts: BlindingFacts): SlackMessage {
  const style = SEVERITY_STYLE.critical;
  const md = (text: string): MrkdwnText => ({ type: 'mrkdwn', text, verbatim: true });
  const where = [`account ${slackCode(alert.accountId, 40)}`, alert.region ? slackCode(alert.region, 40) : null, slackProse(formatTime(facts.eventTime), 60)].filter(Boolean).join(' \u00b7 ');
  const lines = [
    `*\u{1F6A8} ${BLINDING_LEAD}* \u00b7 *critical*`,
    `*What* ${slackProse(facts.effect, 600)}`,
    `*Who* ${slackCode(facts.actorArn, 200)}${facts.actorSession ? ` session ${slackCode(facts.actorSession, 80)}` : ''}`,
    `*From* ${slackCode(facts.sourceIp, 60)}${facts.userAgent ? ` with ${slackCode(facts.userAgent, 120)}` : ''}`,
    `*Where* ${where}`,
  ];
  const undo = facts.undo.startsWith('aws ') ? `*Undo*\n${slackCodeBlock(facts.undo, 1500)}` : `*Undo* ${slackProse(facts.undo, 600)}`;
  const context = `${slackCode(facts.eventName, 80)} \u00b7 event ${slackCode(facts.eventId, 80)} \u00b7 MITRE ATT&amp;CK T1562.008`;
  const detail: SlackBlock[] = [{ type: 'section', text: md(undo) }];
  // The link is built from a checked Region and event id (cloudTrailEventLink), and goes in a button, never in text.
  if (facts.consoleUrl) detail.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', emoji: false, text: 'CloudTrail event' }, url: facts.consoleUrl, action_id: 'cloudtrail-event' }] });
  detail.push({ type: 'context', elements: [md(context)] });
  return {
    text: slackPlain(`${BLINDING_LEAD}: ${cut(flatten(facts.effect), 200)}`, 300),
    blocks: [{ type: 'header', text: { type: 'plain_text', emoji: false, text: slackPlain(`${style.emoji} The alerter is being blinded: ${facts.eventName}`, 150) } }, { type: 'section', text: md(lines.join('\n')) }],
    attachments: [{ color: style.colour, blocks: detail }],
  };
}

/** The lines of SNS and the terminal (the same facts, plain). */
function plainLines(alert: AlertSummary, facts: BlindingFacts): Array<[string, string]> {
  return [
    ['what', one(facts.effect, 600)],
    ['who', who(facts)],
    ['from', `${one(facts.sourceIp, 60)}${facts.userAgent ? ` (${one(facts.userAgent, 120)})` : ''}`],
    ['where', `account ${one(alert.accountId, 20)}, ${one(alert.region, 30)}, ${formatTime(facts.eventTime)}`],
    ['undo', one(facts.undo, 1500)],
    ['event', `${one(facts.eventName, 80)} ${one(facts.eventId, 80)}${facts.consoleUrl ? ` ${facts.consoleUrl}` : ''}`],
  ];
}

/** The SNS message: an ASCII subject, the same lead and facts, the attributes routes and filters read. */
export function blindingSnsMessage(alert: AlertSummary, facts: BlindingFacts): SnsAlertMessage {
  const subject = cut(`[critical] ALERTER BLINDED: ${flatten(facts.eventName)} in ${flatten(alert.accountId ?? 'unknown account')}`.replace(/[^\x20-\x7e]/g, '?'), SNS_LIMITS.subject, '...');
  const body = [BLINDING_LEAD, `${facts.eventName} blinds the alerter (MITRE ATT&CK T1562.008).`, '', ...plainLines(alert, facts).map(([label, value]) => `${`${label}:`.padEnd(7)}${value}`)].join('\n');
  const attribute = (value: string | null) => sanitizeOutput(cut(flatten(value ?? '').trim(), SNS_LIMITS.attributeValue)) || 'unknown';
  return {
    subject,
    message: sanitizeOutput(cut(body, SNS_LIMITS.message)),
    attributes: {
      account: attribute(alert.accountId),
      principalType: attribute(alert.principalType),
      action: attribute(alert.action),
      layer: alert.denyLayer,
      denyKind: alert.denyKind,
      severity: 'critical',
      reason: 'blinding',
      investigate: 'true',
      signals: 'blinding',
    },
  };
}

/** The terminal lines (replay). */
export function blindingText(alert: AlertSummary, facts: BlindingFacts, color: boolean): string {
  const red = (text: string) => (color ? `\u001b[1;31m${text}\u001b[0m` : text);
  const lines = [`${red('[BLINDING/critical]')} ${one(facts.eventName, 80)} by ${who(facts)}`, `  ${red(BLINDING_LEAD)}`];
  for (const [label, value] of plainLines(alert, facts)) lines.push(`  ${label.padEnd(9)} ${value}`);
  lines.push(`  ${'id'.padEnd(9)} ${alert.alertId}`);
  // The colour codes are ours; sanitizeOutput leaves them and removes whatever the event smuggled in.
  return `${sanitizeOutput(lines.join('\n'))}\n`;
}
