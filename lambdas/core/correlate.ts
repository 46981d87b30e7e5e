/**
 * Hidden second denies: when S3 (or Secrets Manager, DynamoDB, Lambda, …) calls KMS on the caller's behalf and the
 * key policy refuses, CloudTrail shows the service's own `AccessDenied` (often just "Access Denied") and, from the same
 * principal within seconds, a KMS denial with `invokedBy` that service. The two are one incident, and the layer that
 * blocked is the key policy. The same holds for STS calls a service makes for the caller (the role's trust policy).
 */
import type { DenyLayer, Denial } from './types.js';

/** A denial with its time and raw record (for the encryption context). */
export interface CorrelationInput {
  denial: Denial & { eventId: string };
  timeMs: number;
  record: { requestParameters?: Record<string, unknown> | null };
}

/** One incident: the service's denial, explained by the KMS (or STS) denial behind it. */
export interface HiddenDenyPair {
  serviceEventId: string;
  kmsEventId: string;
  /** The key (or role) whose policy blocked. */
  keyArn: string | null;
}

const WINDOW_MS = 10_000;

/** Services whose denials can hide behind another service's, and the layer that then blocked. */
const HIDDEN: Record<string, DenyLayer> = { 'kms.amazonaws.com': 'resource-policy', 'sts.amazonaws.com': 'role-trust-policy' };

/**
 * Pairs each KMS (or STS) denial made on a caller's behalf with the denial of the service that made it: same
 * principal and session, within 10 s, and, when the encryption context names the object, secret, function or table,
 * that resource. Updates the service denial in place: its layer becomes the key policy (`resource-policy`) or the
 * trust policy, its policy the key or role, and `correlatedEventId` points at the hidden denial (and back).
 */
export function correlateHiddenDenies(items: readonly CorrelationInput[]): HiddenDenyPair[] {
  const pairs: HiddenDenyPair[] = [];
  const used = new Set<string>();
  for (const hidden of items) {
    const { denial } = hidden;
    const layer = denial.eventSource ? HIDDEN[denial.eventSource] : undefined;
    if (!layer || !denial.invokedBy || denial.principalType === 'AWSService') continue;
    const contextResource = encryptionContextResource(hidden.record);
    const candidates = items.filter(
      (other) =>
        other !== hidden &&
        !used.has(other.denial.eventId) &&
        other.denial.eventSource === denial.invokedBy &&
        other.denial.principalArn === denial.principalArn &&
        (other.denial.sessionName ?? null) === (denial.sessionName ?? null) &&
        Math.abs(other.timeMs - hidden.timeMs) <= WINDOW_MS &&
        (!contextResource || !other.denial.resource || sameResource(contextResource, other.denial.resource)),
    );
    if (candidates.length === 0) continue;
    const service = candidates.reduce((best, other) => (Math.abs(other.timeMs - hidden.timeMs) < Math.abs(best.timeMs - hidden.timeMs) ? other : best));
    used.add(service.denial.eventId);
    const keyArn = denial.resource && denial.resource.startsWith('arn:') ? denial.resource : null;
    service.denial.denyLayer = layer;
    service.denial.denyKind = denial.denyKind === 'explicit' ? 'explicit' : denial.denyKind === 'implicit' ? 'implicit' : service.denial.denyKind;
    service.denial.policyArn = keyArn;
    service.denial.correlatedEventId = denial.eventId;
    denial.correlatedEventId = service.denial.eventId;
    pairs.push({ serviceEventId: service.denial.eventId, kmsEventId: denial.eventId, keyArn });
  }
  return pairs;
}

/** The resource named in a KMS encryption context, by the keys S3, Secrets Manager, Lambda and DynamoDB use. */
function encryptionContextResource(record: CorrelationInput['record']): { arn: string } | { table: string } | null {
  const context = record.requestParameters?.encryptionContext as Record<string, unknown> | undefined;
  if (!context || typeof context !== 'object') return null;
  for (const key of ['aws:s3:arn', 'SecretARN', 'aws:lambda:FunctionArn']) {
    const value = context[key];
    if (typeof value === 'string' && value.startsWith('arn:')) return { arn: value };
  }
  const table = context['aws:dynamodb:tableName'];
  return typeof table === 'string' ? { table } : null;
}

/** An object and its bucket (S3 Bucket Keys put the bucket ARN in the context), or equal ARNs, are the same resource. */
function sameResource(context: { arn: string } | { table: string }, resource: string): boolean {
  if ('table' in context) return resource.endsWith(`:table/${context.table}`) || resource.includes(`:table/${context.table}/`);
  const arn = context.arn;
  return arn === resource || arn.startsWith(`${resource}/`) || resource.startsWith(`${arn}/`) || (arn.includes(':secret:') && resource.startsWith(arn.replace(/-[A-Za-z0-9]{6}$/, '')));
}
