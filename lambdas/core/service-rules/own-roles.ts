/**
 * Denials of the alerter's own roles: the handler's execution role (its session is named after its function, as Lambda
 * names every execution-role session), the member accounts' reader role (`DenialAlerterReader`, assumed by the
 * handler) and the forwarders' roles. Such a denial is the alerter's own misconfiguration (a lookup refused in an
 * excluded account, a missing reader role): it never triggers lookups of its own nor a spike alert on the responders'
 * routes, and becomes one operations notice naming the permission or the account to fix.
 */
import type { Denial } from '../types.js';

/** Which of the alerter's roles was denied. */
export type OwnRole = 'handler' | 'reader' | 'forwarder';

/** How the alerter recognises its own roles (from its configuration and the Lambda environment). */
export interface OwnRoles {
  /** The handler's function name (`AWS_LAMBDA_FUNCTION_NAME`): its execution role's sessions carry this name. */
  handlerFunctionName?: string | null;
  /** The account the handler runs in. */
  handlerAccountId?: string | null;
  /** Role ARN pattern of the reader roles, `*` for the account (`MEMBER_READER_ROLE_ARN`). */
  readerRoleArnPattern?: string | null;
  /** Names of the forwarders' roles (exact, or ending in `*` for a prefix). */
  forwarderRoleNames?: readonly string[];
}

/** One operations notice for a denial of an own role. */
export interface OwnRoleNotice {
  role: OwnRole;
  /** `own-role:<role>:<account>:<action>`: one notice per key, however many denials. */
  key: string;
  subject: string;
  message: string;
}

const ROLE_NAME = /:role\/(?:.*\/)?([^/]+)$/;
const globMatches = (pattern: string, value: string) => (pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern);

/** Which own role a denial is of, or null. */
export function ownRoleOf(denial: Pick<Denial, 'principalArn' | 'accountId' | 'sessionName'>, roles: OwnRoles): OwnRole | null {
  const arn = denial.principalArn;
  if (!arn) return null;
  const name = ROLE_NAME.exec(arn)?.[1];
  if (!name) return null;
  if (roles.handlerFunctionName && denial.sessionName === roles.handlerFunctionName && (!roles.handlerAccountId || denial.accountId === roles.handlerAccountId)) return 'handler';
  const reader = roles.readerRoleArnPattern ? ROLE_NAME.exec(roles.readerRoleArnPattern)?.[1] : null;
  if (reader && name === reader) return 'reader';
  if ((roles.forwarderRoleNames ?? []).some((pattern) => globMatches(pattern, name))) return 'forwarder';
  return null;
}

const WHAT: Record<OwnRole, string> = {
  handler: "the alerter's handler role",
  reader: "the alerter's reader role",
  forwarder: "an alerter forwarder's role",
};

/** The account an ARN names (`arn:aws:iam::444455556666:role/x` → `444455556666`), or null. */
const accountOfArn = (arn: string | null | undefined): string | null => /^arn:aws[a-z-]*:[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1] ?? null;

/**
 * The operations notice for a denial of an own role: the permission, resource and account to fix, in plain text. The
 * account to fix is the resource's when it lies in another account (a lookup refused in a member account, the reader
 * role missing there: `sts:AssumeRole` on the reader role), else the account the denial happened in.
 */
export function ownRoleNotice(denial: Denial, role: OwnRole, roles: OwnRoles = {}): OwnRoleNotice {
  const action = denial.action ?? (denial.eventName ? `${denial.eventSource ?? '?'} ${denial.eventName}` : 'an unknown action');
  const where = denial.recipientAccountId ?? denial.accountId ?? 'unknown';
  const resourceAccount = accountOfArn(denial.resource);
  const account = resourceAccount && resourceAccount !== where ? resourceAccount : where;
  const resource = denial.resource ? ` on ${denial.resource}` : '';
  const layer = denial.denyLayer && denial.denyLayer !== 'unknown' ? ` (${denial.denyKind === 'explicit' ? 'explicit deny in' : 'nothing allowed in'} the ${denial.denyLayer})` : '';
  const reader = roles.readerRoleArnPattern ? ROLE_NAME.exec(roles.readerRoleArnPattern)?.[1] : null;
  const assumingReader = role === 'handler' && denial.action === 'sts:AssumeRole' && !!reader && ROLE_NAME.exec(denial.resource ?? '')?.[1] === reader;
  const fix = assumingReader
    ? `deploy the reader role in account ${account} (the StackSet's target organizational units) with a trust policy that admits the handler's role, or exclude the account from lookups`
    : role === 'reader'
      ? `allow ${action}${resource} for the reader role in account ${account} (its StackSet template, or the SCP or boundary that refused it there), or exclude the account from lookups`
      : `grant ${action}${resource} to ${denial.principalArn}, or exclude account ${account} from what it reads`;
  return {
    role,
    key: `own-role:${role}:${account}:${action}`,
    subject: `Denial Alerter: ${WHAT[role]} was denied ${action}`.slice(0, 99),
    message: `${WHAT[role]} (${denial.principalArn}) was denied ${action}${resource} in account ${where}${layer}. No alert went to the responders and no lookup was made. To fix: ${fix}.`,
  };
}
