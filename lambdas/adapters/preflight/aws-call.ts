/**
 * One AWS call of a preflight check, its failure sorted into what the checklist says about it: access denied (name
 * the permission, go on), throttled after the SDK's own retries, an endpoint not reached, or a failure that ends the
 * whole run in one line (no credentials, credentials refused, an expired session).
 *
 * Error codes: AWS's common errors (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html and the
 * same page of each service: `AccessDeniedException`, `ExpiredTokenException`, `ThrottlingException`,
 * `UnrecognizedClientException`, …); the Query services (STS, SNS, CloudFormation) spell them `AccessDenied`,
 * `ExpiredToken`, `Throttling`, `AuthorizationError` (SNS).
 */
import type { CallFailure } from '../../core/preflight/checklist.js';

/** Ends the run: every later call would fail the same way. Its message is one line for the user. */
export class PreflightAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightAbort';
  }
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'AuthorizationErrorException', 'UnauthorizedOperation', 'UnauthorizedException', 'Forbidden']);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'SlowDown']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const REFUSED = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'IncompleteSignature', 'AuthFailure', 'MissingAuthenticationToken']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

type ErrorLike = { name?: string; code?: string; message?: string; errors?: unknown[]; cause?: unknown; $metadata?: { httpStatusCode?: number } };

/** The first line of an error's message, without the SDK's long hints. */
function firstLine(error: ErrorLike): string {
  return String(error.message ?? error.name ?? 'unknown error').split('\n')[0]!.trim();
}

/** The network error code of an error (Node's, or of an AggregateError's first error), if it is one. */
function networkCode(error: ErrorLike): string | undefined {
  if (error.code && NETWORK.has(error.code)) return error.code;
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout') return 'timed out';
  const inner = (error.errors?.[0] ?? error.cause) as ErrorLike | undefined;
  return inner && typeof inner === 'object' ? networkCode(inner) : undefined;
}

/**
 * Sorts an error: returns the check's failure, or throws {@link PreflightAbort} for failures that end the run.
 *
 * @param service - for messages (`CloudTrail`, `Service Quotas`, …)
 */
export function classifyFailure(error: unknown, permission: string, service: string): CallFailure {
  const failure = (error ?? {}) as ErrorLike;
  const name = failure.name ?? '';
  if (name === 'CredentialsProviderError' || /could not load credentials|Could not resolve credentials/i.test(firstLine(failure))) {
    throw new PreflightAbort(`no AWS credentials: ${firstLine(failure)} (give --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login)`);
  }
  if (EXPIRED.has(name)) throw new PreflightAbort(`the AWS session has expired (${service} said ${name}): refresh your credentials (aws sso login, or new temporary keys) and run preflight again`);
  if (REFUSED.has(name)) throw new PreflightAbort(`${service} refused the credentials (${name}: ${firstLine(failure)}): check the access key, the profile and the Region's partition`);
  if (DENIED.has(name)) return { kind: 'denied', permission, message: firstLine(failure) };
  if (THROTTLED.has(name) || failure.$metadata?.httpStatusCode === 429) return { kind: 'throttled', permission, message: firstLine(failure) };
  const network = networkCode(failure);
  if (network) return { kind: 'unreachable', permission, message: `${service} endpoint: ${network}` };
  return { kind: 'other', permission, message: `${name ? `${name}: ` : ''}${firstLine(failure)}` };
}

/** Whether a value is a call's failure rather than its result. */
export function isCallFailure(value: unknown): value is CallFailure {
  return typeof value === 'object' && value !== null && 'kind' in value && 'permission' in value && typeof (value as CallFailure).permission === 'string';
}

/**
 * Runs one call; an error the caller expects (`expected` returns a value for it, e.g. "not found") becomes that
 * value, any other becomes a {@link CallFailure} (or ends the run).
 */
export async function attempt<T, E = never>(permission: string, service: string, call: () => Promise<T>, expected?: (error: ErrorLike) => E | undefined): Promise<T | E | CallFailure> {
  try {
    return await call();
  } catch (error) {
    const known = expected?.((error ?? {}) as ErrorLike);
    if (known !== undefined) return known;
    return classifyFailure(error, permission, service);
  }
}
