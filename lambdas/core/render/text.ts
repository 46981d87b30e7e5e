/**
 * A compact terminal rendering of an alert (the replay CLI): a few lines, no colour codes, untrusted text flattened
 * so that no control character (a terminal escape sequence in a user agent) reaches the terminal.
 */
import type { AlertSummary } from '../alert.js';
import { cut, flatten } from './escape.js';
import { layerLabel } from './labels.js';
import { simulateCommand, suggestFix } from './least-privilege.js';
import { phraseText } from './phrase.js';
import { severityOf } from './severity.js';
import { sparkline } from './sparkline.js';

const LABEL: Record<AlertSummary['reason'], string> = { threshold: 'SPIKE', escalation: 'ESCALATION', 'first-seen': 'NEW', 'distinct-resources': 'MANY-RESOURCES', 'distinct-actions': 'MANY-ACTIONS' };

/** Renders one alert in a few lines, ending with a newline. */
export function renderAlertText(alert: AlertSummary): string {
  const fix = suggestFix(alert);
  const command = simulateCommand(alert, fix);
  const kind = alert.denyKind === 'unknown' ? '' : `, ${alert.denyKind} deny`;
  const session = alert.sessionNames[0] ? ` (session ${one(alert.sessionNames[0].value, 80)})` : '';
  const lines = [
    `[${LABEL[alert.reason]}/${severityOf(alert)}] ${one(alert.action, 100)} denied ${alert.count}x in ${alert.windowMinutes} min (${alert.totalCount} since ${one(alert.firstSeen, 40)}) ${sparkline(alert.countsPerMinute.slice(-30))}`,
    `  who       ${one(alert.principalArn ?? 'unknown principal', 200)}${session} in account ${one(alert.accountId ?? 'unknown', 20)}`,
    `  resource  ${one(alert.resource ?? 'unknown (not in the record)', 200)}`,
    `  layer     ${layerLabel(alert.denyLayer)}${kind}${alert.policyArn ? ` ${one(alert.policyArn, 200)}` : ''}`,
  ];
  if (alert.sourceIps.length > 0) lines.push(`  from      ${alert.sourceIps.slice(0, 3).map((ip) => `${one(ip.value, 60)} (${ip.count})`).join(', ')}`);
  if (fix.kind === 'allow') lines.push(`  fix       add to ${phraseText(fix.primary.where, 200)}: ${JSON.stringify(fix.primary.statement)}`);
  if (fix.kind === 'allow') for (const extra of fix.also) lines.push(`            and to ${phraseText(extra.where, 200)}: ${JSON.stringify(extra.statement)}`);
  if (fix.kind === 'explicit-deny') lines.push(`  fix       explicit deny: look for the Deny in ${phraseText(fix.lookAt, 200)}${fix.policyArn ? ` (${one(fix.policyArn, 200)})` : ''}`);
  if (fix.kind === 'none') lines.push(`  fix       ${one(fix.reason, 200)}`);
  if (alert.diagnosis) lines.push(`  policies  ${one(alert.diagnosis.summary, 300)}`);
  if (alert.diagnosis?.denyChange) lines.push(`  change    ${one(alert.diagnosis.denyChange.instruction, 300)}`);
  if (command) lines.push(`  verify    ${command}`);
  lines.push(`  id        ${one(alert.fingerprint, 80)}`);
  return `${lines.join('\n')}\n`;
}

function one(value: string, max: number): string {
  return cut(flatten(value), max);
}

