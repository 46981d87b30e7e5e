import { createHash } from 'node:crypto';

/**
 * A stable id of (account, principal, action, resource family): the same misconfiguration hit again and again has
 * one fingerprint. 20 hex characters of SHA-256; missing parts count as `-`.
 */
export function fingerprintOf(
  accountId: string | null,
  principalArn: string | null,
  action: string | null,
  resourceFamily: string | null,
): string {
  const key = `${accountId ?? '-'}|${principalArn ?? '-'}|${action ?? '-'}|${resourceFamily ?? '-'}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}
