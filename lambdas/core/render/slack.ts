/**
 * An alert as a Slack incoming-webhook message (Block Kit), with a plain-text `text` fallback for notifications.
 *
 * Every event-derived string goes through `escape.ts` (code spans for values, escaped prose elsewhere); every mrkdwn
 * object is `verbatim` so Slack does not auto-link channel names or parse bare mentions in it. Block Kit limits
 * (50 blocks, 3000 characters per section text, 10 fields of 2000, header 150) are kept by cutting with a visible
 * marker ({@link fitBlockKit}).
 */
import type { AlertSummary, ValueCount } from '../alert.js';
import type { Diagnosis } from '../iam-policy/diagnose.js';
import { cloudTrailEventLink } from './cloudtrail-link.js';
import { cutEscaped, cutMrkdwn, escapeMrkdwn, slackCode, slackCodeBlock, slackPlain, slackProse } from './escape.js';
import { simulateCommand, suggestFix, type Fix, type PlacedStatement } from './least-privilege.js';
import type { Phrase } from './phrase.js';
import { severityOf } from './severity.js';
import { sparkline } from './sparkline.js';
import { layerLabel, principalName, reasonLabel } from './labels.js';

/** Block Kit's limits. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fields: 10, fieldText: 2000, header: 150, contextElements: 10, fallbackText: 3000 } as const;

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
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: MrkdwnText; fields?: MrkdwnText[] }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' };

/** An incoming-webhook payload. */
export interface SlackMessage {
  /** Plain fallback shown in notifications and by clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
}

/**
 * Renders an alert for Slack.
 *
 * @example await sender.send(buildSlackMessage(alert))
 */
export function buildSlackMessage(alert: AlertSummary): SlackMessage {
  const fix = suggestFix(alert);
  const command = simulateCommand(alert, fix);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', emoji: false, text: slackPlain(headerText(alert), SLACK_LIMITS.header) } },
    section(
      [
        `*${escapeMrkdwn(reasonLabel(alert.reason))}* (severity ${severityOf(alert)}): ${alert.count} denial${alert.count === 1 ? '' : 's'} in ${alert.windowMinutes} min (baseline ${formatNumber(alert.baseline)} per window)`,
        `*Principal* ${slackCode(alert.principalArn, 600, '_unknown (not in the record)_')}${alert.principalType ? ` (${slackProse(alert.principalType, 40)})` : ''}`,
      ].join('\n'),
    ),
    {
      type: 'section',
      fields: [
        `*Account*\n${slackCode(alert.accountId, 40, '_unknown_')}`,
        `*Action*\n${slackCode(alert.action, 200)}`,
        `*Resource*\n${slackCode(alert.resource, 800, '_unknown (not in the record)_')}${alert.resourceFamily && alert.resourceFamily !== alert.resource ? `\nfamily ${slackCode(alert.resourceFamily, 800)}` : ''}`,
        `*Layer*\n${escapeMrkdwn(layerLabel(alert.denyLayer))}, ${escapeMrkdwn(kindLabel(alert))}${alert.policyArn ? `\n${slackCode(alert.policyArn, 800)}` : ''}`,
        `*Denials*\n${alert.count} in ${alert.windowMinutes} min\n${alert.totalCount} since first seen`,
        `*First / last seen*\n${slackCode(alert.firstSeen, 40)}\n${slackCode(alert.lastSeen, 40)}`,
        `*Region*\n${slackCode(alert.region, 40, '_unknown_')}`,
        `*Source IPs*\n${valueList(alert.sourceIps, 100)}`,
        `*User agents*\n${valueList(alert.userAgents, 300)}`,
        `*Session names*\n${valueList(alert.sessionNames, 150)}`,
      ].map(mrkdwn),
    },
    section(`*Denials per minute*, last ${alert.countsPerMinute.length} min (peak ${Math.max(0, ...alert.countsPerMinute.filter(Number.isFinite))})\n\`${sparkline(alert.countsPerMinute) || '▁'}\``),
  ];
  if (alert.errorMessage) blocks.push(section(`*Error message*\n${slackCodeBlock(alert.errorMessage, 2000)}`));
  blocks.push(...fixBlocks(alert, fix));
  if (alert.diagnosis) blocks.push(section(diagnosisText(alert.diagnosis)));
  if (command) {
    const label = fix.kind === 'explicit-deny' ? '*Confirm the deny* (the simulation lists the matching statement)' : '*Verify the fix*';
    blocks.push(section(`${label}\n${slackCodeBlock(command, 2800)}`));
  }
  blocks.push({ type: 'context', elements: [mrkdwn(contextText(alert))] });
  return fitBlockKit({ text: fallbackText(alert), blocks });
}

function headerText(alert: AlertSummary): string {
  return `Denied ${alert.action} · ${principalName(alert)} · account ${alert.accountId ?? 'unknown'}`;
}

function kindLabel(alert: AlertSummary): string {
  return alert.denyKind === 'unknown' ? 'explicit or implicit not stated' : `${alert.denyKind} deny`;
}

function fixBlocks(alert: AlertSummary, fix: Fix): SlackBlock[] {
  if (fix.kind === 'none') return [section(`*Fix*: ${slackProse(fix.reason, 600)}`)];
  if (fix.kind === 'explicit-deny') {
    const lines = [
      `*Explicit deny*: no Allow can override it. Look for a Deny statement matching ${slackCode(fix.action)} on ${slackCode(alert.resource, 600, 'this resource')} in ${phraseMrkdwn(fix.lookAt)}${fix.policyArn ? `, policy ${slackCode(fix.policyArn, 600)}` : ''}. Narrow it, or confirm the denial is intended.`,
    ];
    if (fix.showPolicyCommand) lines.push(`Show the policy:\n${slackCodeBlock(fix.showPolicyCommand, 1200)}`);
    return [section(lines.join('\n'))];
  }
  const lines = [`*Least-privilege fix*: add to ${placedMrkdwn(fix.primary)}`];
  for (const extra of fix.also) lines.push(`and to ${placedMrkdwn(extra)}`);
  if (fix.familyResource) lines.push(`This alert groups denials on ${slackCode(fix.familyResource, 600)}: use it as Resource to allow them all.`);
  for (const note of fix.notes) lines.push(slackProse(note, 600));
  return [section(lines.join('\n'))];
}

function placedMrkdwn(placed: PlacedStatement): string {
  return `${phraseMrkdwn(placed.where)}:\n${slackCodeBlock(JSON.stringify(placed.statement, null, 2), 1400)}`;
}

function phraseMrkdwn(phrase: Phrase): string {
  return phrase.map((part) => (typeof part === 'string' ? escapeMrkdwn(part) : slackCode(part.value, 600))).join('');
}

function diagnosisText(diagnosis: Diagnosis): string {
  const lines = [`*Policy check*: ${slackProse(diagnosis.summary, 600)}`];
  if (diagnosis.denyingStatement) {
    const ref = diagnosis.denyingStatement;
    lines.push(`Denying statement ${slackCode(ref.sid, 100, '(no Sid)')} in ${slackCode(ref.policyArn ?? ref.policy, 400)}:`, slackCodeBlock(JSON.stringify(ref.statement, null, 2), 1200));
  }
  if (diagnosis.denyChange) lines.push(`Change in ${slackProse(diagnosis.denyChange.where, 400)}: ${slackProse(diagnosis.denyChange.instruction, 600)}`);
  for (const change of diagnosis.changes.slice(0, 3)) lines.push(`Add to ${slackProse(change.where, 400)}:`, slackCodeBlock(JSON.stringify(change.statement), 600));
  const managed = diagnosis.managedPolicies.filter((match) => !/^(?:AdministratorAccess|PowerUserAccess)$/.test(match.name));
  if (managed.length > 0) lines.push(`Managed policies that grant exactly this: ${managed.slice(0, 5).map((match) => `${slackCode(match.name, 100)} (via ${slackCode(match.grantedBy, 100)})`).join(', ')}`);
  if (diagnosis.decodedAuthorization) {
    const decoded = diagnosis.decodedAuthorization;
    const matched = decoded.matchedStatements.slice(0, 5).map((item) => `${slackCode(item.effect, 20, '?')} ${slackCode(item.sid, 100, '(no Sid)')} in ${slackCode(item.policy, 200, 'an unnamed policy')}`);
    lines.push(`Decoded authorization message: ${decoded.explicitDeny ? 'explicit deny' : 'no explicit deny'}${matched.length > 0 ? `; matched ${matched.join(', ')}` : ''}`);
  }
  if (diagnosis.dependsOn.length > 0) lines.push(`Depends on: ${diagnosis.dependsOn.slice(0, 10).map((key) => slackCode(key, 100)).join(', ')}`);
  if (diagnosis.notChecked.length > 0) lines.push(`Not checked: ${slackProse(diagnosis.notChecked.join('; '), 800)}`);
  return lines.join('\n');
}

function contextText(alert: AlertSummary): string {
  const link = cloudTrailEventLink(alert.region, alert.sampleEventIds[0]);
  const parts = [
    link ? `<${link}|Open the sample event in CloudTrail>` : 'No CloudTrail console link (Region or event id unknown)',
    `fingerprint ${slackCode(alert.fingerprint, 80)}`,
  ];
  if (alert.sampleEventIds.length > 0) parts.push(`sample events ${alert.sampleEventIds.slice(0, 3).map((id) => slackCode(id, 80)).join(' ')}`);
  return parts.join(' · ');
}

function fallbackText(alert: AlertSummary): string {
  const text = `${reasonLabel(alert.reason)}: ${alert.principalArn ?? `an unknown principal in account ${alert.accountId ?? 'unknown'}`} was denied ${alert.action} on ${alert.resource ?? 'an unknown resource'} ${alert.count} times in ${alert.windowMinutes} min (${layerLabel(alert.denyLayer)}, ${kindLabel(alert)}), account ${alert.accountId ?? 'unknown'}`;
  return slackProse(text, SLACK_LIMITS.fallbackText - 200);
}

function valueList(values: readonly ValueCount[], max: number): string {
  if (values.length === 0) return '_none_';
  const shown = values.slice(0, 3).map((entry) => `${slackCode(entry.value, max)} ×${entry.count}`);
  if (values.length > 3) shown.push(`and ${values.length - 3} more`);
  return shown.join('\n');
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Cuts a message to Block Kit's limits, with a visible marker wherever something was cut. */
export function fitBlockKit(message: SlackMessage): SlackMessage {
  let blocks = message.blocks.map((block): SlackBlock => {
    switch (block.type) {
      case 'header':
        return { ...block, text: { ...block.text, text: cutEscaped(block.text.text, SLACK_LIMITS.header) } };
      case 'section': {
        const fitted: SlackBlock = { type: 'section' };
        if (block.text) fitted.text = { ...block.text, text: cutMrkdwn(block.text.text, SLACK_LIMITS.sectionText) };
        if (block.fields) fitted.fields = block.fields.slice(0, SLACK_LIMITS.fields).map((field) => ({ ...field, text: cutMrkdwn(field.text, SLACK_LIMITS.fieldText) }));
        return fitted;
      }
      case 'context':
        return { ...block, elements: block.elements.slice(0, SLACK_LIMITS.contextElements).map((element) => ({ ...element, text: cutMrkdwn(element.text, SLACK_LIMITS.sectionText) })) };
      case 'divider':
        return block;
    }
  });
  if (blocks.length > SLACK_LIMITS.blocks) {
    const dropped = blocks.length - SLACK_LIMITS.blocks + 1;
    blocks = [...blocks.slice(0, SLACK_LIMITS.blocks - 1), { type: 'context', elements: [mrkdwn(`…(cut: ${dropped} more block${dropped === 1 ? '' : 's'})`)] }];
  }
  return { text: cutMrkdwn(message.text, SLACK_LIMITS.fallbackText), blocks };
}


