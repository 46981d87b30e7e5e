/**
 * An alert as an SNS message: a subject under 100 printable-ASCII characters, a readable text body for email
 * subscribers, and String message attributes subscribers can filter on (`account`, `principalType`, `action`,
 * `layer`, `denyKind`, `severity`, `reason`).
 */
import type { AlertSummary, ValueCount } from '../alert.js';
import { cloudTrailEventLink } from './cloudtrail-link.js';
import { cut, flatten, flattenKeepingLines } from './escape.js';
import { layerLabel, principalName, reasonLabel } from './labels.js';
import { simulateCommand, suggestFix, type Fix, type PlacedStatement } from './least-privilege.js';
import { phraseText } from './phrase.js';
import { severityOf, type Severity } from './severity.js';
import { sparkline } from './sparkline.js';

/** SNS's limits: the subject is under 100 characters; a message at most 256 KB (we stay far below). */
export const SNS_LIMITS = { subject: 99, message: 100_000, attributeValue: 256 } as const;

/** The names of the message attributes, for filter policies. */
export const SNS_ATTRIBUTE_NAMES = ['account', 'principalType', 'action', 'layer', 'denyKind', 'severity', 'reason'] as const;
export type SnsAttributeName = (typeof SNS_ATTRIBUTE_NAMES)[number];

/** What `PublishCommand` needs, minus the topic. */
export interface SnsAlertMessage {
  subject: string;
  message: string;
  /** Every value is a non-empty string (SNS `DataType: 'String'`). */
  attributes: Record<SnsAttributeName, string>;
}

/** Renders an alert for SNS. */
export function buildSnsMessage(alert: AlertSummary): SnsAlertMessage {
  const severity = severityOf(alert);
  const fix = suggestFix(alert);
  const command = simulateCommand(alert, fix);
  const link = cloudTrailEventLink(alert.region, alert.sampleEventIds[0]);
  const lines = [
    `${reasonLabel(alert.reason)} (severity ${severity}): ${alert.count} denials in ${alert.windowMinutes} min from ${alert.windowStart} (baseline ${alert.baseline} per window), ${alert.totalCount} since first seen.`,
    '',
    row('Principal', `${one(alert.principalArn ?? 'unknown (not in the record)')}${alert.principalType ? ` (${one(alert.principalType)})` : ''}`),
    row('Account', one(alert.accountId ?? 'unknown')),
    row('Action', one(alert.action)),
    row('Resource', one(alert.resource ?? 'unknown (not in the record)', 1000)),
    ...(alert.resourceFamily && alert.resourceFamily !== alert.resource ? [row('Family', one(alert.resourceFamily, 1000))] : []),
    row('Layer', `${layerLabel(alert.denyLayer)}, ${alert.denyKind === 'unknown' ? 'explicit or implicit not stated' : `${alert.denyKind} deny`}`),
    ...(alert.policyArn ? [row('Policy', one(alert.policyArn, 1000))] : []),
    row('Region', one(alert.region ?? 'unknown')),
    row('First seen', one(alert.firstSeen)),
    row('Last seen', one(alert.lastSeen)),
    row('Per minute', `${sparkline(alert.countsPerMinute)} (last ${alert.countsPerMinute.length} min)`),
    row('Source IPs', values(alert.sourceIps, 100)),
    row('User agents', values(alert.userAgents, 300)),
    row('Session names', values(alert.sessionNames, 150)),
    '',
    'Error message:',
    indent(alert.errorMessage ? cut(flattenKeepingLines(alert.errorMessage), 2000) : 'none'),
    '',
    ...fixLines(alert, fix),
  ];
  if (alert.diagnosis) {
    const diagnosis = alert.diagnosis;
    lines.push('', `Policy check: ${one(diagnosis.summary, 1000)}`);
    if (diagnosis.denyingStatement) lines.push(`Denying statement in ${one(diagnosis.denyingStatement.policyArn ?? diagnosis.denyingStatement.policy, 500)}:`, indent(JSON.stringify(diagnosis.denyingStatement.statement, null, 2)));
    if (diagnosis.denyChange) lines.push(`Change in ${one(diagnosis.denyChange.where, 500)}: ${one(diagnosis.denyChange.instruction, 1000)}`);
    for (const change of diagnosis.changes.slice(0, 5)) lines.push(`Add to ${one(change.where, 500)}:`, indent(JSON.stringify(change.statement)));
    const managed = diagnosis.managedPolicies.filter((match) => !/^(?:AdministratorAccess|PowerUserAccess)$/.test(match.name));
    if (managed.length > 0) lines.push(`Managed policies that grant exactly this: ${managed.slice(0, 5).map((match) => `${one(match.name)} (via ${one(match.grantedBy)})`).join(', ')}`);
    if (diagnosis.notChecked.length > 0) lines.push(`Not checked: ${one(diagnosis.notChecked.join('; '), 1000)}`);
  }
  if (command) lines.push('', fix.kind === 'explicit-deny' ? 'Confirm the deny (the simulation lists the matching statement):' : 'Verify the fix:', indent(command));
  lines.push('', link ? `Sample event in CloudTrail: ${link}` : 'No CloudTrail console link (Region or event id unknown).');
  lines.push(`Fingerprint: ${one(alert.fingerprint)}; sample events: ${alert.sampleEventIds.slice(0, 5).map((id) => one(id, 100)).join(', ') || 'none'}`);
  return { subject: snsSubject(alert, severity), message: cut(lines.join('\n'), SNS_LIMITS.message), attributes: snsAttributes(alert, severity) };
}

/**
 * The subject: `[severity] action denied Nx for principal-name in account`, printable ASCII only, under 100
 * characters. When it does not fit, the account goes first (it is in the attributes and the body), then the principal
 * name is shortened (`...`).
 */
export function snsSubject(alert: AlertSummary, severity: Severity = severityOf(alert)): string {
  const head = ascii(`[${severity}] ${cut(alert.action, 50, '...')} denied ${alert.count}x for `);
  const tail = ascii(` in ${alert.accountId ?? 'unknown account'}`);
  const name = ascii(principalName(alert));
  if (head.length + name.length + tail.length <= SNS_LIMITS.subject) return `${head}${name}${tail}`;
  return cut(`${head}${cut(name, Math.max(SNS_LIMITS.subject - head.length, 10), '...')}`, SNS_LIMITS.subject, '...');
}

/** The filterable attributes; every value is a non-empty string. */
export function snsAttributes(alert: AlertSummary, severity: Severity = severityOf(alert)): Record<SnsAttributeName, string> {
  const value = (text: string | null): string => cut(flatten(text ?? '').trim(), SNS_LIMITS.attributeValue) || 'unknown';
  return {
    account: value(alert.accountId),
    principalType: value(alert.principalType),
    action: value(alert.action),
    layer: alert.denyLayer,
    denyKind: alert.denyKind,
    severity,
    reason: alert.reason,
  };
}

function fixLines(alert: AlertSummary, fix: Fix): string[] {
  if (fix.kind === 'none') return [`Fix: ${one(fix.reason, 600)}`];
  if (fix.kind === 'explicit-deny') {
    const lines = [
      `Explicit deny: no Allow can override it. Look for a Deny statement matching ${fix.action} on ${one(alert.resource ?? 'this resource', 600)} in ${phraseText(fix.lookAt)}${fix.policyArn ? `, policy ${one(fix.policyArn, 600)}` : ''}. Narrow it, or confirm the denial is intended.`,
    ];
    if (fix.showPolicyCommand) lines.push('Show the policy:', indent(fix.showPolicyCommand));
    return lines;
  }
  const lines = [...placed('Least-privilege fix: add to', fix.primary)];
  for (const extra of fix.also) lines.push(...placed('and to', extra));
  if (fix.familyResource) lines.push(`This alert groups denials on ${one(fix.familyResource, 600)}: use it as Resource to allow them all.`);
  lines.push(...fix.notes);
  return lines;
}

function placed(label: string, statement: PlacedStatement): string[] {
  return [`${label} ${phraseText(statement.where)}:`, indent(JSON.stringify(statement.statement, null, 2))];
}

function row(label: string, value: string): string {
  return `${`${label}:`.padEnd(15)}${value}`;
}

function values(list: readonly ValueCount[], max: number): string {
  if (list.length === 0) return 'none';
  return list.slice(0, 5).map((entry) => `${one(entry.value, max)} (${entry.count})`).join(', ') + (list.length > 5 ? `, and ${list.length - 5} more` : '');
}

/** Untrusted text on one line, cut. */
function one(value: string, max = 300): string {
  return cut(flatten(value), max);
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

function ascii(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}
