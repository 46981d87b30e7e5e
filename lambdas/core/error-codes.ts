/**
 * Which CloudTrail `errorCode` values mean that authorization was refused.
 *
 * AWS spells the same refusal differently per protocol and service: `AccessDenied` (query and REST-XML services),
 * `AccessDeniedException` (JSON services), `Client.UnauthorizedOperation` / `UnauthorizedOperation` (EC2),
 * `VpceAccessDenied` (network-activity events), and a few more. Codes that merely look alike are authentication or
 * validation failures (`InvalidClientTokenId`, `ExpiredToken`, `AuthFailure`, `Client.DryRunOperation`) and are not
 * denials.
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

/**
 * Codes some services use for an authorization refusal but that other services use for other failures (Cognito's
 * `NotAuthorizedException` is a wrong password). Off by default; enable with the `extraErrorCodes` setting.
 */
export const OPTIONAL_DENIAL_ERROR_CODES = [
  'AuthorizationError',
  'AuthorizationErrorException',
  'UnauthorizedException',
  'ForbiddenException',
  'NotAuthorizedException',
] as const;

const EXACT = new Set<string>(DENIAL_ERROR_CODES);

/**
 * True when the code means authorization was refused: an exact known code, any `AccessDenied…` prefix, any
 * `…UnauthorizedOperation` or `…AccessDenied` suffix, or one of the caller's extra codes.
 */
export function isDenialErrorCode(code: string | undefined | null, extraCodes: ReadonlySet<string> = EMPTY): boolean {
  if (!code) return false;
  if (EXACT.has(code) || extraCodes.has(code)) return true;
  return code.startsWith('AccessDenied') || code.endsWith('UnauthorizedOperation') || code.endsWith('AccessDenied');
}

const EMPTY: ReadonlySet<string> = new Set();
