/**
 * Hidden second denies: when S3 (or Secrets Manager, DynamoDB, Lambda, …) calls KMS on the caller's behalf and the
 * key policy refuses, CloudTrail shows the service's own `AccessDenied` (often just "Access Denied") and, from the same
 * principal within seconds, a KMS denial with `invokedBy` that service. The two are one incident, and the layer that
 * blocked is the key policy.
 */
import type { Denial } from './types.js';

/** A denial with its time and raw record (for the encryption context). */
export interface CorrelationInput {
  denial: Denial & { eventId: string };
  timeMs: number;
  record: { requestParameters?: Record<string, unknown> | null };
}

/** One incident: the service's denial, explained by the KMS denial behind it. */
export interface HiddenDenyPair {
  serviceEventId: string;
  kmsEventId: string;
  keyArn: string | null;
}

const WINDOW_MS = 10_000;

/**
 * Pairs each KMS denial made on a caller's behalf with the denial of the service that made it (same principal and
 * session, within 10 s; for S3, the object in the encryption context). Updates the service denial in place: its layer
 * becomes the key policy (`resource-policy`), its policy the key, and `correlatedEventId` points at the KMS denial.
 */
export function correlateHiddenDenies(items: readonly CorrelationInput[]): HiddenDenyPair[] {
  const pairs: HiddenDenyPair[] = [];
  const used = new Set<string>();
  for (const kms of items) {
    const { denial } = kms;
    if (denial.eventSource !== 'kms.amazonaws.com' || !denial.invokedBy) continue;
    const objectArn = encryptionContextArn(kms.record);
    const candidates = items.filter(
      (other) =>
        other !== kms &&
        !used.has(other.denial.eventId) &&
        other.denial.eventSource === denial.invokedBy &&
        other.denial.principalArn === denial.principalArn &&
        (other.denial.sessionName ?? null) === (denial.sessionName ?? null) &&
        Math.abs(other.timeMs - kms.timeMs) <= WINDOW_MS &&
        (!objectArn || !other.denial.resource || objectArn.startsWith(other.denial.resource) || other.denial.resource.startsWith(objectArn)),
    );
    if (candidates.length === 0) continue;
    const service = candidates.reduce((best, other) => (Math.abs(other.timeMs - kms.timeMs) < Math.abs(best.timeMs - kms.timeMs) ? other : best));
    used.add(service.denial.eventId);
    const keyArn = denial.resource && denial.resource.startsWith('arn:') ? denial.resource : null;
    service.denial.denyLayer = 'resource-policy';
    service.denial.denyKind = denial.denyKind === 'explicit' ? 'explicit' : denial.denyKind === 'implicit' ? 'implicit' : service.denial.denyKind;
    service.denial.policyArn = keyArn;
    service.denial.correlatedEventId = denial.eventId;
    denial.correlatedEventId = service.denial.eventId;
    pairs.push({ serviceEventId: service.denial.eventId, kmsEventId: denial.eventId, keyArn });
  }
  return pairs;
}

function encryptionContextArn(record: CorrelationInput['record']): string | null {
  const context = record.requestParameters?.encryptionContext as Record<string, unknown> | undefined;
  const arn = context?.['aws:s3:arn'];
  return typeof arn === 'string' ? arn : null;
}
