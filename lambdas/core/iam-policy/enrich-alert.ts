import type { AlertSummary } from '../alert.js';
import type { Diagnosis } from './diagnose.js';

/**
 * Attaches a diagnosis to an alert. When the message named no layer (S3's "Access Denied", old EC2 messages), the
 * layer, kind and policy the evaluation found become the alert's own.
 */
export function withDiagnosis(alert: AlertSummary, diagnosis: Diagnosis): AlertSummary {
  const enriched: AlertSummary = { ...alert, diagnosis };
  if (alert.denyLayer === 'unknown' && diagnosis.layer && (diagnosis.decision === 'explicit-deny' || diagnosis.decision === 'implicit-deny')) {
    enriched.denyLayer = diagnosis.layer;
    enriched.denyKind = diagnosis.decision === 'explicit-deny' ? 'explicit' : 'implicit';
    enriched.policyArn = alert.policyArn ?? diagnosis.denyingStatement?.policyArn ?? null;
  }
  return enriched;
}
