/**
 * The `errorcode` filter of the extraction query, derived from the classifier's own error-code lists so the two cannot
 * drift. The query selects candidates, a superset of denials (every exact code, every optional per-service code, the
 * `AccessDenied…` / `…UnauthorizedOperation` / `…AccessDenied` shapes); the replayed engine then judges each record
 * with `isDenialErrorCode`, the per-service rules and the user's `extraErrorCodes`, exactly as the Lambda does.
 */
import { DENIAL_ERROR_CODES, OPTIONAL_DENIAL_ERROR_CODES } from '../error-codes.js';
import { likePattern, sqlString } from './sql-text.js';

/** Which error codes the query keeps. */
export interface ErrorCodeRules {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
}

/** The shapes `isDenialErrorCode` accepts beyond its exact list (see `lambdas/core/error-codes.ts`). */
const DENIAL_CODE_PREFIXES = ['AccessDenied'] as const;
const DENIAL_CODE_SUFFIXES = ['UnauthorizedOperation', 'AccessDenied'] as const;

/** The candidate rules: every code the classifier may count as a denial, with the caller's extra codes. */
export function denialCandidateRules(extraErrorCodes: readonly string[] = []): ErrorCodeRules {
  const exact = [...new Set<string>([...DENIAL_ERROR_CODES, ...OPTIONAL_DENIAL_ERROR_CODES, ...extraErrorCodes])];
  return { exact, prefixes: DENIAL_CODE_PREFIXES, suffixes: DENIAL_CODE_SUFFIXES };
}

/** The rules applied in JavaScript, as the SQL applies them (for tests and local filtering). */
export function matchesErrorCodeRules(rules: ErrorCodeRules, code: string | null | undefined): boolean {
  if (!code) return false;
  return rules.exact.includes(code) || rules.prefixes.some((p) => code.startsWith(p)) || rules.suffixes.some((s) => code.endsWith(s));
}

/** The SQL predicate over the `errorcode` column. */
export function errorCodePredicateSql(rules: ErrorCodeRules, column = 'errorcode'): string {
  const terms = [
    `${column} IN (${rules.exact.map(sqlString).join(', ')})`,
    ...rules.prefixes.map((prefix) => `${column} LIKE ${likePattern(prefix, { after: true })}`),
    ...rules.suffixes.map((suffix) => `${column} LIKE ${likePattern(suffix, { before: true })}`),
  ];
  return `(${terms.join(' OR ')})`;
}
