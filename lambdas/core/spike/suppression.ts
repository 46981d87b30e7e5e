/**
 * Suppressions: denials that are kept in history but never alert. Patterns use `*` (any run) and `?` (one character)
 * and match the whole value, case-insensitively.
 */
import type { SuppressionRule } from '../config.js';
import type { Denial } from '../types.js';

/**
 * Built-in suppressions of well-known AWS-internal noise (the classic false positives of "unauthorized API call"
 * alarms). Turn them off with the `builtInSuppressions: false` setting.
 */
export const BUILT_IN_SUPPRESSIONS: readonly SuppressionRule[] = [
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
];

type CompiledRule = { name: string; tests: Array<(denial: Denial) => boolean> };

/** Compiles rules once; the returned function names the first rule a denial matches, or null. */
export function compileSuppressions(rules: readonly SuppressionRule[]): (denial: Denial) => string | null {
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
    return { name: rule.name, tests };
  });
  return (denial) => compiled.find((rule) => rule.tests.every((test) => test(denial)))?.name ?? null;
}

/** `*` and `?` glob to an anchored, case-insensitive regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}
