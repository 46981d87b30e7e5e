/**
 * A few readable lines per alert for the terminal.
 */
import type { AlertSummary } from '../core/alert.js';

const LABEL: Record<AlertSummary['reason'], string> = { threshold: 'SPIKE', escalation: 'ESCALATION', 'first-seen': 'NEW' };

/** Renders one alert as plain text (no colour codes), ending with a blank line. */
export function renderAlertLine(alert: AlertSummary): string {
  const who = alert.principalArn ?? `an unknown principal in account ${alert.accountId ?? '?'}`;
  const layer = alert.denyLayer === 'unknown' ? 'layer unknown' : `${alert.denyLayer} (${alert.denyKind} deny)`;
  const lines = [
    `[${LABEL[alert.reason]}] ${alert.count} denials in ${alert.windowMinutes} min from ${alert.windowStart}: ${alert.action}`,
    `  who      ${who}${alert.sessionNames[0] ? ` (session ${oneLine(alert.sessionNames[0].value)})` : ''}`,
    `  resource ${alert.resource ?? 'unknown'}`,
    `  layer    ${layer}${alert.policyArn ? ` ${alert.policyArn}` : ''}`,
    `  seen     ${alert.totalCount} since ${alert.firstSeen}, last ${alert.lastSeen}; fingerprint ${alert.fingerprint}`,
  ];
  if (alert.diagnosis) {
    lines.push(`  policies ${oneLine(alert.diagnosis.summary)}`);
    for (const change of alert.diagnosis.changes) lines.push(`  fix      add to ${change.where}: ${JSON.stringify(change.statement)}`);
    if (alert.diagnosis.denyChange) lines.push(`  change   ${oneLine(alert.diagnosis.denyChange.instruction)}`);
    if (alert.diagnosis.notChecked.length > 0) lines.push(`  unchecked ${alert.diagnosis.notChecked.join('; ')}`);
  }
  if (alert.sourceIps[0]) lines.push(`  from     ${alert.sourceIps.map((ip) => `${oneLine(ip.value)} (${ip.count})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** Event text is untrusted: keep it on one line and short. */
function oneLine(value: string): string {
  const flat = value.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}
