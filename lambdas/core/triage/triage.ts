/**
 * Triage: does an alert look like a broken deploy (fix it) or like an attack (investigate before granting anything)?
 *
 * Signals, each a short reason for a reader:
 * - `root`: the account's root user made the call.
 * - `offensive-tool`: a user agent names an attack tool or pentest OS (`attack`), or an auditing scanner (`scanner`).
 * - `sensitive-action`: the action serves credential access, privilege escalation, persistence or defense evasion
 *   (strong), or discovery (weak), per `sensitive-actions.ts`.
 * - `enumeration`: one caller denied on many distinct actions or resources in one window.
 * - `cross-account`: the caller's account is not the account that was called.
 * - `new-principal`, `new-source-ip`, `new-user-agent`: never seen in the stored history (`history.ts`); silent until
 *   the account's history is {@link TRIAGE_HISTORY.minHistoryDays} days old.
 *
 * Severity: without signals `low` (`medium` for an escalating spike or 100+ denials in the window); otherwise the
 * strongest signal's, one level higher when two or more signals of at least `medium` agree. `investigateFirst` when
 * any signal is at least `medium`: the alert then leads with "investigate before granting" and the fix moves below.
 */
import { authenticationBurstSignal } from '../service-rules/authentication-burst.js';
import type { AlertSummary, Severity, Triage, TriageSignal } from '../alert.js';
import type { Denial } from '../types.js';
import { TRIAGE_HISTORY, type TriageHistory } from './history.js';
import { offensiveToolOf } from './offensive-tools.js';
import { SENSITIVE_TACTICS, sensitiveTactic } from './sensitive-actions.js';

/** Severities, least urgent first. */
export const SEVERITY_ORDER = ['info', 'low', 'medium', 'high', 'critical'] as const satisfies readonly Severity[];

/** Denials in one window from which an alert is at least `medium` whatever its signals. */
export const HIGH_VOLUME_COUNT = 100;

/** What triage reads besides the alert. */
export interface TriageInput {
  alert: AlertSummary;
  /** A denial of the alerting group (cross-account, principal type, its user agent). */
  sample?: Pick<Denial, 'crossAccount' | 'accountId' | 'recipientAccountId' | 'userAgent' | 'sourceIp' | 'principalType'> | null;
  /** History facts; null or absent when history was not consulted. */
  history?: TriageHistory | null;
  /** @default TRIAGE_HISTORY.minHistoryDays */
  minHistoryDays?: number;
}

/** Triage of one alert (pure). */
export function triageAlert(input: TriageInput): Triage {
  const { alert, sample } = input;
  const signals: TriageSignal[] = [];
  if (alert.principalType === 'Root' || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(alert.principalArn ?? '')) {
    signals.push({ id: 'root', severity: 'high', reason: "The account's root user made this call: root is for break-glass tasks only." });
  }
  const tool = toolSignal(alert, sample?.userAgent ?? null);
  if (tool) signals.push(tool);
  const sensitive = sensitiveSignal(alert);
  if (sensitive) signals.push(sensitive);
  const authentication = authenticationBurstSignal(alert);
  if (authentication) signals.push(authentication);
  if (alert.reason === 'distinct-actions' || alert.reason === 'distinct-resources') {
    const what = alert.reason === 'distinct-actions' ? 'actions' : 'resources';
    const distinct = alert.reason === 'distinct-actions' ? alert.window?.actions.distinct : alert.window?.resources.distinct;
    signals.push({ id: 'enumeration', severity: 'medium', reason: `Denied on ${distinct ?? 'many'} distinct ${what} in ${alert.windowMinutes} min: enumeration looks like this.` });
  }
  const crossAccount = sample?.crossAccount || (sample?.accountId && sample.recipientAccountId && sample.accountId !== sample.recipientAccountId);
  if (crossAccount) {
    signals.push({ id: 'cross-account', severity: 'medium', reason: `The caller is in account ${sample?.accountId ?? 'unknown'}, not in the account it called (${sample?.recipientAccountId ?? 'unknown'}).` });
  }
  const history = historySignals(input);
  signals.push(...history.signals);
  const severity = severityOf(alert, signals);
  return {
    severity,
    investigateFirst: signals.some((signal) => rank(signal.severity) >= rank('medium')),
    signals,
    ...(history.note ? { historyNote: history.note } : {}),
  };
}

/** The severity an alert has without history (for renderers given an alert the triage enricher did not see). */
export function severityWithoutHistory(alert: AlertSummary): Severity {
  return alert.triage?.severity ?? triageAlert({ alert }).severity;
}

/** Index of a severity in {@link SEVERITY_ORDER}. */
export function rank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

function severityOf(alert: AlertSummary, signals: readonly TriageSignal[]): Severity {
  const base: Severity = alert.reason === 'escalation' || alert.count >= HIGH_VOLUME_COUNT ? 'medium' : 'low';
  const strongest = Math.max(rank(base), ...signals.map((signal) => rank(signal.severity)));
  const agreeing = signals.filter((signal) => rank(signal.severity) >= rank('medium')).length;
  return SEVERITY_ORDER[Math.min(strongest + (agreeing >= 2 ? 1 : 0), SEVERITY_ORDER.length - 1)]!;
}

function userAgentsOf(alert: AlertSummary, sampleAgent: string | null): Array<{ value: string; count: number }> {
  const fromWindow = alert.window?.userAgents.top ?? alert.userAgents;
  return sampleAgent && !fromWindow.some((entry) => entry.value === sampleAgent) ? [...fromWindow, { value: sampleAgent, count: 1 }] : [...fromWindow];
}

function toolSignal(alert: AlertSummary, sampleAgent: string | null): TriageSignal | null {
  for (const entry of userAgentsOf(alert, sampleAgent)) {
    const tool = offensiveToolOf(entry.value);
    if (!tool) continue;
    const share = `${entry.count} of ${alert.count} denials`;
    return tool.kind === 'attack'
      ? { id: 'offensive-tool', severity: 'high', reason: `The user agent names ${tool.name}, an attack tool (${share}).` }
      : { id: 'offensive-tool', severity: 'medium', reason: `The user agent names ${tool.name}, a security scanner: expected only from your auditors (${share}).` };
  }
  return null;
}

function sensitiveSignal(alert: AlertSummary): TriageSignal | null {
  const actions = [alert.action, ...(alert.window?.actions.top.map((entry) => entry.value) ?? [])];
  const found = actions.map((action) => ({ action, tactic: sensitiveTactic(action) })).filter((entry) => entry.tactic !== null);
  const strong = found.find((entry) => entry.tactic !== 'discovery');
  const pick = strong ?? found[0];
  if (!pick) return null;
  const tactic = SENSITIVE_TACTICS[pick.tactic!];
  return {
    id: 'sensitive-action',
    severity: pick.tactic === 'discovery' ? 'low' : 'high',
    reason: `${pick.action} serves ${tactic.name} (MITRE ATT&CK ${tactic.id}).`,
  };
}

function historySignals(input: TriageInput): { signals: TriageSignal[]; note: string | null } {
  const { alert, history } = input;
  if (!history) return { signals: [], note: 'History not consulted: new-source and new-principal signals are off.' };
  const minDays = input.minHistoryDays ?? TRIAGE_HISTORY.minHistoryDays;
  if (history.accountHistoryDays === null || history.accountHistoryDays < minDays) {
    const held = history.accountHistoryDays === null ? 'no earlier denials' : `${history.accountHistoryDays} day${history.accountHistoryDays === 1 ? '' : 's'} of denials`;
    return { signals: [], note: `New-source signals wait for ${minDays} days of this account's history (the table holds ${held}).` };
  }
  const span = `${history.lookbackDays} days of history`;
  if (!alert.principalArn) return { signals: [], note: null };
  if (history.principalDenials === 0) {
    return { signals: [{ id: 'new-principal', severity: 'medium', reason: `First denial of this principal in the account's ${span}.` }], note: null };
  }
  const signals: TriageSignal[] = [];
  const ips = (alert.window?.sourceIps.top ?? alert.sourceIps).map((entry) => entry.value).filter((ip) => isIpAddress(ip) && !history.knownSourceIps.has(ip));
  if (ips.length > 0) {
    signals.push({ id: 'new-source-ip', severity: 'medium', reason: `Source IP ${listed(ips)} never seen for this principal in ${span}.` });
  }
  const agents = (alert.window?.userAgents.top ?? alert.userAgents).map((entry) => entry.value).filter((agent) => agent.length > 0 && !history.knownUserAgents.has(agent));
  if (agents.length > 0) {
    signals.push({ id: 'new-user-agent', severity: 'low', reason: `User agent ${listed(agents.map((agent) => (agent.length > 60 ? `${agent.slice(0, 57)}...` : agent)))} never seen for this principal in ${span}.` });
  }
  return { signals, note: null };
}

/** IPv4 or IPv6 literal (CloudTrail's sourceIPAddress is also a service name, e.g. `ec2.amazonaws.com`, or `AWS Internal`). */
function isIpAddress(value: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(value) || (/^[0-9a-f:]+$/i.test(value) && value.includes(':'));
}

function listed(values: readonly string[]): string {
  return values.length <= 2 ? values.join(' and ') : `${values.slice(0, 2).join(', ')} and ${values.length - 2} more`;
}
