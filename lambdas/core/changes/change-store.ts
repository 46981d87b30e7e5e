/**
 * The port through which "what changed" stores and reads authorization changes (DynamoDB in
 * `adapters/dynamodb-change-store.ts`), and the keys a change is filed under.
 */
import type { AuthorizationChange } from './change.js';
import { targetKey } from './targets.js';

/** The key of organization-wide changes (SCPs, RCPs, permission sets): every account's alert reads it. */
export const ORGANIZATION_KEY = 'ORG';

/** Stores and finds changes. */
export interface ChangeStore {
  /** Stores changes (idempotent: the same event twice is one change). */
  putChanges(changes: readonly AuthorizationChange[], expiresAtSec: number): Promise<void>;
  /** Changes filed under any of `targets` (and organization-wide ones when asked), in [fromMs, untilMs], newest first. */
  findChanges(query: ChangeQuery, nowMs: number): Promise<AuthorizationChange[]>;
  /** True when `actorKey` successfully called `action` before `beforeMs` (within the stored history). */
  succeededBefore(actorKey: string, action: string, beforeMs: number, nowMs: number): Promise<boolean>;
}

/** A read of stored changes. */
export interface ChangeQuery {
  /** Target keys (`targetKey` of ARNs, VPC endpoint ids), or `account:<id>` for everything in one account. */
  targets: readonly string[];
  organization: boolean;
  fromMs: number;
  untilMs: number;
  /** At most this many per key. */
  limitPerKey: number;
}

/** The target keys a change is filed under (its principal, resource and policy; organization-wide ones under ORG). */
export function storageKeysOf(change: AuthorizationChange): string[] {
  const keys = new Set<string>();
  if (change.scope === 'organization' || change.scope === 'permission-set') keys.add(ORGANIZATION_KEY);
  for (const arn of [change.principalArn, change.resourceArn, change.policyArn]) if (arn) keys.add(targetKey(arn));
  if (change.accountId && change.scope !== 'organization' && change.scope !== 'permission-set') keys.add(accountKey(change.accountId));
  return [...keys];
}

/** The key of all changes made in one account (for `history --changes --account`). */
export const accountKey = (accountId: string): string => `account:${accountId}`;
