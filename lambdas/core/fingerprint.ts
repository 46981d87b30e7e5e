import { createHash } from 'node:crypto';
import { principalKeyOf } from './principal.js';

/**
 * A stable id of (account, principal, action, resource family): the same misconfiguration hit again and again has
 * one fingerprint. 20 hex characters of SHA-256; missing parts count as `-`.
 *
 * The principal is counted by {@link principalKeyOf}: a role (or user) by its name without path, an assumed-role
 * session as its role, so that a record lacking `sessionContext` (path unknown) or `userIdentity` (principal read from
 * the message) gives the same fingerprint as a full record of the same role. A role without a path keys as its ARN,
 * so its fingerprint is unchanged.
 */
export function fingerprintOf(
  accountId: string | null,
  principalArn: string | null,
  action: string | null,
  resourceFamily: string | null,
): string {
  const key = `${accountId ?? '-'}|${principalKeyOf(principalArn) ?? '-'}|${action ?? '-'}|${resourceFamily ?? '-'}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}
