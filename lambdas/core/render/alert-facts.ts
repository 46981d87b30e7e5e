/**
 * Everything a renderer shows about an alert, decided once, so that Slack, SNS, the terminal and JSON say the same
 * thing: severity and triage, the fix and its scope, the managed policies, window-wide context, times to the second,
 * the sparkline when it shows something, links. Values from the event stay raw here: each renderer escapes them.
 */
import type { AlertSummary, ChangeLink, Severity, TopValues, Triage, ValueCount } from '../alert.js';
import type { PolicyChange } from '../iam-policy/diagnose.js';
import type { ManagedPolicyMatch } from '../iam-policy/managed-policies.js';
import { partitionOf } from '../partition.js';
import { triageAlert } from '../triage/triage.js';
import { authorizationDecoding, errorMessageForDisplay, type AuthorizationDecoding } from './authorization.js';
import { cloudTrailEventLink } from './cloudtrail-link.js';
import { diagnosisSummary } from './diagnosis-summary.js';
import { principalName } from './labels.js';
import { exactAction, simulateCommand, suggestFix, type Fix } from './least-privilege.js';
import { managedPoliciesCaveat, managedPolicySuggestions } from './managed-policy-suggestions.js';
import type { Phrase } from './phrase.js';
import type { ResourceScope } from './resource-scope.js';
import { SEVERITY_STYLE } from './severity.js';
import { sparklineWorthShowing } from './sparkline.js';
import { formatSpan, formatTime } from './time.js';

/** How many of AWS's matched statements an alert shows. */
export const MAX_MATCHED_STATEMENTS = 3;

/** One statement AWS's record of the evaluation matched (values raw: renderers escape them). */
export interface MatchedStatement {
  effect: string;
  sid: string | null;
  /** The policy ARN, else its URI in AWS's record. */
  policy: string;
  layer: string | null;
}

/** Who decided a diagnosis, and what AWS matched. */
export interface Verdict {
  /** `AWS Access Troubleshooter` or `policy evaluation`. */
  decidedBy: string;
  matched: MatchedStatement[];
  /** Matched statements not shown. */
  more: number;
}

/** Options every renderer takes. */
export interface RenderOptions {
  /**
   * Where the denial history can be browsed (a console URL for the deployment's table or query); shown as the
   * "History" button. The CLI history command is always shown.
   */
  historyUrl?: string | null;
}

/** What the renderers show. */
export interface AlertFacts {
  alert: AlertSummary;
  severity: Severity;
  style: (typeof SEVERITY_STYLE)[Severity];
  triage: Triage;
  /** The action in its canonical spelling, or null when it is not one exact action. */
  action: string | null;
  /** `ec2:GetPasswordData denied 29× · stratus-red-team-role` (raw text). */
  headline: string;
  fix: Fix;
  simulate: string | null;
  scope: ResourceScope | null;
  /** The resource line: what the alert is about. */
  resourceLine: Phrase;
  managedPolicies: ManagedPolicyMatch[];
  /**
   * Said beside the managed policies outside the commercial partition: they come from the commercial partition's
   * list, and whether each exists in the record's partition is not known here. Null in `aws`.
   */
  managedPoliciesCaveat: string | null;
  diagnosisSummary: string | null;
  /**
   * Who decided the diagnosis (AWS's Access Troubleshooter record, or this project's evaluation of the policies it
   * read), and the statements AWS matched (denying ones first, at most {@link MAX_MATCHED_STATEMENTS}); null without a
   * diagnosis or when it does not say.
   */
  verdict: Verdict | null;
  /**
   * The diagnosis' statements for the other layers whose allow is missing too (a boundary beside the identity policy),
   * their Resource widened to the fix's scope when it named only the sample's resource.
   */
  otherLayerChanges: PolicyChange[];
  /** `29 in 5 min, 2024-07-30 21:31:16–21:31:21 UTC` */
  when: string;
  /** `30 in total since 2024-07-30 21:31:16 UTC` (and the baseline when there is one) */
  history: string;
  sparkline: { bars: string; minutes: number } | null;
  sourceIps: TopValues;
  userAgents: TopValues;
  sessionNames: TopValues;
  errorMessage: string | null;
  decoding: AuthorizationDecoding;
  changes: ChangeLink[];
  links: { cloudTrail: string | null; authorizationDetails: string | null; history: string | null };
  historyCommand: string;
}

/** Decides what an alert's renderings show. */
export function alertFacts(alert: AlertSummary, options: RenderOptions = {}): AlertFacts {
  const triage = alert.triage ?? triageAlert({ alert });
  const severity = triage.severity;
  const action = exactAction(alert.action);
  // A blinding alert is a call that succeeded: nothing to grant (an Allow of the call that blinded the alerter would be
  // the worst advice), no managed policy, nothing to simulate; its remedy is the undo command.
  const blinding = alert.blinding;
  const fix: Fix = blinding ? { kind: 'none', reason: `nothing was denied: ${blinding.eventName} succeeded (${blinding.effect}); if it was not intended, undo it: ${blinding.undo}` } : suggestFix(alert);
  const scope = fix.kind === 'none' ? null : fix.scope;
  const managedPolicies = blinding ? [] : managedPolicySuggestions(alert, action, scope);
  return {
    alert,
    severity,
    style: SEVERITY_STYLE[severity],
    triage,
    action,
    headline: blinding ? `${blinding.eventName} succeeded · ${principalName(alert)}` : `${alert.action} denied ${alert.count}× · ${principalName(alert)}`,
    fix,
    simulate: blinding ? null : simulateCommand(alert, fix),
    scope,
    resourceLine: blinding ? (blinding.target ? [{ value: blinding.target }] : ['not in the record']) : resourceLine(alert, scope),
    managedPolicies,
    managedPoliciesCaveat: managedPoliciesCaveat(managedPolicies),
    diagnosisSummary: alert.diagnosis ? diagnosisSummary(alert.diagnosis) : null,
    verdict: verdictOf(alert),
    otherLayerChanges: otherLayerChanges(alert, scope),
    when: `${alert.count} in ${alert.windowMinutes} min, ${formatSpan(windowFirst(alert), alert.lastSeen)}`,
    history: `${alert.totalCount} in total since ${formatTime(alert.firstSeen)}${alert.baseline > 0 ? `, baseline ${formatNumber(alert.baseline)} per window` : ''}`,
    sparkline: sparklineWorthShowing(alert.countsPerMinute),
    sourceIps: topValues(alert.window?.sourceIps, alert.sourceIps, alert.count),
    userAgents: topValues(alert.window?.userAgents, alert.userAgents, alert.count),
    sessionNames: topValues(alert.window?.sessionNames, alert.sessionNames, alert.count),
    errorMessage: errorMessageForDisplay(alert.errorMessage),
    decoding: authorizationDecoding(alert),
    changes: (alert.changes ?? []).slice(0, 3),
    links: {
      cloudTrail: cloudTrailEventLink(alert.region, alert.sampleEventIds[0]),
      // Access Troubleshooter exists in the commercial partition only: no offer elsewhere, whatever the message says.
      authorizationDetails: partitionOf({ arns: [alert.principalArn], region: alert.region }).accessTroubleshooter ? safeUrl(alert.authorizationDetailsUrl) : null,
      history: safeUrl(options.historyUrl),
    },
    historyCommand: `npx denial-alerter history --fingerprint ${alert.fingerprint.replace(/[^A-Za-z0-9#_-]/g, '')}${/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(alert.windowStart) ? ` --since ${alert.windowStart.slice(0, 19)}Z` : ''}`,
  };
}

const DECIDED_BY = { 'access-troubleshooter': 'AWS Access Troubleshooter', 'policy-evaluation': 'policy evaluation' } as const;

function verdictOf(alert: AlertSummary): Verdict | null {
  const diagnosis = alert.diagnosis;
  if (!diagnosis?.decidedBy) return null;
  const statements = diagnosis.awsAuthorization?.matchedStatements ?? [];
  return {
    decidedBy: DECIDED_BY[diagnosis.decidedBy] ?? diagnosis.decidedBy,
    matched: statements.slice(0, MAX_MATCHED_STATEMENTS).map((ref) => ({ effect: ref.effect ?? 'unknown effect', sid: ref.sid, policy: ref.policyArn ?? ref.policyUri, layer: ref.layer })),
    more: Math.max(0, statements.length - MAX_MATCHED_STATEMENTS),
  };
}

function otherLayerChanges(alert: AlertSummary, scope: ResourceScope | null): PolicyChange[] {
  const changes = alert.diagnosis?.changes ?? [];
  const widened = scope && (scope.kind === 'family' || scope.kind === 'list' || scope.kind === 'pattern') ? (scope.resources.length === 1 ? scope.resources[0]! : scope.resources) : null;
  return changes
    .filter((change) => change.layer !== alert.denyLayer)
    .slice(0, 3)
    .map((change) => (widened && change.statement.Resource === alert.resource ? { ...change, statement: { ...change.statement, Resource: widened } } : change));
}

/** The resource line: the family or the distinct resources, with how many were denied. */
function resourceLine(alert: AlertSummary, scope: ResourceScope | null): Phrase {
  if (!scope) return alert.resource ? [{ value: alert.resource }] : ['not in the record'];
  const distinct = scope.distinct !== null ? `${scope.distinct} distinct denied` : null;
  const unnamed = scope.unnamed > 0 ? `${scope.unnamed} denial${scope.unnamed === 1 ? '' : 's'} named none` : null;
  const tail = (...parts: Array<string | null>): string => {
    const kept = parts.filter((part): part is string => part !== null);
    return kept.length > 0 ? ` (${kept.join('; ')})` : '';
  };
  switch (scope.kind) {
    case 'any':
      return [`* (${alert.action} takes no resource)`];
    case 'unknown':
      return [`not in the record${tail(unnamed)}`];
    case 'single':
      return [{ value: scope.resources[0]! }, tail(distinct, unnamed)];
    case 'family':
      return [{ value: scope.resources[0]! }, tail(distinct ?? "the alert's family", unnamed)];
    case 'pattern':
      return [{ value: scope.resources[0]! }, tail(distinct, `pattern over the ${scope.examples.length} most denied`, unnamed)];
    case 'list':
      return [...scope.resources.flatMap((resource, index): Phrase => (index === 0 ? [{ value: resource }] : [', ', { value: resource }])), tail(distinct, unnamed)];
  }
}

/** Top values from the window, else from the alert's own lists (older alerts). */
function topValues(window: TopValues | undefined, list: readonly ValueCount[], count: number): TopValues {
  if (window) return window;
  const shown = list.slice(0, 5);
  const sum = shown.reduce((total, entry) => total + entry.count, 0);
  return { top: shown, others: Math.max(0, count - sum), distinct: list.length };
}

/** When the window's denials began: its first counted denial when history told (to the second), else the later of first-seen and the window's start. */
function windowFirst(alert: AlertSummary): string {
  if (alert.windowFirstDenial && alert.windowFirstDenial >= alert.windowStart) return alert.windowFirstDenial;
  return alert.firstSeen > alert.windowStart ? alert.firstSeen : alert.windowStart;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** An https URL with no characters that could break out of a Slack link or a terminal line; else null. */
function safeUrl(url: string | null | undefined): string | null {
  if (!url || !/^https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%-]*)?$/.test(url) || /[<>|\s]/.test(url)) return null;
  return url;
}
