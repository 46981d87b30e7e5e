/**
 * The terminal rendering of an alert (the replay CLI): a tag line with severity, then "investigate before granting"
 * with the triage reasons when a signal fired, the facts, and the fix (below the reasons when investigating first).
 *
 * Colour only when the caller says so (`color: true`: stdout is a terminal and `NO_COLOR` is unset; the CLI decides,
 * this module stays pure). Untrusted text is flattened and stripped of invisible characters, so no control character
 * (a terminal escape sequence in a user agent) or bidi override reaches the terminal; a last pass covers the whole text.
 */
import { createColors } from 'picocolors';
import type { AlertSummary, TopValues } from '../alert.js';
import { alertFacts, type RenderOptions } from './alert-facts.js';
import { cut, flatten, sanitizeOutput } from './escape.js';
import { layerLabel } from './labels.js';
import { phraseText } from './phrase.js';
import type { Severity } from './severity.js';
import { formatLeadTime, formatTime } from './time.js';
import { blindingText } from './blinding.js';

const LABEL: Record<AlertSummary['reason'], string> = { threshold: 'SPIKE', escalation: 'ESCALATION', 'first-seen': 'NEW', 'distinct-resources': 'MANY-RESOURCES', 'distinct-actions': 'MANY-ACTIONS', blinding: 'BLINDING' };

/** Options of the terminal rendering. */
export interface TextRenderOptions extends RenderOptions {
  /** ANSI colours (severity, headings). @default false */
  color?: boolean;
}

/** Renders one alert in a few lines, ending with a newline. */
export function renderAlertText(alert: AlertSummary, options: TextRenderOptions = {}): string {
  if (alert.blinding) return blindingText(alert, alert.blinding, options.color === true);
  const facts = alertFacts(alert, options);
  const c = createColors(options.color === true);
  const paint = severityPainter(c, facts.severity);
  // At least one space after a label, even a 10-character one (`regression`, `new caller`).
  const label = (name: string): string => c.dim(`${name.padEnd(9)} `);
  const lines = [
    `${paint(`[${LABEL[alert.reason]}/${facts.severity}]`)} ${c.bold(one(alert.action, 100))} denied ${alert.count}x in ${alert.windowMinutes} min (${alert.totalCount} since ${formatTime(alert.firstSeen)})${facts.sparkline ? ` ${facts.sparkline.bars}` : ''}`,
  ];
  if (facts.triage.investigateFirst) {
    lines.push(`  ${paint(c.bold('INVESTIGATE BEFORE GRANTING'))}`);
    for (const signal of facts.triage.signals) lines.push(`    - ${one(signal.reason, 300)}`);
  } else {
    for (const signal of facts.triage.signals) lines.push(`  ${c.dim('note')}      ${one(signal.reason, 300)}`);
  }
  if (alert.regression === 'new-failure') lines.push(`  ${label('regression')}this principal did this successfully before`);
  if (alert.regression === 'new-caller') lines.push(`  ${label('new caller')}this principal was never seen doing this before`);
  const session = facts.sessionNames.top[0];
  lines.push(
    `  ${label('who')}${one(alert.principalArn ?? 'unknown principal', 200)}${session ? ` (session ${one(session.value, 80)}${facts.sessionNames.distinct > 1 ? ` and ${facts.sessionNames.distinct - 1} more` : ''})` : ''} in account ${one(alert.accountId ?? 'unknown', 20)}`,
    `  ${label('resource')}${phraseText(facts.resourceLine, 200)}`,
    `  ${label('when')}${facts.when}`,
    `  ${label('layer')}${layerLabel(alert.denyLayer)}${alert.denyKind === 'unknown' ? '' : `, ${alert.denyKind} deny`}${alert.policyArn ? ` ${one(alert.policyArn, 200)}` : ''}`,
  );
  if (facts.sourceIps.top.length > 0) lines.push(`  ${label('from')}${top(facts.sourceIps, 60)}`);
  if (facts.userAgents.top.length > 0) lines.push(`  ${label('agent')}${top(facts.userAgents, 100, 2)}`);
  for (const change of facts.changes) lines.push(`  ${label('changed')}${formatLeadTime(change.minutesBeforeFirstDenial)}: ${one(change.summary, 200)}`);
  const fix = facts.fix;
  const fixLabel = label(facts.triage.investigateFirst ? 'if legit' : 'fix');
  if (fix.kind === 'allow') {
    lines.push(`  ${fixLabel}add to ${phraseText(fix.primary.where, 200)}: ${JSON.stringify(fix.primary.statement)}`);
    for (const extra of fix.also) lines.push(`  ${' '.repeat(10)}and to ${phraseText(extra.where, 200)}: ${JSON.stringify(extra.statement)}`);
    for (const note of fix.notes) lines.push(`  ${' '.repeat(10)}${note}`);
  }
  if (fix.kind === 'explicit-deny') lines.push(`  ${fixLabel}explicit deny: look for the Deny in ${phraseText(fix.lookAt, 200)}${fix.policyArn ? ` (${one(fix.policyArn, 200)})` : ''}`);
  if (fix.kind === 'none') lines.push(`  ${fixLabel}${one(fix.reason, 600)}`);
  if (facts.managedPolicies.length > 0) {
    lines.push(`  ${label('managed')}${facts.managedPolicies.map((match) => `${one(match.name, 128)} (via ${one(match.grantedBy, 128)}${match.conditional ? ', conditional' : ''})`).join(', ')}`);
    if (facts.managedPoliciesCaveat) lines.push(`  ${' '.repeat(10)}${facts.managedPoliciesCaveat}`);
  }
  if (facts.diagnosisSummary) lines.push(`  ${label('policies')}${one(facts.diagnosisSummary, 300)}${facts.verdict ? ` (decided by ${facts.verdict.decidedBy})` : ''}`);
  for (const ref of facts.verdict?.matched ?? []) lines.push(`  ${label('matched')}${one(ref.effect, 20)} ${one(ref.sid ?? '(no Sid)', 100)} in ${one(ref.policy, 300)}${ref.layer ? ` (${ref.layer})` : ''}`);
  if (facts.verdict && facts.verdict.more > 0) lines.push(`  ${label('matched')}and ${facts.verdict.more} more`);
  if (alert.diagnosis?.denyChange) lines.push(`  ${label('change')}${one(alert.diagnosis.denyChange.instruction, 300)}`);
  for (const change of facts.otherLayerChanges) lines.push(`  ${label('also')}add to ${one(change.where, 200)}: ${one(JSON.stringify(change.statement), 600)}`);
  if (facts.simulate) lines.push(`  ${label('verify')}${facts.simulate}`);
  if (facts.decoding?.kind === 'decoded') lines.push(`  ${label('decoded')}${one(facts.decoding.summary, 300)}`);
  if (facts.decoding?.kind === 'command') lines.push(`  ${label('decode')}${facts.decoding.command}`);
  if (facts.links.authorizationDetails) lines.push(`  ${label('details')}${facts.links.authorizationDetails}`);
  lines.push(`  ${label('history')}${facts.historyCommand}`);
  if (facts.triage.historyNote) lines.push(`  ${label('triage')}${c.dim(facts.triage.historyNote)}`);
  lines.push(`  ${label('id')}${one(alert.fingerprint, 80)}`);
  return `${sanitizeOutput(lines.join('\n'))}\n`;
}

type Colors = ReturnType<typeof createColors>;

function severityPainter(c: Colors, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'critical':
      return (text) => c.bold(c.red(text));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.green;
    case 'info':
      return c.gray;
  }
}

function top(values: TopValues, max: number, show = 3): string {
  const shown = values.top.slice(0, show).map((entry) => `${one(entry.value, max)} (${entry.count})`);
  const hidden = values.top.slice(show).reduce((sum, entry) => sum + entry.count, 0) + values.others;
  if (hidden > 0) shown.push(`${values.distinct - Math.min(show, values.top.length)} more (${hidden})`);
  return shown.join(', ');
}

function one(value: string, max: number): string {
  return cut(flatten(value), max);
}
