/**
 * An alert as a Slack incoming-webhook message (Block Kit), laid out for a phone: what to do first, then the facts.
 *
 * - Top level: a header (severity emoji, action, count, principal's short name) and the lead: "Investigate before
 *   granting" with the triage reasons when a signal fired, else the fix in one line.
 * - An attachment with the severity's colour bar: who, what (the fix's scope), when (to the second, with a sparkline
 *   only when it shows something), layer, window-wide sources; what changed before the spike; the fix (below the
 *   triage when investigating first) with managed policies that grant the action; the policy check; the verify
 *   command; the decoded authorization message or the command that decodes it; buttons (CloudTrail, authorization
 *   details, history); a footer with ids and the history command.
 *
 * Every event-derived string goes through `escape.ts` (code spans for values, escaped prose elsewhere), every mrkdwn
 * object is `verbatim`, and a last pass ({@link fitBlockKit}) keeps Block Kit's limits and removes invisible
 * characters from everything.
 */
import type { AlertSummary, ChangeLink, TopValues } from '../alert.js';
import type { Diagnosis } from '../iam-policy/diagnose.js';
import { alertFacts, type AlertFacts, type RenderOptions } from './alert-facts.js';
import { cutEscaped, cutMrkdwn, escapeMrkdwn, sanitizeOutput, slackCode, slackCodeBlock, slackPlain, slackProse } from './escape.js';
import { layerLabel } from './labels.js';
import type { PlacedStatement } from './least-privilege.js';
import type { Phrase } from './phrase.js';
import { formatLeadTime } from './time.js';
import { blindingSlackMessage } from './blinding.js';

/** Block Kit's limits. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fields: 10, fieldText: 2000, header: 150, contextElements: 10, fallbackText: 3000, buttons: 25, buttonText: 75, url: 3000 } as const;

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji: boolean;
}
/** A link button (opens a URL; needs no interactivity endpoint). */
export interface SlackButton {
  type: 'button';
  text: PlainText;
  url: string;
  action_id: string;
  style?: 'primary' | 'danger';
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: MrkdwnText; fields?: MrkdwnText[] }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'actions'; elements: SlackButton[] }
  | { type: 'divider' };

/** A secondary attachment: its blocks beside a colour bar. */
export interface SlackAttachment {
  color: string;
  blocks: SlackBlock[];
}

/** An incoming-webhook payload. */
export interface SlackMessage {
  /** Plain fallback shown in notifications and by clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
  /** The detail, beside the severity's colour bar. */
  attachments?: SlackAttachment[];
}

/**
 * Renders an alert for Slack.
 *
 * @example await sender.send(buildSlackMessage(alert))
 */
export function buildSlackMessage(alert: AlertSummary, options: RenderOptions = {}): SlackMessage {
  if (alert.blinding) return blindingSlackMessage(alert, alert.blinding);
  const facts = alertFacts(alert, options);
  const top: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', emoji: false, text: slackPlain(`${facts.style.emoji} ${facts.headline}`, SLACK_LIMITS.header) } }, section(leadText(facts))];
  const detail: SlackBlock[] = [section(factsText(facts))];
  if (facts.changes.length > 0) detail.push(section(changesText(facts.changes)));
  const fix = fixText(facts);
  if (fix) detail.push(section(fix));
  if (alert.diagnosis) detail.push(section(diagnosisText(facts, alert.diagnosis)));
  // Investigating first, verifying a grant is not the first thing to do: on a phone its command costs a fifth of a
  // screen. SNS, the terminal and JSON carry it; the footer says so. The decoding stays (it helps the investigation),
  // in small print.
  if (facts.triage.investigateFirst) {
    if (facts.decoding?.kind === 'decoded') detail.push(section(slackProse(facts.decoding.summary, 600)));
    if (facts.decoding?.kind === 'command') detail.push({ type: 'context', elements: [mrkdwn(`Decode the authorization message: ${slackCode(facts.decoding.command, 1200)}`)] });
  } else {
    const commands = commandsText(facts);
    if (commands) detail.push(section(commands));
  }
  if (alert.denyLayer === 'unknown' && alert.denyKind === 'unknown' && facts.errorMessage) detail.push({ type: 'context', elements: [mrkdwn(`AWS said: ${slackCode(facts.errorMessage, 160)}`)] });
  const buttons = buttonsOf(facts);
  if (buttons.length > 0) detail.push({ type: 'actions', elements: buttons });
  detail.push({ type: 'context', elements: [mrkdwn(footerText(facts))] });
  return fitBlockKit({ text: fallbackText(facts), blocks: top, attachments: [{ color: facts.style.colour, blocks: detail }] });
}

function leadText(facts: AlertFacts): string {
  const lines: string[] = [];
  if (facts.triage.investigateFirst) {
    // One line on a phone: the severity is in the header's emoji and the colour bar too.
    lines.push(`*🚨 Investigate before granting* · *${facts.severity}*`);
    for (const signal of facts.triage.signals.slice(0, 4)) lines.push(`• ${slackProse(signal.reason, 240)}`);
  } else {
    const notes = facts.triage.signals.map((signal) => `_Note_: ${slackProse(signal.reason, 200)}`).join(' ');
    lines.push(fixStatementText(facts, '*Fix*: '));
    if (notes) lines.push(notes);
  }
  if (facts.alert.regression === 'new-failure') lines.push('*Regression*: this used to succeed.');
  if (facts.alert.regression === 'new-caller') lines.push('*New caller*: this principal was never seen doing this before.');
  return lines.join('\n');
}

function factsText(facts: AlertFacts): string {
  const alert = facts.alert;
  const typeShown = alert.principalType && !/^(?:AssumedRole|IAMUser)$/.test(alert.principalType) ? ` (${slackProse(alert.principalType, 40)})` : '';
  const regionShown = alert.region && !(alert.resource ?? '').includes(`:${alert.region}:`) ? ` in ${slackCode(alert.region, 40)}` : '';
  const lines = [
    `*Who* ${slackCode(alert.principalArn, 400, '_unknown (not in the record)_')}${typeShown}${sessionText(facts.sessionNames)}`,
    `*Resource* ${phraseMrkdwn(facts.resourceLine, 400)}${regionShown}`,
    `*When* ${slackProse(facts.when, 200)}${facts.sparkline ? ` ${slackCode(facts.sparkline.bars, 80)}` : ''}${alert.totalCount > alert.count ? ` · ${alert.totalCount} in total` : ''}`,
    `*Layer* ${escapeMrkdwn(layerText(alert))}${alert.policyArn ? ` ${slackCode(alert.policyArn, 400)}` : ''}`,
    `*From* ${topText(facts.sourceIps, 60)}`,
    `*Agent* ${topText(facts.userAgents, 70, 2)}`,
  ];
  return lines.join('\n');
}

function sessionText(sessions: TopValues): string {
  if (sessions.top.length === 0) return '';
  const first = sessions.top[0]!;
  return ` · session ${slackCode(first.value, 80)}${sessions.distinct > 1 ? ` and ${sessions.distinct - 1} more` : ''}`;
}

function topText(values: TopValues, max: number, show = 3): string {
  if (values.top.length === 0) return '_none_';
  const shown = values.top.slice(0, show).map((entry) => `${slackCode(entry.value, max)} ×${entry.count}`);
  const hidden = values.top.slice(show).reduce((sum, entry) => sum + entry.count, 0) + values.others;
  if (hidden > 0) shown.push(`${values.distinct - Math.min(show, values.top.length)} more ×${hidden}`);
  return shown.join(' · ');
}

function changesText(changes: readonly ChangeLink[]): string {
  const lines = ['*What changed* before the first denial:'];
  for (const change of changes) {
    const when = formatLeadTime(change.minutesBeforeFirstDenial);
    const summary = slackProse(change.summary, 200);
    const url = change.consoleUrl && /^https:\/\/[^\s<>|]+$/.test(change.consoleUrl) ? change.consoleUrl : null;
    // Slack reads `&` in a link as the start of an entity: the URL's own `&` is written `&amp;`.
    lines.push(`• ${when}: ${url ? `<${url.replace(/&/g, '&amp;')}|${summary}>` : summary}${change.exactness === 'any-in-organization' ? ' (somewhere in the organization)' : ''}`);
  }
  return lines.join('\n');
}

/** The fix (statement or explicit-deny pointer) with its notes: in the lead, or below the triage when investigating. */
function fixStatementText(facts: AlertFacts, heading: string): string {
  const fix = facts.fix;
  const lines: string[] = [];
  if (fix.kind === 'none') lines.push(`${heading}${slackProse(fix.reason, 600)}`);
  else if (fix.kind === 'explicit-deny') {
    lines.push(
      `${facts.triage.investigateFirst ? heading : ''}*Explicit deny*: no Allow can override it. Find the Deny matching ${slackCode(fix.action)} in ${phraseMrkdwn(fix.lookAt, 300)}${fix.policyArn ? `, policy ${slackCode(fix.policyArn, 400)}` : ''}; narrow it, or confirm the denial is intended.`,
    );
    if (fix.showPolicyCommand) lines.push(`Show the policy:\n${slackCodeBlock(fix.showPolicyCommand, 800)}`);
  } else if (facts.triage.investigateFirst) {
    // Investigating first, the grant is the second thing to read: one line names it, SNS and the terminal carry the
    // statement (a code block costs a sixth of a phone screen).
    const actions = [(fix.primary.statement as { Action?: string | string[] }).Action ?? []].flat().join(', ');
    lines.push(`${heading}allow ${slackCode(actions, 200)} on it in ${phraseMrkdwn(whereOf(fix.primary, facts.alert.principalArn), 300)}`);
  } else {
    lines.push(`${heading}add to ${placedMrkdwn(fix.primary, facts.alert.principalArn)}`);
    for (const extra of fix.also) lines.push(`and to ${placedMrkdwn(extra, facts.alert.principalArn)}`);
    // Investigating first, the notes on shaping the grant wait (SNS and the terminal carry them).
    if (!facts.triage.investigateFirst) for (const note of fix.notes) lines.push(slackProse(note, 400));
  }
  return lines.join('\n');
}

/** Below the facts: the fix when investigating first, and the managed policies. */
function fixText(facts: AlertFacts): string | null {
  const lines: string[] = [];
  if (facts.triage.investigateFirst) lines.push(fixStatementText(facts, '*If it is legitimate*: '));
  if (facts.managedPolicies.length > 0) {
    // Two on a phone (the names are long), one when investigating first; SNS, the terminal and JSON carry all of them.
    const list = facts.managedPolicies.slice(0, facts.triage.investigateFirst ? 1 : 2).map((match) => `${slackCode(match.name, 100)}${match.conditional ? ' (conditional)' : ''}`).join(', ');
    // Investigating first, the grant is one sentence: the managed policy ends it rather than taking a line.
    if (facts.triage.investigateFirst && facts.fix.kind === 'allow' && lines.length > 0) lines[lines.length - 1] += `, *or attach* ${list}`;
    else lines.push(`*Or attach* ${list}`);
    if (facts.managedPoliciesCaveat) lines.push(escapeMrkdwn(facts.managedPoliciesCaveat));
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

/** A statement and where it goes; the principal (already in full under Who) by its short `role/name`. */
function placedMrkdwn(placed: PlacedStatement, principalArn: string | null): string {
  return `${phraseMrkdwn(whereOf(placed, principalArn), 300)}:\n${slackCodeBlock(JSON.stringify(placed.statement, null, 1).replace(/\n\s*/g, ' '), 1400)}`;
}

/** Where a statement goes, naming the principal by its short `role/name`. */
function whereOf(placed: PlacedStatement, principalArn: string | null): Phrase {
  return placed.where.map((part) => (typeof part !== 'string' && part.value === principalArn ? { value: shortArn(part.value) } : part));
}

/** `arn:aws:iam::1:role/x` → `role/x`. */
function shortArn(arn: string): string {
  const match = /^arn:[^:]+:iam::\d{12}:(.+)$/.exec(arn);
  return match ? match[1]! : arn;
}

function phraseMrkdwn(phrase: Phrase, max = 600): string {
  return phrase.map((part) => (typeof part === 'string' ? escapeMrkdwn(part) : slackCode(part.value, max))).join('');
}

function diagnosisText(facts: AlertFacts, diagnosis: Diagnosis): string {
  const by = facts.verdict ? ` (${facts.verdict.decidedBy})` : '';
  const lines = [`*Policy check*${by}: ${slackProse(facts.diagnosisSummary ?? diagnosis.summary, 600)}`];
  for (const ref of facts.verdict?.matched ?? []) {
    lines.push(`AWS matched ${slackCode(ref.effect, 20)} ${slackCode(ref.sid, 100, '(no Sid)')} in ${slackCode(ref.policy, 300)}${ref.layer ? ` (${escapeMrkdwn(ref.layer)})` : ''}`);
  }
  if (facts.verdict && facts.verdict.more > 0) lines.push(`and ${facts.verdict.more} more matched statements`);
  if (diagnosis.denyingStatement) {
    const ref = diagnosis.denyingStatement;
    lines.push(`Denying statement ${slackCode(ref.sid, 100, '(no Sid)')} in ${slackCode(ref.policyArn ?? ref.policy, 300)}:`, slackCodeBlock(JSON.stringify(ref.statement), 900));
  }
  if (diagnosis.denyChange) lines.push(`Change: ${slackProse(diagnosis.denyChange.instruction, 500)}`);
  for (const change of facts.otherLayerChanges) lines.push(`Also add to ${slackProse(change.where, 300)}:`, slackCodeBlock(JSON.stringify(change.statement), 700));
  if (diagnosis.dependsOn.length > 0) lines.push(`Depends on: ${diagnosis.dependsOn.slice(0, 6).map((key) => slackCode(key, 80)).join(', ')}`);
  if (diagnosis.notChecked.length > 0 && diagnosis.decision !== 'allowed') lines.push(`Not checked: ${slackProse(diagnosis.notChecked.join('; '), 400)}`);
  return lines.join('\n');
}

function commandsText(facts: AlertFacts): string | null {
  const lines: string[] = [];
  if (facts.simulate) lines.push(`${facts.fix.kind === 'explicit-deny' ? '*Confirm the deny*' : '*Verify*'}\n${slackCodeBlock(facts.simulate, 1400)}`);
  if (facts.decoding?.kind === 'decoded') lines.push(slackProse(facts.decoding.summary, 600));
  if (facts.decoding?.kind === 'command') lines.push(`*Decode the authorization message*\n${slackCodeBlock(facts.decoding.command, 1200)}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

function buttonsOf(facts: AlertFacts): SlackButton[] {
  const buttons: SlackButton[] = [];
  if (facts.links.cloudTrail) buttons.push(button('CloudTrail event', facts.links.cloudTrail, 'open-cloudtrail'));
  if (facts.links.authorizationDetails) buttons.push(button('Authorization details', facts.links.authorizationDetails, 'open-authorization-details'));
  if (facts.links.history) buttons.push(button('History', facts.links.history, 'open-history'));
  return buttons;
}

function button(text: string, url: string, actionId: string): SlackButton {
  return { type: 'button', text: { type: 'plain_text', text, emoji: false }, url, action_id: actionId };
}

function footerText(facts: AlertFacts): string {
  const alert = facts.alert;
  const parts = [`History: ${slackCode(facts.historyCommand, 200)}`];
  if (facts.triage.investigateFirst && facts.simulate) parts.push(facts.fix.kind === 'allow' ? 'full fix: SNS, terminal' : `${facts.fix.kind === 'explicit-deny' ? 'confirm' : 'verify'} command: SNS, terminal`);
  if (alert.route) parts.push(`route ${slackCode(alert.route, 80)}`);
  return parts.join(' · ');
}

function fallbackText(facts: AlertFacts): string {
  const lead = facts.triage.investigateFirst ? 'investigate before granting' : facts.fix.kind === 'explicit-deny' ? 'explicit deny' : 'fix below';
  return slackProse(`${facts.style.emoji} ${facts.severity}: ${facts.headline} in account ${facts.alert.accountId ?? 'unknown'}: ${lead}`, SLACK_LIMITS.fallbackText - 200);
}

function layerText(alert: AlertSummary): string {
  if (alert.denyLayer === 'unknown') return alert.denyKind === 'unknown' ? 'not named in the record' : `${alert.denyKind} deny, layer not named`;
  return `${layerLabel(alert.denyLayer)}, ${alert.denyKind === 'unknown' ? 'explicit or implicit not stated' : `${alert.denyKind} deny`}`;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Cuts a message to Block Kit's limits, with a visible marker wherever something was cut; strips invisible characters. */
export function fitBlockKit(message: SlackMessage): SlackMessage {
  const fitted: SlackMessage = { text: sanitizeOutput(cutMrkdwn(message.text, SLACK_LIMITS.fallbackText)), blocks: fitBlocks(message.blocks, SLACK_LIMITS.blocks) };
  if (message.attachments) {
    const room = SLACK_LIMITS.blocks - fitted.blocks.length;
    fitted.attachments = message.attachments.map((attachment) => ({ color: attachment.color, blocks: fitBlocks(attachment.blocks, Math.max(1, room)) }));
  }
  return fitted;
}

function fitBlocks(input: readonly SlackBlock[], maxBlocks: number): SlackBlock[] {
  const clean = (text: string, max: number): string => sanitizeOutput(cutMrkdwn(text, max));
  let blocks = input.map((block): SlackBlock => {
    switch (block.type) {
      case 'header':
        return { ...block, text: { ...block.text, text: sanitizeOutput(cutEscaped(block.text.text, SLACK_LIMITS.header)) } };
      case 'section': {
        const fitted: SlackBlock = { type: 'section' };
        if (block.text) fitted.text = { ...block.text, text: clean(block.text.text, SLACK_LIMITS.sectionText) };
        if (block.fields) fitted.fields = block.fields.slice(0, SLACK_LIMITS.fields).map((field) => ({ ...field, text: clean(field.text, SLACK_LIMITS.fieldText) }));
        return fitted;
      }
      case 'context':
        return { ...block, elements: block.elements.slice(0, SLACK_LIMITS.contextElements).map((element) => ({ ...element, text: clean(element.text, SLACK_LIMITS.sectionText) })) };
      case 'actions':
        return {
          ...block,
          elements: block.elements
            .filter((element) => element.url.length <= SLACK_LIMITS.url)
            .slice(0, SLACK_LIMITS.buttons)
            .map((element) => ({ ...element, text: { ...element.text, text: sanitizeOutput(cutEscaped(element.text.text, SLACK_LIMITS.buttonText)) } })),
        };
      case 'divider':
        return block;
    }
  });
  if (blocks.length > maxBlocks) {
    const dropped = blocks.length - maxBlocks + 1;
    blocks = [...blocks.slice(0, maxBlocks - 1), { type: 'context', elements: [mrkdwn(`…(cut: ${dropped} more block${dropped === 1 ? '' : 's'})`)] }];
  }
  return blocks;
}
