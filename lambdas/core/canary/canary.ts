/**
 * The canary: in every covered account and Region, a scheduled function whose own role carries an explicit Deny
 * makes one write call that changes nothing; CloudTrail records the denial, EventBridge delivers it through the same
 * rule, forwarder and bus as any denial, and its arrival proves the pipeline end to end.
 *
 * The call is `iam:TagRole` on the canary's own role, refused by the role's explicit Deny: a management *write* event
 * (so a trail that logs only write events still records it), authorised before any effect (an explicit deny in an
 * identity-based policy always wins: IAM user guide, "Policy evaluation logic"), and free (IAM charges nothing). IAM
 * is global: its CloudTrail events land in us-east-1 whatever Region the function runs in, so a canary in Region R
 * would prove only us-east-1. The canary therefore calls a Regional service in its own Region instead:
 * `ssm:PutParameter` on a parameter name under the canary's prefix, refused by the same explicit Deny — a Regional
 * management write event, recorded in the Region it was made in (Systems Manager's CloudTrail integration).
 *
 * Recognition: the denial's principal is a role whose name starts with {@link CANARY_ROLE_PREFIX}, in the account
 * the record was received in (a role of another account with the same name is not ours), calling
 * {@link CANARY_ACTION} on a parameter under {@link CANARY_PARAMETER_PREFIX}. Such a record is never a denial of its own:
 * never counted, never alerted; its arrival time is kept per account and Region.
 */
import { resolvePrincipal } from '../principal.js';
import { textOf } from '../text.js';
import type { CloudTrailRecord } from '../types.js';

/** The canary role's name prefix (the stack names each role `DenialAlerterCanary-<region>`). */
export const CANARY_ROLE_PREFIX = 'DenialAlerterCanary';
/** The event the canary makes. */
export const CANARY_EVENT = { eventSource: 'ssm.amazonaws.com', eventName: 'PutParameter' } as const;
export const CANARY_ACTION = 'ssm:PutParameter';
/** The parameter name the canary tries to write (never written: the Deny refuses it). */
export const CANARY_PARAMETER_PREFIX = '/denial-alerter/canary';
/** The one parameter the deployed canary function tries to write. */
export const CANARY_PARAMETER_NAME = `${CANARY_PARAMETER_PREFIX}/probe`;
/**
 * The tag the stack puts on every canary role. A CloudTrail record carries no tag of its principal, so the engine
 * recognises the role by its name and account; the tag tells a person (or an SCP exemption, `aws:PrincipalTag`) what
 * the role is for.
 */
export const CANARY_ROLE_TAG = { key: 'denial-alerter:role', value: 'canary' } as const;

/** One canary arrival. */
export interface CanaryArrival {
  accountId: string;
  region: string;
  /** When CloudTrail says the call was made (ms). */
  eventTimeMs: number;
  eventId: string;
}

/** The canary arrival a record is, or null. */
export function canaryArrivalOf(record: CloudTrailRecord): CanaryArrival | null {
  if (record.eventSource !== CANARY_EVENT.eventSource || record.eventName !== CANARY_EVENT.eventName || !record.errorCode) return null;
  const name = textOf((record.requestParameters as Record<string, unknown> | null | undefined)?.name);
  if (!name?.startsWith(CANARY_PARAMETER_PREFIX)) return null;
  const principal = resolvePrincipal(record);
  const account = textOf(record.recipientAccountId);
  const region = textOf(record.awsRegion);
  const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principal.principalArn ?? '');
  // The role must be the canary's, and in the account the record is about (verified against the account).
  if (!role || !account || !region || role[1] !== account || !role[2]!.startsWith(CANARY_ROLE_PREFIX)) return null;
  const eventTimeMs = Date.parse(String(record.eventTime));
  if (!Number.isFinite(eventTimeMs) || !record.eventID) return null;
  return { accountId: account, region, eventTimeMs, eventId: record.eventID };
}

/** True for a canary's denial (the engine's `ignore`). */
export const isCanaryRecord = (record: CloudTrailRecord): boolean => canaryArrivalOf(record) !== null;
