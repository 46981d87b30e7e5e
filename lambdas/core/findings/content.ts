/**
 * What a finding says, shared by the ASFF and OCSF mappings: the rule that generated it, its title, description,
 * remediation and links, all from the same facts the Slack and SNS renderings show (`render/alert-facts.ts`).
 * Every string is plain text with untrusted parts sanitized and cut ({@link fitLine}, {@link fitText}).
 */
import type { AlertReason, AlertSummary, Severity } from '../alert.js';
import { alertFacts, type AlertFacts } from '../render/alert-facts.js';
import { phraseText } from '../render/phrase.js';
import { NO_POLICY_FIX } from '../service-rules/service-refusal.js';
import { ASFF_LIMITS, fitLine, fitText, UNSTATED_TEXT_MAX } from './limits.js';

/** The detection rule behind an alert: escalations belong to the spike rule, so an incident keeps one generator. */
export type RuleKind = 'spike' | 'first-seen' | 'distinct-resources' | 'distinct-actions' | 'blinding';

const RULE_OF_REASON: Record<AlertReason, RuleKind> = {
  threshold: 'spike',
  escalation: 'spike',
  'first-seen': 'first-seen',
  'distinct-resources': 'distinct-resources',
  'distinct-actions': 'distinct-actions',
  // A blinding change (a trail stopped, the alerter's rule disabled) is no denial spike: a rule of its own.
  blinding: 'blinding',
};

export function ruleKindOf(alert: Pick<AlertSummary, 'reason'>): RuleKind {
  return RULE_OF_REASON[alert.reason] ?? 'spike';
}

const RULE_TITLE: Record<RuleKind, string> = {
  spike: 'AccessDenied spike',
  'first-seen': 'New AccessDenied',
  'distinct-resources': 'One caller denied on many resources',
  'distinct-actions': 'One caller denied many actions',
  blinding: 'Logging disabled or narrowed',
};

/** IAM's troubleshooting page for access-denied errors: the remediation link when the alert has none closer. */
export const ACCESS_DENIED_GUIDE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html';

/** CloudTrail's security best practices (keep trails logging, watch who changes them): a blinding alert's remediation link. */
export const CLOUDTRAIL_SECURITY_GUIDE = 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html';

/** What both mappings show of one alert. */
export interface FindingContent {
  facts: AlertFacts;
  rule: RuleKind;
  severity: Severity;
  title: string;
  description: string;
  recommendation: { text: string; url: string };
  /** The CloudTrail console page of the sample event, or null (no Region, a partition without that console). */
  sourceUrl: string | null;
}

/** The content of an alert's finding. */
export function findingContent(alert: AlertSummary): FindingContent {
  const facts = alertFacts(alert);
  const rule = ruleKindOf(alert);
  return {
    facts,
    rule,
    severity: facts.severity,
    title: fitLine(`${RULE_TITLE[rule]}: ${facts.headline}`, ASFF_LIMITS.title),
    description: fitText(descriptionOf(facts), ASFF_LIMITS.description),
    recommendation: {
      text: fitText(recommendationOf(facts), ASFF_LIMITS.recommendationText),
      url: fitLine(alert.blinding ? CLOUDTRAIL_SECURITY_GUIDE : (alert.serviceRefusal?.reference ?? facts.links.authorizationDetails ?? ACCESS_DENIED_GUIDE), UNSTATED_TEXT_MAX),
    },
    sourceUrl: facts.links.cloudTrail,
  };
}

/** Most telling first, since the description is cut at 1,024 characters: when, why, triage, what changed, the message. */
function descriptionOf(facts: AlertFacts): string {
  const { alert, triage } = facts;
  const blinding = alert.blinding;
  if (blinding) {
    // A call that succeeded: no "denied", no layer; what the alerter no longer sees, who did it, and the undo.
    const by = blinding.actorArn ?? alert.principalArn ?? 'an unknown principal';
    const lines = [`${blinding.eventName} by ${by} at ${blinding.eventTime} succeeded: ${blinding.effect}.`, 'Nothing was denied: the alerter no longer sees what this covered.'];
    for (const signal of triage.signals.slice(0, 3)) lines.push(`Triage: ${signal.reason}`);
    lines.push(`Undo: ${blinding.undo}`);
    return lines.map((line) => fitLine(line, ASFF_LIMITS.description)).join('\n');
  }
  const lines = [`${alert.action} was denied ${facts.when} (${facts.history}).`];
  // A refusal no policy lifts (cross-account PassRole, failed authentication) says so first, whatever else is known.
  if (alert.serviceRefusal) lines.push(`${NO_POLICY_FIX}: ${alert.serviceRefusal.why}.`);
  else lines.push(facts.diagnosisSummary ?? `Denied by the ${alert.denyLayer} layer (${alert.denyKind} deny).`);
  if (triage.investigateFirst) lines.push('Investigate before granting anything.');
  for (const signal of triage.signals.slice(0, 3)) lines.push(`Triage: ${signal.reason}`);
  for (const change of facts.changes.slice(0, 2)) lines.push(`What changed: ${change.summary}`);
  if (facts.errorMessage) lines.push(`Message: ${facts.errorMessage}`);
  return lines.map((line) => fitLine(line, ASFF_LIMITS.description)).join('\n');
}

function recommendationOf(facts: AlertFacts): string {
  const fix = facts.fix;
  const refusal = facts.alert.serviceRefusal;
  if (refusal) {
    const investigate = facts.triage.investigateFirst ? ` Investigate first: ${(facts.triage.signals[0]?.reason ?? 'the triage flags this spike').replace(/\.$/, '')}.` : '';
    return `${NO_POLICY_FIX}. What does: ${refusal.remedy}.${investigate}`;
  }
  if (facts.alert.blinding) return `Investigate first: who made this change and why. If it was not intended, undo it: ${facts.alert.blinding.undo}`;
  if (facts.triage.investigateFirst) return `Investigate first: ${(facts.triage.signals[0]?.reason ?? 'the triage flags this spike').replace(/\.$/, '')}. Grant nothing until the caller is known.`;
  if (fix.kind === 'allow') return `If the caller should be allowed: add an Allow of ${fix.action} in ${phraseText(fix.primary.where, 200)}.`;
  if (fix.kind === 'explicit-deny') return `An explicit Deny refuses ${fix.action}: look at ${phraseText(fix.lookAt, 200)} before granting anything.`;
  return `No fix suggested: ${fix.reason}.`;
}
