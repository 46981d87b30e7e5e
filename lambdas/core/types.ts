/**
 * The shapes the pure core works on: a raw CloudTrail record in, a {@link Denial} out.
 *
 * Nothing here imports the AWS SDK: these types describe JSON as CloudTrail writes it.
 */

import type { ServiceRefusal } from './service-rules/service-refusal.js';

/** A CloudTrail record as written to S3 or carried in an EventBridge event's `detail`. Loosely typed on purpose. */
export interface CloudTrailRecord {
  eventID?: string;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  eventType?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestID?: string;
  recipientAccountId?: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  readOnly?: boolean;
  userIdentity?: UserIdentity;
  requestParameters?: Record<string, unknown> | null;
  resources?: Array<{ ARN?: string; accountId?: string; type?: string }>;
  additionalEventData?: Record<string, unknown>;
  [key: string]: unknown;
}

/** CloudTrail's `userIdentity` element. */
export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
  sessionContext?: {
    sessionIssuer?: { type?: string; principalId?: string; arn?: string; accountId?: string; userName?: string };
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    sourceIdentity?: string;
    webIdFederationData?: Record<string, unknown>;
  };
  [key: string]: unknown;
}

/** The policy layer that refused the request, as far as the record tells. */
export const DENY_LAYERS = [
  'identity-policy',
  'resource-policy',
  'scp',
  'rcp',
  'permissions-boundary',
  'session-policy',
  'vpc-endpoint-policy',
  'role-trust-policy',
  'unknown',
] as const;
export type DenyLayer = (typeof DENY_LAYERS)[number];

/** Whether a statement said Deny (`explicit`) or nothing allowed (`implicit`). */
export type DenyKind = 'explicit' | 'implicit' | 'unknown';

/** Who made the call, with the details that name the human beside the IAM principal. */
export interface PrincipalInfo {
  /** The IAM principal: a role for an assumed-role session, a user, root, a service principal; null when unknown. */
  principalArn: string | null;
  /** CloudTrail's `userIdentity.type`, or null when the record has none. */
  principalType: string | null;
  /** The caller's account. */
  accountId: string | null;
  /** The ARN CloudTrail printed for the caller (an `sts` session ARN for roles). */
  callerArn: string | null;
  sessionName: string | null;
  sourceIdentity: string | null;
  /** IAM Identity Center user id (`onBehalfOf.userId`). */
  identityCenterUserId: string | null;
  mfaAuthenticated: boolean | null;
  /** The AWS service that made the call on the principal's behalf (`invokedBy`). */
  invokedBy: string | null;
}

/** The normalised form of one CloudTrail record; a denial when `denied` is true. */
export interface Denial extends PrincipalInfo {
  eventId: string | null;
  eventTime: string | null;
  eventSource: string | null;
  eventName: string | null;
  region: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  requestId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  vpcEndpointId: string | null;
  /** The account that received the call. */
  recipientAccountId: string | null;
  /** True when the caller's account differs from the account that received the call. */
  crossAccount: boolean;
  denied: boolean;
  /** The IAM action, `service:Action` with a lower-case prefix. */
  action: string | null;
  /** The denied resource's ARN, or null when the record does not tell. */
  resource: string | null;
  /** The resource generalised so that one misconfiguration is one family (object keys to their prefix, ids to `*`). */
  resourceFamily: string | null;
  denyLayer: DenyLayer | null;
  denyKind: DenyKind | null;
  /** The denying policy's ARN, when the message names it. */
  policyArn: string | null;
  /** EC2's encoded authorization failure message, decodable with `sts:DecodeAuthorizationMessage`. */
  encodedAuthorizationMessage: string | null;
  /**
   * AWS's authorization id from the message (Access Troubleshooter, preview): AWS's own record of the evaluation,
   * readable with `GetRequestAuthorizationDetails` for at least 24 hours.
   */
  authorizationId: string | null;
  /** The console link to that record (`https://…#/authorization-details/<id>`), as the message printed it. */
  authorizationDetailsUrl: string | null;
  /** Stable id of (account, principal, action, resource family). */
  fingerprint: string | null;
  /** The other half of a hidden second deny (a KMS denial behind an S3 one, and back), when correlated. */
  correlatedEventId: string | null;
  /**
   * CloudTrail's `sessionCredentialFromConsole`: the session's credentials came from a console sign-in (set by
   * CloudTrail, not the caller). The console page-load suppression needs it.
   */
  consoleSession: boolean;
  /** CloudTrail's `readOnly` (the call only reads), or null when the record does not say. */
  readOnly: boolean | null;
  /**
   * A refusal no policy can lift (cross-account PassRole, a failed authentication), or null when a policy may decide
   * it. See `service-rules/service-refusal.ts`.
   */
  serviceRefusal: ServiceRefusal | null;
}
