/**
 * The outcome of one policy lookup: the policy, none, or why it could not be read. A lookup refused for lack of
 * permission is recorded, never fatal: the alert says what could not be checked.
 */
export type Lookup<T> = { status: 'found'; value: T } | { status: 'none' } | { status: 'not-permitted' | 'failed'; what: string; reason: string };

const NOT_PERMITTED = /AccessDenied|UnauthorizedOperation|AuthorizationError|not authorized|AWSOrganizationsNotInUse/i;
const NONE = /NoSuch|NotFound|ResourceNotFound|NoSuchBucketPolicy|RepositoryPolicyNotFound|EntityNotFound/i;

/** One API call of a lookup failed; `what` names the call and its target (`iam:GetRolePolicy on role/app`). */
export class PolicyLookupCallError extends Error {
  constructor(
    readonly what: string,
    options: { cause: unknown },
  ) {
    super(`${what}: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
    this.name = 'PolicyLookupCallError';
  }
}

/** Runs one API call, naming it in the error when it fails (so a refusal says exactly which permission is missing). */
export async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new PolicyLookupCallError(what, { cause: error });
  }
}

/** Runs a lookup, turning "no policy" and "not permitted" answers into results. */
export async function lookup<T>(what: string, read: () => Promise<T | null>): Promise<Lookup<T>> {
  try {
    const value = await read();
    return value === null ? { status: 'none' } : { status: 'found', value };
  } catch (error) {
    const step = error instanceof PolicyLookupCallError ? error : null;
    const err = (step ? step.cause : error) as Error & { name?: string; Code?: string };
    const code = `${err?.name ?? ''} ${err?.Code ?? ''} ${err?.message ?? ''}`;
    const named = step?.what ?? what;
    if (NONE.test(code)) return { status: 'none' };
    if (NOT_PERMITTED.test(code)) return { status: 'not-permitted', what: named, reason: err?.name ?? 'AccessDenied' };
    return { status: 'failed', what: named, reason: err?.message ?? String(err) };
  }
}

/** The document of a policy string as IAM returns it (URL-encoded JSON) or as other services do (plain JSON). */
export function parsePolicyText(text: string): import('../../core/iam-policy/types.js').PolicyDocument {
  const decoded = text.trim().startsWith('%7B') || text.trim().startsWith('%7b') ? decodeURIComponent(text) : text;
  return JSON.parse(decoded) as import('../../core/iam-policy/types.js').PolicyDocument;
}
