/**
 * Refusals that no policy can lift: the service itself, not a policy layer, said no. A denial with such a refusal gets
 * no policy lookups, no "add this Allow" fix and no managed-policy suggestion; every alert path says "no policy change
 * fixes this" and what does ({@link ServiceRefusal.remedy}).
 *
 * - **Cross-account PassRole**: "You can only use the PassRole permission to pass an IAM role to a service that shares
 *   the same AWS account" (IAM User Guide, "Grant a user permissions to pass a role to an AWS service",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html). Services answer "Cross-account pass
 *   role is not allowed." (Glue, Lambda, Transfer, RDS, …). The action is `iam:PassRole` and the resource the passed
 *   role, when the request parameters name it.
 * - **Authentication, not authorization**: "No permissions are required for a user to get a session token. The purpose
 *   of the GetSessionToken operation is to authenticate the user using MFA. You cannot use policies to control
 *   authentication operations." (IAM User Guide, "Permissions for GetSessionToken",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html). So a
 *   refused `GetSessionToken` (a wrong MFA code prints "MultiFactorAuthentication failed…" or "An unknown error
 *   occurred"), and any refusal whose message says the MFA code or the security token was wrong or expired, is counted
 *   as an authentication failure and never given a policy fix.
 */
import type { CloudTrailRecord, Denial } from '../types.js';

/** Which rule refused. */
export type ServiceRefusalRule = 'cross-account-pass-role' | 'authentication';

/** A refusal no policy change fixes (values from the record are raw: renderers escape them). */
export interface ServiceRefusal {
  rule: ServiceRefusalRule;
  /** `authentication` for failed sign-ins to the API (MFA, tokens); `service-rule` for a rule of the service. */
  category: 'authentication' | 'service-rule';
  /** Why no policy decides, in one sentence. */
  why: string;
  /** What does fix it, in one sentence. */
  remedy: string;
  /** The AWS page that says so. */
  reference: string;
  /** Cross-account PassRole: the role the request passed and its account, when the request names it. */
  passedRoleArn?: string | null;
  passedRoleAccount?: string | null;
}

/** The sentence every alert path leads a service refusal with. */
export const NO_POLICY_FIX = 'No policy change fixes this';

const PASS_ROLE_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html';
const GET_SESSION_TOKEN_DOC = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html';

const CROSS_ACCOUNT_PASS_ROLE = /cross-account pass role is not allowed/i;
/** Messages of a failed authentication: a wrong or missing MFA code, a security token that is invalid or expired. */
const AUTHENTICATION_MESSAGE =
  /MultiFactorAuthentication failed|one time pass ?code|MFA (?:code|token|device)[^.]{0,40}(?:invalid|incorrect|expired|failed)|security token included in the request is (?:invalid|expired)|token included in the request has expired|ExpiredToken/i;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/**
 * The service refusal of a denied record, or null when a policy may decide it.
 *
 * @example serviceRefusalOf(record, denial)?.rule // 'cross-account-pass-role'
 */
export function serviceRefusalOf(record: CloudTrailRecord, denial: Pick<Denial, 'errorMessage' | 'eventSource' | 'eventName' | 'accountId'>): ServiceRefusal | null {
  const message = denial.errorMessage ?? '';
  if (CROSS_ACCOUNT_PASS_ROLE.test(message)) {
    const passed = passedRole(record.requestParameters, denial.accountId);
    const account = passed ? ROLE_ARN.exec(passed)![1]! : null;
    const service = denial.eventSource?.replace(/\.amazonaws\.com(\.cn)?$/, '') ?? 'the service';
    return {
      rule: 'cross-account-pass-role',
      category: 'service-rule',
      why: `${passed ? `the request passed role ${passed} of account ${account}` : 'the request passed a role of another account'}, and a role can only be passed to a service in its own account (${service}${denial.eventName ? ` ${denial.eventName}` : ''})`,
      remedy: `pass a role of the caller's account${denial.accountId ? ` (${denial.accountId})` : ''}, or follow the service's documented cross-account pattern (assume a role in the role's account and make the call there)`,
      reference: PASS_ROLE_DOC,
      passedRoleArn: passed,
      passedRoleAccount: account,
    };
  }
  const getSessionToken = denial.eventSource === 'sts.amazonaws.com' && denial.eventName === 'GetSessionToken';
  if (getSessionToken || AUTHENTICATION_MESSAGE.test(message)) {
    return {
      rule: 'authentication',
      category: 'authentication',
      why: getSessionToken
        ? 'GetSessionToken needs no permission: its refusal is a failed authentication (most often a wrong or expired MFA code), and policies cannot control authentication'
        : 'the caller failed to authenticate (an MFA code or security token that was wrong or expired), which no policy decides',
      remedy: 'check the MFA device and code, or renew the credentials; many of these from one principal in a short time can be someone guessing codes: investigate',
      reference: GET_SESSION_TOKEN_DOC,
    };
  }
  return null;
}

/** The action a refusal is about, when it is not the API's own (`iam:PassRole` for a cross-account PassRole). */
export function refusalAction(refusal: ServiceRefusal | null): string | null {
  return refusal?.rule === 'cross-account-pass-role' ? 'iam:PassRole' : null;
}

/** The one-line "no policy change fixes this: why. What does: remedy." shown on every alert path. */
export function refusalSentence(refusal: ServiceRefusal): string {
  return `${NO_POLICY_FIX}: ${refusal.why}. What does: ${refusal.remedy}. (${refusal.reference})`;
}

/**
 * The role ARN the request passed: among the request parameters (three levels deep), a role ARN of another account
 * than the caller's first, else any role ARN.
 */
function passedRole(parameters: unknown, callerAccount: string | null): string | null {
  const found: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (found.length >= 20) return;
    if (typeof value === 'string') {
      if (value.length <= 2048 && ROLE_ARN.test(value)) found.push(value);
    } else if (depth < 3 && value && typeof value === 'object') {
      for (const item of Array.isArray(value) ? value : Object.values(value)) visit(item, depth + 1);
    }
  };
  visit(parameters, 0);
  return found.find((arn) => ROLE_ARN.exec(arn)![1] !== callerAccount) ?? found[0] ?? null;
}
