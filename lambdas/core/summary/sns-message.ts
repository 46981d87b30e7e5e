/**
 * An alert as an SNS message: a subject under 100 ASCII characters, a readable body for email subscribers, and
 * message attributes subscribers can filter on (account, principalType, action, layer, severity).
 */
import type { AlertSummary } from '../alert.js';
import { cut } from './escape.js';
import { remedyFor, simulateCommand } from './remedy.js';
import { sparkline } from './sparkline.js';

export interface SnsAlertMessage {
  subject: string;
  message: string;
  attributes: Record<'account' | 'principalType' | 'action' | 'layer' | 'severity' | 'reason', string>;
}

/** `high` for escalations and large counts, `low` for first sightings, else `medium`. */
export function severityOf(alert: AlertSummary): 'low' | 'medium' | 'high' {
  if (alert.reason === 'escalation' || alert.count >= 100) return 'high';
  if (alert.reason === 'first-seen') return 'low';
  return 'medium';
}

const printable = (value: string): string => value.replace(/[^\x20-\x7e]/g, '?');

/** Renders an alert for SNS. */
export function buildSnsMessage(alert: AlertSummary): SnsAlertMessage {
  const who = alert.principalArn ? alert.principalArn.slice(alert.principalArn.lastIndexOf('/') + 1) || alert.principalArn : `account ${alert.accountId ?? '?'}`;
  const subject = cut(printable(`Denial Alerter: ${alert.action} denied ${alert.count}x for ${who}`), 99).replace(/…\(cut\)$/, '...');
  const remedy = remedyFor(alert);
  const command = simulateCommand(alert, remedy);
  const lines = [
    `${alert.reason === 'escalation' ? 'Escalating denial spike' : alert.reason === 'first-seen' ? 'New denial' : 'Denial spike'}: ${alert.count} denials in ${alert.windowMinutes} minutes (window from ${alert.windowStart}).`,
    '',
    `Principal:   ${alert.principalArn ?? 'unknown'} (${alert.principalType ?? 'unknown type'})`,
    `Account:     ${alert.accountId ?? 'unknown'}`,
    `Action:      ${alert.action}`,
    `Resource:    ${alert.resource ?? 'unknown'}`,
    `Layer:       ${alert.denyLayer} (${alert.denyKind} deny)${alert.policyArn ? ` ${alert.policyArn}` : ''}`,
    `Region:      ${alert.region ?? 'unknown'}`,
    `Seen:        ${alert.totalCount} since ${alert.firstSeen}, last ${alert.lastSeen}`,
    `Per minute:  ${sparkline(alert.countsPerMinute)}`,
    `Source IPs:  ${alert.sourceIps.map((entry) => `${entry.value} (${entry.count})`).join(', ') || 'none'}`,
    `User agents: ${alert.userAgents.map((entry) => `${cut(entry.value, 200)} (${entry.count})`).join(', ') || 'none'}`,
    `Sessions:    ${alert.sessionNames.map((entry) => `${entry.value} (${entry.count})`).join(', ') || 'none'}`,
    '',
    `Error message: ${cut(alert.errorMessage ?? 'none', 1200)}`,
    '',
  ];
  if (remedy.kind === 'allow') lines.push(`Least-privilege fix, add to ${remedy.where}:`, JSON.stringify(remedy.statement, null, 2));
  else if (remedy.kind === 'narrow-deny') lines.push(`Explicit deny in ${remedy.where}${remedy.policyArn ? ` (${remedy.policyArn})` : ''}: no Allow can override it; find and narrow the Deny statement.`);
  else lines.push(`Fix: ${remedy.reason}`);
  if (alert.diagnosis) {
    lines.push('', `Policy check: ${alert.diagnosis.summary}`);
    if (alert.diagnosis.denyingStatement) lines.push(`Denying statement (${alert.diagnosis.denyingStatement.policy}):`, JSON.stringify(alert.diagnosis.denyingStatement.statement, null, 2));
    if (alert.diagnosis.denyChange) lines.push(`Change: ${alert.diagnosis.denyChange.instruction}`, ...(alert.diagnosis.denyChange.statement ? [JSON.stringify(alert.diagnosis.denyChange.statement)] : []));
    for (const change of alert.diagnosis.changes) lines.push(`Add to ${change.where}:`, JSON.stringify(change.statement));
    if (alert.diagnosis.managedPolicies.length > 0) lines.push(`Managed policies that grant it: ${alert.diagnosis.managedPolicies.map((match) => `${match.name} (via ${match.grantedBy})`).join(', ')}`);
    if (alert.diagnosis.notChecked.length > 0) lines.push(`Not checked: ${alert.diagnosis.notChecked.join('; ')}`);
  }
  if (command) lines.push('', 'Verify:', command);
  lines.push('', `Fingerprint ${alert.fingerprint}; sample events ${alert.sampleEventIds.join(', ')}`);
  return {
    subject,
    message: lines.join('\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' '),
    attributes: {
      account: alert.accountId ?? 'unknown',
      principalType: alert.principalType ?? 'unknown',
      action: alert.action,
      layer: alert.denyLayer,
      severity: severityOf(alert),
      reason: alert.reason,
    },
  };
}
