/**
 * One line per stored change for `history --changes` on a terminal (JSON lines otherwise). The text comes from
 * events: control characters are replaced, each field is cut.
 */
import type { AuthorizationChange } from './change.js';

const clean = (value: string | null, max: number): string => {
  if (!value) return '-';
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** `time  who  call  target  policy` of one change. */
export function formatChangeLine(change: AuthorizationChange): string {
  const target = change.principalArn ?? change.resourceArn ?? change.organizationTargetId;
  const policy = change.policyArn ?? change.organizationPolicyId;
  return [
    clean(change.eventTime, 30),
    clean(change.actorArn, 90) + (change.actorSession ? ` (${clean(change.actorSession, 40)})` : ''),
    clean(`${change.eventSource.replace('.amazonaws.com', '')}:${change.eventName}`, 70),
    clean(target, 120),
    clean(policy, 120),
  ].join('  ');
}
