/**
 * Which CloudTrail `errorCode` values mean that authorization was refused, judged with the service that answered.
 *
 * AWS spells the same refusal differently per protocol and service: `AccessDenied` (query and REST-XML services),
 * `AccessDeniedException` (JSON services), `Client.UnauthorizedOperation` / `UnauthorizedOperation` (EC2),
 * `VpceAccessDenied` (network-activity events), and a few more. Some codes mean "denied" in one service and something
 * else in another: SNS answers `AuthorizationError` with IAM's "is not authorized to perform" message, while Cognito's
 * `NotAuthorizedException` is a wrong password. Those are judged by service and by message. Codes that merely look
 * alike are authentication or validation failures (`InvalidClientTokenId`, `ExpiredToken`, `AuthFailure`,
 * `Client.DryRunOperation`) and are never denials.
 *
 * `lib/event-pattern.ts` builds the EventBridge rule from the same tables, so that the rule and this function agree.
 */

/** Exact codes always treated as denials. */
export const DENIAL_ERROR_CODES = [
  'AccessDenied',
  'AccessDeniedException',
  'Client.AccessDenied',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'VpceAccessDenied',
  'AccessDeniedForDependencyException',
] as const;

/** Prefix and suffixes that make any code a denial (`AccessDeniedByPolicy`, `Client.VpceAccessDenied`). */
export const DENIAL_ERROR_CODE_PREFIX = 'AccessDenied';
export const DENIAL_ERROR_CODE_SUFFIXES = ['UnauthorizedOperation', 'AccessDenied'] as const;

/**
 * Codes that are a denial from one service whatever the message says (event source → codes), each from the service's
 * own API reference. The EventBridge rule (`lib/event-pattern.ts`) and the Athena predicate
 * (`athena/denial-predicate.ts`) are written from this table, so the three agree.
 */
export const SERVICE_DENIAL_ERROR_CODES: Readonly<Record<string, readonly string[]>> = {
  // SNS API Reference, Publish, Errors: "AuthorizationError: Indicates that the user has been denied access to the
  // requested resource." (HTTP 403), with IAM's "is not authorized to perform: SNS:Publish" message.
  'sns.amazonaws.com': ['AuthorizationError'],
  // AWS Resource Explorer API Reference, UnauthorizedException: "The principal making the request isn't permitted to
  // perform the operation." (HTTP 401)
  'resource-explorer-2.amazonaws.com': ['UnauthorizedException'],
  // API Gateway (REST management API) Reference, UnauthorizedException: "The request is denied because the caller has
  // insufficient permissions." (HTTP 401)
  'apigateway.amazonaws.com': ['UnauthorizedException'],
  // AWS Resource Groups API Reference, ForbiddenException: "The caller isn't authorized to make the request. Check
  // permissions." (HTTP 403)
  'resource-groups.amazonaws.com': ['ForbiddenException'],
};

/**
 * Codes that some services use for an authorization refusal and others for other failures. They count as a denial
 * when the message is IAM's own template ({@link IAM_DENIAL_PHRASE}), outside the services of
 * {@link SERVICES_WITHOUT_MESSAGE_RULE}; otherwise only with the `extraErrorCodes` setting.
 */
export const OPTIONAL_DENIAL_ERROR_CODES = [
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedException',
  'ForbiddenException',
  'NotAuthorizedException',
] as const;

/** The phrase of IAM's denial template that every "not authorized" message carries. */
export const IAM_DENIAL_PHRASE = 'is not authorized to perform';

/**
 * Services whose optional codes never mean an IAM refusal, whatever the message: Cognito's `NotAuthorizedException`
 * is a failed sign-in (wrong password, disabled user, expired refresh token).
 */
export const SERVICES_WITHOUT_MESSAGE_RULE = ['cognito-idp.amazonaws.com', 'cognito-identity.amazonaws.com'] as const;

/** What besides the code decides: the service that answered and its message. */
export interface ErrorCodeContext {
  eventSource?: string | null;
  errorMessage?: string | null;
}

const EXACT = new Set<string>(DENIAL_ERROR_CODES);
const OPTIONAL = new Set<string>(OPTIONAL_DENIAL_ERROR_CODES);
const NO_MESSAGE_RULE = new Set<string>(SERVICES_WITHOUT_MESSAGE_RULE);
const EMPTY: ReadonlySet<string> = new Set();

/**
 * True when the code means authorization was refused: an exact known code, any `AccessDenied…` prefix, any
 * `…UnauthorizedOperation` or `…AccessDenied` suffix, a code the answering service uses for a refusal (SNS
 * `AuthorizationError`), an optional code whose message is IAM's denial template (not from Cognito), or one of the
 * caller's extra codes.
 *
 * @example isDenialErrorCode('AuthorizationError', undefined, { eventSource: 'sns.amazonaws.com' }) // true
 * @example isDenialErrorCode('NotAuthorizedException', undefined, { eventSource: 'cognito-idp.amazonaws.com' }) // false
 */
export function isDenialErrorCode(code: string | undefined | null, extraCodes: ReadonlySet<string> = EMPTY, context: ErrorCodeContext = {}): boolean {
  if (!code) return false;
  if (EXACT.has(code) || extraCodes.has(code)) return true;
  if (code.startsWith(DENIAL_ERROR_CODE_PREFIX) || DENIAL_ERROR_CODE_SUFFIXES.some((suffix) => code.endsWith(suffix))) return true;
  const source = context.eventSource ?? null;
  if (source !== null && Object.hasOwn(SERVICE_DENIAL_ERROR_CODES, source) && SERVICE_DENIAL_ERROR_CODES[source]!.includes(code)) return true;
  if (!OPTIONAL.has(code) || source === null || NO_MESSAGE_RULE.has(source)) return false;
  // The whole message, like the rule's `wildcard` on errorMessage (one linear `includes`).
  return typeof context.errorMessage === 'string' && context.errorMessage.includes(IAM_DENIAL_PHRASE);
}
