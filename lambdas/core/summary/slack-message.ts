/**
 * An alert as a Slack incoming-webhook message (Block Kit), with a plain-text fallback.
 *
 * Every event-derived string goes through `untrustedInline`/`untrustedBlock` (see `escape.ts`). Block Kit limits
 * (50 blocks, 3000 characters per section text, 10 fields of 2000, header 150) are kept by cutting with a marker.
 */
import type { AlertSummary, ValueCount } from '../alert.js';
import { cloudTrailEventLink } from './cloudtrail-link.js';
import { cut, escapeMrkdwn, untrustedBlock, untrustedInline } from './escape.js';
import { remedyFor, simulateCommand } from './remedy.js';
import { sparkline } from './sparkline.js';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, fields: 10, fieldText: 2000, header: 150, fallbackText: 3000 } as const;

type TextObject = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** A webhook payload. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const REASON: Record<AlertSummary['reason'], string> = { threshold: 'Denial spike', escalation: 'Denial spike escalating', 'first-seen': 'New denial' };

/** Renders an alert for Slack. */
export function buildSlackMessage(alert: AlertSummary): SlackMessage {
  const remedy = remedyFor(alert);
  const command = simulateCommand(alert, remedy);
  const principal = alert.principalArn ?? `unknown principal (account ${alert.accountId ?? '?'})`;
  const layer = alert.denyLayer === 'unknown' ? 'unknown layer' : alert.denyLayer;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${REASON[alert.reason]}: ${alert.action} denied ${alert.count}× in ${alert.windowMinutes} min`, SLACK_LIMITS.header) } },
    {
      type: 'section',
      text: mrkdwn(`*Account* ${untrustedInline(alert.accountId)}   *Principal* ${untrustedInline(principal, 400)}   *Action* ${untrustedInline(alert.action)}`),
    },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Resource*\n${untrustedInline(alert.resource ?? 'unknown', 600)}`),
        mrkdwn(`*Layer that denied*\n${escapeMrkdwn(layer)} (${alert.denyKind} deny)${alert.policyArn ? `\n${untrustedInline(alert.policyArn, 400)}` : ''}`),
        mrkdwn(`*Denials*\n${alert.count} in ${alert.windowMinutes} min, ${alert.totalCount} since first seen (baseline ${alert.baseline}/window)`),
        mrkdwn(`*First / last seen*\n${escapeMrkdwn(alert.firstSeen)}\n${escapeMrkdwn(alert.lastSeen)}`),
        mrkdwn(`*Region*\n${untrustedInline(alert.region)}`),
        mrkdwn(`*Source IPs*\n${valueList(alert.sourceIps)}`),
        mrkdwn(`*User agents*\n${valueList(alert.userAgents)}`),
        mrkdwn(`*Sessions*\n${valueList(alert.sessionNames)}`),
      ].map((field) => ({ ...field, text: cut(field.text, SLACK_LIMITS.fieldText) })),
    },
    { type: 'section', text: mrkdwn(`*Denials per minute, last hour*\n\`${sparkline(alert.countsPerMinute)}\``) },
  ];
  if (alert.errorMessage) blocks.push({ type: 'section', text: mrkdwn(`*Error message*\n${untrustedBlock(alert.errorMessage, 2600)}`) });
  if (remedy.kind === 'allow') {
    const note = remedy.resourceKnown ? '' : '\n_The record does not name the resource: replace the placeholder with its ARN; do not use `*`._';
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Least-privilege fix*: add to ${escapeMrkdwn(remedy.where)}\n${untrustedBlock(JSON.stringify(remedy.statement, null, 2), 2200)}${note}`),
    });
  } else if (remedy.kind === 'narrow-deny') {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*Explicit deny*: a Deny statement in ${escapeMrkdwn(remedy.where)}${remedy.policyArn ? ` (${untrustedInline(remedy.policyArn, 400)})` : ''} refuses this request, and no Allow can override it. Find the statement that matches ${untrustedInline(alert.action)} on ${untrustedInline(alert.resource ?? 'this resource', 400)} and narrow it, or confirm the denial is intended.`,
      ),
    });
  } else {
    blocks.push({ type: 'section', text: mrkdwn(`*Fix*: ${escapeMrkdwn(remedy.reason)}`) });
  }
  if (alert.diagnosis) blocks.push(...diagnosisBlocks(alert));
  if (command) blocks.push({ type: 'section', text: mrkdwn(`*Verify the fix*\n${untrustedBlock(command, 2600)}`) });
  const link = alert.sampleEventIds[0] ? cloudTrailEventLink(alert.region, alert.sampleEventIds[0]) : null;
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `fingerprint ${untrustedInline(alert.fingerprint)} · ${escapeMrkdwn(alert.reason)}${link ? ` · <${link}|sample event in CloudTrail>` : ''} · sample events ${alert.sampleEventIds.slice(0, 3).map((id) => untrustedInline(id, 80)).join(' ')}`,
      ),
    ],
  });
  return fitBlockKit({ text: fallbackText(alert, principal, layer), blocks });
}

function diagnosisBlocks(alert: AlertSummary): SlackBlock[] {
  const diagnosis = alert.diagnosis!;
  const lines = [`*Policy check*: ${escapeMrkdwn(diagnosis.summary)}`];
  if (diagnosis.denyingStatement) {
    const ref = diagnosis.denyingStatement;
    lines.push(`Denying statement ${untrustedInline(ref.sid ?? '(no Sid)')} in ${untrustedInline(ref.policyArn ?? ref.policy, 300)}:`);
    lines.push(untrustedBlock(JSON.stringify(ref.statement, null, 2), 1500));
  }
  if (diagnosis.denyChange) lines.push(`Change: ${untrustedInline(diagnosis.denyChange.instruction, 400)}`);
  for (const change of diagnosis.changes.slice(0, 3)) {
    lines.push(`Add to ${escapeMrkdwn(change.where)}:`, untrustedBlock(JSON.stringify(change.statement), 600));
  }
  if (diagnosis.managedPolicies.length > 0) {
    lines.push(`Managed policies that grant it: ${diagnosis.managedPolicies.map((match) => `${untrustedInline(match.name)} (via ${untrustedInline(match.grantedBy)})`).join(', ')}`);
  }
  if (diagnosis.decodedAuthorization) {
    const decoded = diagnosis.decodedAuthorization;
    const matched = decoded.matchedStatements.map((item) => `${untrustedInline(item.effect ?? '?')} ${untrustedInline(item.sid ?? '(no Sid)')} in ${untrustedInline(item.policy ?? 'unknown policy', 200)}`);
    lines.push(`Decoded authorization message: ${decoded.explicitDeny ? 'explicit deny' : 'no explicit deny'}${matched.length ? `; matched ${matched.join(', ')}` : ''}`);
  }
  if (diagnosis.dependsOn.length > 0) lines.push(`Depends on: ${diagnosis.dependsOn.map((key) => untrustedInline(key)).join(', ')}`);
  if (diagnosis.notChecked.length > 0) lines.push(`_Not checked: ${escapeMrkdwn(diagnosis.notChecked.join('; '))}_`);
  return [{ type: 'section', text: mrkdwn(lines.join('\n')) }];
}

function mrkdwn(text: string): TextObject {
  return { type: 'mrkdwn', text };
}

function valueList(values: readonly ValueCount[]): string {
  if (values.length === 0) return '_none_';
  return values.slice(0, 3).map((entry) => `${untrustedInline(entry.value, 150)} ×${entry.count}`).join('\n');
}

function fallbackText(alert: AlertSummary, principal: string, layer: string): string {
  const text = `${REASON[alert.reason]}: ${principal} was denied ${alert.action} on ${alert.resource ?? 'an unknown resource'} ${alert.count} times in ${alert.windowMinutes} min (${layer}, ${alert.denyKind} deny), account ${alert.accountId ?? 'unknown'}`;
  return escapeMrkdwn(cut(text.replace(/[\u0000-\u001f]/g, ' '), SLACK_LIMITS.fallbackText));
}

/** Cuts a message to Block Kit's limits, with a visible marker wherever something was cut. */
export function fitBlockKit(message: SlackMessage): SlackMessage {
  let blocks = message.blocks.map((block): SlackBlock => {
    if (block.type === 'section') {
      return {
        ...block,
        ...(block.text ? { text: { ...block.text, text: cut(block.text.text, SLACK_LIMITS.sectionText) } } : {}),
        ...(block.fields ? { fields: block.fields.slice(0, SLACK_LIMITS.fields).map((field) => ({ ...field, text: cut(field.text, SLACK_LIMITS.fieldText) })) } : {}),
      };
    }
    if (block.type === 'header') return { ...block, text: { ...block.text, text: cut(block.text.text, SLACK_LIMITS.header) } };
    return block;
  });
  if (blocks.length > SLACK_LIMITS.blocks) {
    blocks = [...blocks.slice(0, SLACK_LIMITS.blocks - 1), { type: 'context', elements: [mrkdwn(`…(cut: ${blocks.length - SLACK_LIMITS.blocks + 1} more blocks)`)] }];
  }
  return { text: message.text, blocks };
}
