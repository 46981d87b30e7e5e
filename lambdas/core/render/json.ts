/**
 * An alert as one JSON object for machines (`replay --json`, logs, the HTML report): the alert as the engine decided
 * it, plus what the other renderings compute, so a JSON reader sees the same fix, scope, triage and managed policies
 * as a Slack reader. Strings from the event are stripped of invisible characters and lone surrogates (JSON itself
 * escapes control characters).
 */
import type { AlertSummary, Severity, Triage } from '../alert.js';
import type { ManagedPolicyMatch } from '../iam-policy/managed-policies.js';
import { alertFacts, type RenderOptions, type Verdict } from './alert-facts.js';
import { sanitizeOutput } from './escape.js';
import type { AllowStatement } from './least-privilege.js';
import { phraseText } from './phrase.js';
import type { ResourceScope } from './resource-scope.js';

/** The computed part of an alert's JSON form. */
export interface AlertRendering {
  severity: Severity;
  triage: Triage;
  /** `investigate` when a triage signal calls for investigating before granting. */
  lead: 'investigate' | 'fix';
  fix:
    | { kind: 'allow'; where: string; statement: AllowStatement; also: Array<{ where: string; statement: AllowStatement }>; notes: string[] }
    | { kind: 'explicit-deny'; lookAt: string; policyArn: string | null; showPolicyCommand: string | null }
    | { kind: 'none'; reason: string };
  scope: ResourceScope | null;
  resourceLine: string;
  simulateCommand: string | null;
  managedPolicies: ManagedPolicyMatch[];
  /** Outside the commercial partition: the suggestions are not known to exist there (and how to check). */
  managedPoliciesCaveat: string | null;
  decodedAuthorization: string | null;
  decodeCommand: string | null;
  diagnosisSummary: string | null;
  /** Who decided the diagnosis and the statements AWS matched (see `AlertFacts.verdict`). */
  verdict: Verdict | null;
  cloudTrailUrl: string | null;
  historyCommand: string;
}

/** The alert and its rendering, as a plain object ready for `JSON.stringify`. */
export function alertJson(alert: AlertSummary, options: RenderOptions = {}): AlertSummary & { rendering: AlertRendering } {
  const facts = alertFacts(alert, options);
  const fix = facts.fix;
  const rendering: AlertRendering = {
    severity: facts.severity,
    triage: facts.triage,
    lead: facts.triage.investigateFirst ? 'investigate' : 'fix',
    fix:
      fix.kind === 'allow'
        ? { kind: 'allow', where: phraseText(fix.primary.where), statement: fix.primary.statement, also: fix.also.map((extra) => ({ where: phraseText(extra.where), statement: extra.statement })), notes: fix.notes }
        : fix.kind === 'explicit-deny'
          ? { kind: 'explicit-deny', lookAt: phraseText(fix.lookAt), policyArn: fix.policyArn, showPolicyCommand: fix.showPolicyCommand }
          : fix,
    scope: facts.scope,
    resourceLine: phraseText(facts.resourceLine),
    simulateCommand: facts.simulate,
    managedPolicies: facts.managedPolicies,
    managedPoliciesCaveat: facts.managedPoliciesCaveat,
    decodedAuthorization: facts.decoding?.kind === 'decoded' ? facts.decoding.summary : null,
    decodeCommand: facts.decoding?.kind === 'command' ? facts.decoding.command : null,
    diagnosisSummary: facts.diagnosisSummary,
    verdict: facts.verdict,
    cloudTrailUrl: facts.links.cloudTrail,
    historyCommand: facts.historyCommand,
  };
  return cleanStrings({ ...alert, rendering });
}

/** A deep copy with every string passed through {@link sanitizeOutput}. */
function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return sanitizeOutput(value) as T;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = cleanStrings(value[index]);
    return copy as T;
  }
  if (value && typeof value === 'object') {
    // Plain loops: the entries/fromEntries form took half of a replay's alert output time.
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = cleanStrings((value as Record<string, unknown>)[key]);
    return copy as T;
  }
  return value;
}
