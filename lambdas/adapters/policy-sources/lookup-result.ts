/**
 * The outcome of one policy lookup: the policy, none, or why it could not be read. A lookup refused for lack of
 * permission is recorded, never fatal: the alert says what could not be checked.
 */
export type Lookup<T> = { status: 'found'; value: T } | { status: 'none' } | { status: 'not-permitted' | 'failed'; what: string; reason: string };

const NOT_PERMITTED = /AccessDenied|UnauthorizedOperation|AuthorizationError|not authorized|AWSOrganizationsNotInUse/i;
const NONE = /NoSuch|NotFound|ResourceNotFound|NoSuchBucketPolicy|RepositoryPolicyNotFound|EntityNotFound/i;

/** Runs a lookup, turning "no policy" and "not permitted" answers into results. */
export async function lookup<T>(what: string, read: () => Promise<T | null>): Promise<Lookup<T>> {
  try {
    const value = await read();
    return value === null ? { status: 'none' } : { status: 'found', value };
  } catch (error) {
    const err = error as Error & { name?: string; Code?: string };
    const code = `${err.name ?? ''} ${err.Code ?? ''} ${err.message ?? ''}`;
    if (NONE.test(code)) return { status: 'none' };
    if (NOT_PERMITTED.test(code)) return { status: 'not-permitted', what, reason: err.name ?? 'AccessDenied' };
    return { status: 'failed', what, reason: err.message };
  }
}

/** The document of a policy string as IAM returns it (URL-encoded JSON) or as other services do (plain JSON). */
export function parsePolicyText(text: string): import('../../core/iam-policy/types.js').PolicyDocument {
  const decoded = text.trim().startsWith('%7B') || text.trim().startsWith('%7b') ? decodeURIComponent(text) : text;
  return JSON.parse(decoded) as import('../../core/iam-policy/types.js').PolicyDocument;
}
