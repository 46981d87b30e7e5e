/**
 * Suppressions: denials that are kept in history but never alert. Patterns use `*` (any run) and `?` (one character)
 * and match the whole value, case-insensitively.
 */
import type { SuppressionRule } from '../config.js';
import type { CloudTrailRecord, Denial } from '../types.js';

/**
 * What a built-in rule may also test besides the glob fields: the console session flag and whether the call only
 * reads. Both come from CloudTrail itself (not from the caller), unlike the user agent.
 */
export interface ConsoleFacts {
  /** CloudTrail's `sessionCredentialFromConsole` (`"true"` in real records, `true` in some test fixtures). */
  consoleSession?: boolean | null;
  /** CloudTrail's `readOnly`. */
  readOnly?: boolean | null;
}

/** A denial as the suppressions see it: the classified denial plus the console facts when the classifier carries them. */
export type SuppressibleDenial = Denial & ConsoleFacts;

/** A suppression rule: the glob fields of a user rule, and the built-in console conditions. */
export interface SuppressionMatcher extends SuppressionRule {
  /** The session's credentials came from a console sign-in. */
  consoleSession?: true;
  /** The call only reads (CloudTrail's `readOnly`, else a `Get`/`List`/`Describe`/`Head`/… action name). */
  readOnlyCall?: true;
  /** The user agent is a web browser (or the console's own agent). */
  browserUserAgent?: true;
}

/** `sessionCredentialFromConsole` of a record, as a boolean (real records carry the string `"true"`). */
export function consoleSessionOf(record: CloudTrailRecord): boolean {
  const flag = record.sessionCredentialFromConsole;
  return flag === true || flag === 'true';
}

/** Action verbs that only read. */
const READ_ONLY_ACTION = /:(?:Get|List|Describe|Head|Search|Lookup|BatchGet|Select|View)[A-Z]?/;
/** A browser: every current browser sends `Mozilla/5.0 (…)` with a rendering engine token; the console's own agents. */
const BROWSER_AGENT = /^Mozilla\/5\.0 \(.+\b(?:AppleWebKit|Gecko|Trident)\/|^(?:[a-z0-9-]+\.)?console\.amazonaws\.com$|^signin\.amazonaws\.com$/i;

/** True when the call only reads: CloudTrail's `readOnly` when known, else the action's verb. */
export function isReadOnlyCall(denial: SuppressibleDenial): boolean {
  if (typeof denial.readOnly === 'boolean') return denial.readOnly;
  return READ_ONLY_ACTION.test(denial.action ?? '');
}

/**
 * Built-in suppressions of well-known AWS-internal noise (the classic false positives of "unauthorized API call"
 * alarms). Turn them off with the `builtInSuppressions: false` setting.
 */
export const BUILT_IN_SUPPRESSIONS: readonly SuppressionMatcher[] = [
  { name: 'aws-service-principal', principal: '*.amazonaws.com' },
  // Services that scan configuration on a role's behalf. Not every `*.amazonaws.com` source: a KMS denial with
  // source `s3.amazonaws.com` is the hidden half of an S3 denial and must stay visible.
  { name: 'aws-config-scan', sourceIp: 'config.amazonaws.com' },
  { name: 'log-delivery', sourceIp: 'delivery.logs.amazonaws.com' },
  { name: 'access-analyzer-scan', sourceIp: 'access-analyzer.amazonaws.com' },
  { name: 'resource-explorer-scan', sourceIp: 'resource-explorer-2.amazonaws.com' },
  { name: 'trusted-advisor-scan', sourceIp: 'trustedadvisor.amazonaws.com' },
  { name: 'aws-internal-user-agent', userAgent: 'AWS Internal' },
  { name: 's3-head-bucket-probe', action: 's3:ListBucket', userAgent: '*console.amazonaws.com*' },
  { name: 'console-page-load', userAgent: '*console.amazonaws.com*', action: '*:Describe*' },
  { name: 'console-page-load-list', userAgent: '*console.amazonaws.com*', action: '*:List*' },
  { name: 'console-page-load-get', userAgent: '*console.amazonaws.com*', action: '*:Get*' },
  { name: 'aws-health-and-support-probes', action: 'health:Describe*' },
  // A console page load: the console calls every Describe/List/Get the page shows, with the signed-in user's
  // session, and some are denied. `sessionCredentialFromConsole` is set by CloudTrail (a script cannot fake it); the
  // browser user agent alone could be (an attacker enumerating with `Mozilla/5.0` would be hidden), so both must hold.
  { name: 'console-session-read-only', consoleSession: true, readOnlyCall: true, browserUserAgent: true },
];

type CompiledRule = { name: string; tests: Array<(denial: SuppressibleDenial) => boolean> };

/** Compiles rules once; the returned function names the first rule a denial matches, or null. */
export function compileSuppressions(rules: readonly SuppressionMatcher[]): (denial: SuppressibleDenial) => string | null {
  const compiled: CompiledRule[] = rules.map((rule) => {
    const tests: CompiledRule['tests'] = [];
    const add = (pattern: string | undefined, pick: (denial: Denial) => string | null) => {
      if (pattern === undefined) return;
      const regex = globToRegExp(pattern);
      tests.push((denial) => regex.test(pick(denial) ?? ''));
    };
    add(rule.principal, (d) => d.principalArn);
    add(rule.action, (d) => d.action);
    add(rule.eventSource, (d) => d.eventSource);
    add(rule.sourceIp, (d) => d.sourceIp);
    add(rule.userAgent, (d) => d.userAgent);
    if (rule.consoleSession) tests.push((d) => d.consoleSession === true);
    if (rule.readOnlyCall) tests.push(isReadOnlyCall);
    if (rule.browserUserAgent) tests.push((d) => BROWSER_AGENT.test(d.userAgent ?? ''));
    return { name: rule.name, tests };
  });
  return (denial) => compiled.find((rule) => rule.tests.every((test) => test(denial)))?.name ?? null;
}

/** `*` and `?` glob to an anchored, case-insensitive regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}
