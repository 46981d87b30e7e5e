/**
 * The denial filter of the extraction query, written from the classifier's own tables in
 * `lambdas/core/error-codes.ts` so the two cannot drift: exact codes, the `AccessDenied…` prefix and
 * `…UnauthorizedOperation` / `…AccessDenied` suffixes, codes that are a denial from one service (SNS
 * `AuthorizationError`), optional codes whose message is IAM's denial template outside Cognito, and the caller's extra
 * codes. Judged per service like `isDenialErrorCode`, so Cognito's failed sign-ins are not unloaded by the million.
 */
import {
  DENIAL_ERROR_CODE_PREFIX,
  DENIAL_ERROR_CODE_SUFFIXES,
  DENIAL_ERROR_CODES,
  IAM_DENIAL_PHRASE,
  OPTIONAL_DENIAL_ERROR_CODES,
  SERVICE_DENIAL_ERROR_CODES,
  SERVICES_WITHOUT_MESSAGE_RULE,
} from '../error-codes.js';
import { likePattern, sqlString } from './sql-text.js';

/** Which error codes the query keeps, and under which conditions. */
export interface ErrorCodeRules {
  /** Denials whatever the service (with the caller's extra codes). */
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  /** Event source → codes that are a denial from that service. */
  readonly byService: Readonly<Record<string, readonly string[]>>;
  /** Codes that are a denial when the message carries {@link ErrorCodeRules.messagePhrase}, outside `servicesWithoutMessageRule`. */
  readonly optional: readonly string[];
  readonly messagePhrase: string;
  readonly servicesWithoutMessageRule: readonly string[];
}

/** The classifier's rules, with the caller's extra codes counted as denials everywhere. */
export function denialCandidateRules(extraErrorCodes: readonly string[] = []): ErrorCodeRules {
  return {
    exact: [...new Set<string>([...DENIAL_ERROR_CODES, ...extraErrorCodes])],
    prefixes: [DENIAL_ERROR_CODE_PREFIX],
    suffixes: DENIAL_ERROR_CODE_SUFFIXES,
    byService: SERVICE_DENIAL_ERROR_CODES,
    optional: OPTIONAL_DENIAL_ERROR_CODES,
    messagePhrase: IAM_DENIAL_PHRASE,
    servicesWithoutMessageRule: SERVICES_WITHOUT_MESSAGE_RULE,
  };
}

/** What a rule looks at in a record. */
export interface ErrorCodeFields {
  errorCode?: string | null;
  eventSource?: string | null;
  errorMessage?: string | null;
}

/** The rules applied in JavaScript exactly as the SQL applies them (for tests and local filtering). */
export function matchesErrorCodeRules(rules: ErrorCodeRules, record: ErrorCodeFields): boolean {
  const code = record.errorCode;
  if (!code) return false;
  if (rules.exact.includes(code) || rules.prefixes.some((p) => code.startsWith(p)) || rules.suffixes.some((s) => code.endsWith(s))) return true;
  const source = record.eventSource ?? null;
  if (source === null) return false;
  if (Object.hasOwn(rules.byService, source) && rules.byService[source]!.includes(code)) return true;
  return (
    rules.optional.includes(code) &&
    !rules.servicesWithoutMessageRule.includes(source) &&
    typeof record.errorMessage === 'string' &&
    record.errorMessage.includes(rules.messagePhrase)
  );
}

/** The SQL predicate over the `errorcode`, `eventsource` and `errormessage` columns. */
export function errorCodePredicateSql(rules: ErrorCodeRules): string {
  const list = (values: readonly string[]) => values.map(sqlString).join(', ');
  const terms = [
    `errorcode IN (${list(rules.exact)})`,
    ...rules.prefixes.map((prefix) => `errorcode LIKE ${likePattern(prefix, { after: true })}`),
    ...rules.suffixes.map((suffix) => `errorcode LIKE ${likePattern(suffix, { before: true })}`),
    ...Object.entries(rules.byService).map(([source, codes]) => `(eventsource = ${sqlString(source)} AND errorcode IN (${list(codes)}))`),
  ];
  if (rules.optional.length > 0) {
    terms.push(
      `(errorcode IN (${list(rules.optional)}) AND eventsource NOT IN (${list(rules.servicesWithoutMessageRule)}) AND errormessage LIKE ${likePattern(rules.messagePhrase, { before: true, after: true })})`,
    );
  }
  return `(${terms.join(' OR ')})`;
}
