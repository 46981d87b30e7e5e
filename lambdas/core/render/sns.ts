/**
 * An alert as an SNS message: a subject under 100 printable-ASCII characters, a readable text body for email
 * subscribers (same order as Slack: what to do first, then the facts), and String message attributes subscribers can
 * filter on (`account`, `principalType`, `action`, `layer`, `denyKind`, `severity`, `reason`, `investigate`, `signals`).
 *
 * Every value from the event is flattened and stripped of invisible characters; the whole body gets a last pass too,
 * so a lone surrogate (which makes SNS Publish fail) can never reach the API.
 */
import type { AlertSummary, TopValues } from '../alert.js';
import { alertFacts, type AlertFacts, type RenderOptions } from './alert-facts.js';
import { cut, flatten, flattenKeepingLines, sanitizeOutput } from './escape.js';
import { layerLabel, principalName } from './labels.js';
import type { PlacedStatement } from './least-privilege.js';
import { phraseText } from './phrase.js';
import type { Severity } from './severity.js';
import { formatLeadTime } from './time.js';
import { blindingSnsMessage } from './blinding.js';

/** SNS's limits: the subject is under 100 characters; a message at most 256 KB (we stay far below). */
export const SNS_LIMITS = { subject: 99, message: 100_000, attributeValue: 256 } as const;

/** The names of the message attributes, for filter policies. */
export const SNS_ATTRIBUTE_NAMES = ['account', 'principalType', 'action', 'layer', 'denyKind', 'severity', 'reason', 'investigate', 'signals'] as const;
export type SnsAttributeName = (typeof SNS_ATTRIBUTE_NAMES)[number];

/** What `PublishCommand` needs, minus the topic. */
export interface SnsAlertMessage {
  subject: string;
  message: string;
  /** Every value is a non-empty string (SNS `DataType: 'String'`). */
  attributes: Record<SnsAttributeName, string>;
}

/** Renders an alert for SNS. */
export function buildSnsMessage(alert: AlertSummary, options: RenderOptions = {}): SnsAlertMessage {
  if (alert.blinding) return blindingSnsMessage(alert, alert.blinding);
  const facts = alertFacts(alert, options);
  const lines = [...leadLines(facts), '', ...factLines(facts)];
  if (facts.changes.length > 0) {
    lines.push('', 'What changed before the first denial:');
    for (const change of facts.changes) lines.push(`  - ${formatLeadTime(change.minutesBeforeFirstDenial)}: ${one(change.summary, 300)}${change.consoleUrl ? ` (${one(change.consoleUrl, 500)})` : ''}`);
  }
  lines.push('', ...fixLines(facts));
  if (alert.diagnosis) {
    const diagnosis = alert.diagnosis;
    lines.push('', `Policy check${facts.verdict ? ` (${facts.verdict.decidedBy})` : ''}: ${one(facts.diagnosisSummary ?? diagnosis.summary, 1000)}`);
    if (facts.verdict && facts.verdict.matched.length > 0) {
      lines.push('Statements AWS matched:');
      for (const ref of facts.verdict.matched) lines.push(`  - ${one(ref.effect, 20)} ${one(ref.sid ?? '(no Sid)', 100)} in ${one(ref.policy, 500)}${ref.layer ? ` (${ref.layer})` : ''}`);
      if (facts.verdict.more > 0) lines.push(`  - and ${facts.verdict.more} more`);
    }
    if (diagnosis.denyingStatement) lines.push(`Denying statement in ${one(diagnosis.denyingStatement.policyArn ?? diagnosis.denyingStatement.policy, 500)}:`, indent(JSON.stringify(diagnosis.denyingStatement.statement, null, 2)));
    if (diagnosis.denyChange) lines.push(`Change in ${one(diagnosis.denyChange.where, 500)}: ${one(diagnosis.denyChange.instruction, 1000)}`);
    for (const change of facts.otherLayerChanges) lines.push(`Also add to ${one(change.where, 500)}:`, indent(flattenKeepingLines(JSON.stringify(change.statement, null, 2))));
    if (diagnosis.notChecked.length > 0 && diagnosis.decision !== 'allowed') lines.push(`Not checked: ${one(diagnosis.notChecked.join('; '), 1000)}`);
  }
  if (facts.simulate) lines.push('', facts.fix.kind === 'explicit-deny' ? 'Confirm the deny (the simulation lists the matching statement):' : 'Verify the fix:', indent(facts.simulate));
  if (facts.decoding?.kind === 'decoded') lines.push('', one(facts.decoding.summary, 1000));
  if (facts.decoding?.kind === 'command') lines.push('', 'Decode the authorization message:', indent(facts.decoding.command));
  lines.push('', 'Error message:', indent(facts.errorMessage ? cut(flattenKeepingLines(facts.errorMessage), 2000) : 'none'));
  lines.push('', ...linkLines(facts));
  const body = sanitizeOutput(cut(lines.join('\n'), SNS_LIMITS.message));
  return { subject: snsSubject(alert, facts.severity), message: body, attributes: snsAttributes(alert, facts) };
}

function leadLines(facts: AlertFacts): string[] {
  const alert = facts.alert;
  const what = `${one(alert.action, 100)} denied ${alert.count}x in ${alert.windowMinutes} min for ${one(principalName(alert), 200)} in account ${one(alert.accountId ?? 'unknown', 20)}`;
  const lines = [`[${facts.severity}] ${facts.triage.investigateFirst ? 'Investigate before granting' : 'Denial spike'}: ${what}.`];
  for (const signal of facts.triage.signals.slice(0, 6)) lines.push(`  - ${one(signal.reason, 300)}`);
  if (alert.regression === 'new-failure') lines.push('  - Regression: this principal did this successfully before.');
  if (alert.regression === 'new-caller') lines.push('  - New caller: this principal was never seen doing this before.');
  return lines;
}

function factLines(facts: AlertFacts): string[] {
  const alert = facts.alert;
  const session = facts.sessionNames.top[0];
  return [
    row('Who', `${one(alert.principalArn ?? 'unknown (not in the record)', 500)}${alert.principalType ? ` (${one(alert.principalType, 40)})` : ''}${session ? `, session ${one(session.value, 150)}` : ''}`),
    row('Resource', phraseText(facts.resourceLine, 1000)),
    row('When', `${facts.when}; ${facts.history}`),
    ...(facts.sparkline ? [row('Per minute', `${facts.sparkline.bars} (last ${facts.sparkline.minutes} min)`)] : []),
    row('Layer', `${layerLabel(alert.denyLayer)}, ${alert.denyKind === 'unknown' ? 'explicit or implicit not stated' : `${alert.denyKind} deny`}`),
    ...(alert.policyArn ? [row('Policy', one(alert.policyArn, 1000))] : []),
    row('Account', one(alert.accountId ?? 'unknown', 20)),
    row('Region', one(alert.region ?? 'unknown', 40)),
    row('Source IPs', values(facts.sourceIps, 100)),
    row('User agents', values(facts.userAgents, 300)),
    row('Session names', values(facts.sessionNames, 150)),
  ];
}

function fixLines(facts: AlertFacts): string[] {
  const fix = facts.fix;
  const heading = facts.triage.investigateFirst ? 'If it is legitimate, the ' : '';
  const lines: string[] = [];
  if (fix.kind === 'none') lines.push(`${heading ? 'If it is legitimate: ' : 'Fix: '}${one(fix.reason, 600)}`);
  else if (fix.kind === 'explicit-deny') {
    lines.push(
      `${heading ? 'If it is legitimate: ' : ''}Explicit deny: no Allow can override it. Find the Deny statement matching ${fix.action} on ${phraseText(facts.resourceLine, 600)} in ${phraseText(fix.lookAt)}${fix.policyArn ? `, policy ${one(fix.policyArn, 600)}` : ''}. Narrow it, or confirm the denial is intended.`,
    );
    if (fix.showPolicyCommand) lines.push('Show the policy:', indent(fix.showPolicyCommand));
  } else {
    lines.push(...placed(`${heading ? `${heading}least-privilege fix` : 'Least-privilege fix'}: add to`, fix.primary));
    for (const extra of fix.also) lines.push(...placed('and to', extra));
    lines.push(...fix.notes);
  }
  if (facts.managedPolicies.length > 0) {
    lines.push(`Or attach an AWS managed policy (narrowest first): ${facts.managedPolicies.map((match) => `${one(match.name, 128)} (via ${one(match.grantedBy, 128)}${match.conditional ? ', with a condition' : ''})`).join(', ')}`);
    if (facts.managedPoliciesCaveat) lines.push(facts.managedPoliciesCaveat);
  }
  return lines;
}

function linkLines(facts: AlertFacts): string[] {
  const alert = facts.alert;
  const lines = [facts.links.cloudTrail ? `Sample event in CloudTrail: ${facts.links.cloudTrail}` : 'No CloudTrail console link (Region or event id unknown).'];
  if (facts.links.authorizationDetails) lines.push(`Authorization details: ${facts.links.authorizationDetails}`);
  if (facts.links.history) lines.push(`History: ${facts.links.history}`);
  lines.push(`History query: ${facts.historyCommand}`);
  lines.push(`Fingerprint: ${one(alert.fingerprint, 80)}; alert: ${one(alert.alertId, 120)}${alert.route ? `; route: ${one(alert.route, 80)}` : ''}; sample events: ${alert.sampleEventIds.slice(0, 5).map((id) => one(id, 100)).join(', ') || 'none'}`);
  if (facts.triage.historyNote) lines.push(one(facts.triage.historyNote, 300));
  return lines;
}

/**
 * The subject: `[severity] action denied Nx for principal-name in account`, printable ASCII only, under 100
 * characters. When it does not fit, the account goes first (it is in the attributes and the body), then the principal
 * name is shortened (`...`).
 */
export function snsSubject(alert: AlertSummary, severity: Severity = alertFacts(alert).severity): string {
  const head = ascii(`[${severity}] ${cut(flatten(alert.action), 50, '...')} denied ${alert.count}x for `);
  const tail = ascii(` in ${flatten(alert.accountId ?? 'unknown account')}`);
  const name = ascii(flatten(principalName(alert)));
  if (head.length + name.length + tail.length <= SNS_LIMITS.subject) return `${head}${name}${tail}`;
  return cut(`${head}${cut(name, Math.max(SNS_LIMITS.subject - head.length, 10), '...')}`, SNS_LIMITS.subject, '...');
}

/** The filterable attributes; every value is a non-empty string without invisible characters. */
export function snsAttributes(alert: AlertSummary, facts: AlertFacts = alertFacts(alert)): Record<SnsAttributeName, string> {
  const value = (text: string | null): string => sanitizeOutput(cut(flatten(text ?? '').trim(), SNS_LIMITS.attributeValue)) || 'unknown';
  return {
    account: value(alert.accountId),
    principalType: value(alert.principalType),
    action: value(alert.action),
    layer: alert.denyLayer,
    denyKind: alert.denyKind,
    severity: facts.severity,
    reason: alert.reason,
    investigate: facts.triage.investigateFirst ? 'true' : 'false',
    signals: facts.triage.signals.map((signal) => signal.id).join(',') || 'none',
  };
}

function placed(label: string, statement: PlacedStatement): string[] {
  return [`${label} ${phraseText(statement.where)}:`, indent(flattenKeepingLines(JSON.stringify(statement.statement, null, 2)))];
}

function row(label: string, value: string): string {
  return `${`${label}:`.padEnd(15)}${value}`;
}

function values(list: TopValues, max: number): string {
  if (list.top.length === 0) return 'none';
  const shown = list.top.map((entry) => `${one(entry.value, max)} (${entry.count})`).join(', ');
  return list.others > 0 ? `${shown}, and ${list.distinct - list.top.length} more (${list.others})` : shown;
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
