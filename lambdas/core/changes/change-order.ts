/**
 * How every change store answers: newest first, and each change's fields in the interface's order with absent ones
 * null (DynamoDB maps come back in any order; stable JSON lines need one order). Shared by the DynamoDB and the
 * in-process adapters so that they cannot answer differently.
 */
import type { AuthorizationChange } from './change.js';

/** Newest first; at the same time, the greater event id first (the order of the sort key's `<time>#<id>`). */
export const newestFirst = (a: AuthorizationChange, b: AuthorizationChange): number =>
  Date.parse(b.eventTime) - Date.parse(a.eventTime) || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0);

const FIELD_ORDER: ReadonlyArray<keyof AuthorizationChange> = [
  'eventId', 'eventTime', 'accountId', 'region', 'actorArn', 'actorType', 'actorSession', 'sourceIp', 'userAgent',
  'eventSource', 'eventName', 'action', 'layer', 'scope', 'principalArn', 'resourceArn', 'policyArn', 'policyName',
  'organizationPolicyId', 'organizationPolicyType', 'organizationTargetId', 'parameters',
];

/** The change with its fields in the interface's order, absent ones null. */
export function inFieldOrder(change: AuthorizationChange): AuthorizationChange {
  return Object.fromEntries(FIELD_ORDER.map((field) => [field, change[field] ?? null])) as unknown as AuthorizationChange;
}
