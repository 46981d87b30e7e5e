/**
 * The compact form of one authorization change, as stored (bounded in size) and linked to alerts.
 */
import type { DenyLayer } from '../types.js';
import type { ChangeScope } from './catalog.js';

/** Which Organizations policy type a change is about, when the record tells. */
export type OrganizationPolicyType = 'scp' | 'rcp';

/** One successful call that changed an authorization layer. */
export interface AuthorizationChange {
  eventId: string;
  /** ISO 8601, as CloudTrail wrote it. */
  eventTime: string;
  /** The account the change was made in (`recipientAccountId`). */
  accountId: string | null;
  region: string | null;
  /** Who made the change: the IAM principal (a role for an assumed-role session), else the caller ARN. */
  actorArn: string | null;
  actorType: string | null;
  /** The session name, for a role (names the human or the pipeline run). */
  actorSession: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  eventSource: string;
  eventName: string;
  /** The IAM action of the call (`iam:DetachRolePolicy`). */
  action: string;
  layer: DenyLayer;
  scope: ChangeScope;
  /** The IAM role, user or group touched (path-less ARN). */
  principalArn: string | null;
  /** The resource whose policy changed (bucket, key, queue, …; a VPC endpoint's id). */
  resourceArn: string | null;
  /** The managed policy, boundary, SCP/RCP or permission set touched. */
  policyArn: string | null;
  /** The policy's name when the record tells (an SCP's name, an inline policy's name). */
  policyName: string | null;
  /** For Organizations: the policy id (`p-…`), its type when told, and the root, OU or account it was attached to. */
  organizationPolicyId: string | null;
  organizationPolicyType: OrganizationPolicyType | null;
  organizationTargetId: string | null;
  /** The request parameters that matter (bounded: long values such as policy documents are cut). */
  parameters: Record<string, string>;
}
