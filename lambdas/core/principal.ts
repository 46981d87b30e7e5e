/**
 * Resolves who made a call from CloudTrail's `userIdentity`: the IAM principal that policies are attached to, and
 * the details that name the human beside it.
 */
import type { CloudTrailRecord, PrincipalInfo } from './types.js';

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)(?:\/(.+))?$/;
const IAM_PRINCIPAL = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\//;
/** Longer than any IAM ARN (role path 512 + name 64 + prefix): never an ARN to key on. */
const MAX_PRINCIPAL_ARN = 2048;
const ACCOUNT_IN_ARN = /^arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/;

/**
 * The principal of a record.
 *
 * - AssumedRole: the role (`sessionContext.sessionIssuer.arn`, path included), else the role rebuilt from the `sts`
 *   ARN (path unknown); the session name is kept beside it.
 * - IAMUser, Root, FederatedUser: their own ARN. AWSService: the service principal (`invokedBy`).
 * - AWSAccount (a caller known only by account), IdentityCenterUser and others without an ARN: null.
 */
export function resolvePrincipal(record: CloudTrailRecord): PrincipalInfo {
  const identity = record.userIdentity ?? {};
  const type = typeof identity.type === 'string' ? identity.type : null;
  const callerArn = typeof identity.arn === 'string' ? identity.arn : null;
  const issuer = identity.sessionContext?.sessionIssuer;
  const assumed = callerArn ? ASSUMED_ROLE.exec(callerArn) : null;
  const invokedBy = typeof identity.invokedBy === 'string' ? identity.invokedBy : null;

  let principalArn: string | null = null;
  let sessionName: string | null = null;
  if (issuer?.type === 'Role' && issuer.arn) {
    principalArn = issuer.arn;
    sessionName = assumed?.[4] ?? null;
  } else if (assumed) {
    sessionName = assumed[4] ?? null;
    principalArn = `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  } else if (type === 'AWSService') {
    principalArn = invokedBy;
  } else if (type !== 'AWSAccount' && type !== 'IdentityCenterUser') {
    principalArn = callerArn;
  }
  if (!sessionName && type === 'AssumedRole' && typeof identity.principalId === 'string') {
    const colon = identity.principalId.indexOf(':');
    if (colon > 0) sessionName = identity.principalId.slice(colon + 1);
  }
  const accountId =
    (typeof identity.accountId === 'string' && identity.accountId) ||
    (callerArn ? ACCOUNT_IN_ARN.exec(callerArn)?.[1] : undefined) ||
    (type === 'AWSService' ? record.recipientAccountId : undefined) ||
    null;
  const mfa = identity.sessionContext?.attributes?.mfaAuthenticated;
  return {
    principalArn,
    principalType: type,
    accountId,
    callerArn,
    sessionName,
    sourceIdentity: identity.sessionContext?.sourceIdentity ?? null,
    identityCenterUserId: identity.onBehalfOf?.userId ?? null,
    mfaAuthenticated: mfa === 'true' ? true : mfa === 'false' ? false : null,
    invokedBy,
  };
}

/**
 * The IAM principal an ARN printed in a message stands for: an assumed-role session (`arn:aws:sts::…:assumed-role/R/s`)
 * is its role `arn:aws:iam::…:role/R` (path unknown); other ARNs are returned as they are.
 */
export function principalOfArn(arn: string | null): string | null {
  if (!arn || arn.length > MAX_PRINCIPAL_ARN) return null;
  const assumed = ASSUMED_ROLE.exec(arn);
  return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : arn;
}

/**
 * The key one principal is counted under, whatever fields a record lacks: a role or user ARN without its path
 * (`role/aws-reserved/sso.amazonaws.com/R` and `role/R` are one role: IAM role and user names are unique in an account
 * whatever their path), an assumed-role session as its role; anything else as it is.
 *
 * @example principalKeyOf('arn:aws:iam::111122223333:role/team/app') // 'arn:aws:iam::111122223333:role/app'
 */
export function principalKeyOf(arn: string | null): string | null {
  const principal = principalOfArn(arn);
  if (!principal) return null;
  const iam = IAM_PRINCIPAL.exec(principal);
  if (!iam) return principal;
  const name = principal.slice(principal.lastIndexOf('/') + 1);
  return `arn:${iam[1]}:iam::${iam[2]}:${iam[3]}/${name}`;
}

/** The account of an IAM or STS principal ARN, or null. */
export function accountOfPrincipalArn(arn: string | null): string | null {
  if (!arn || arn.length > MAX_PRINCIPAL_ARN) return null;
  return ACCOUNT_IN_ARN.exec(arn)?.[1] ?? null;
}
