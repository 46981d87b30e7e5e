import type { AlertSummary } from '../alert.js';
import type { Diagnosis } from './diagnose.js';

/**
 * Attaches a diagnosis to an alert.
 *
 * - When AWS's own record decided (`decidedBy: 'access-troubleshooter'`), its layer, kind and denying policy become
 *   the alert's, whatever the message said: it is AWS's evaluation of this very request.
 * - Otherwise, when the message named no layer (S3's "Access Denied", old EC2 messages), the layer, kind and policy
 *   the project's evaluation found become the alert's own.
 */
export function withDiagnosis(alert: AlertSummary, diagnosis: Diagnosis): AlertSummary {
  const enriched: AlertSummary = { ...alert, diagnosis };
  const denied = diagnosis.layer && (diagnosis.decision === 'explicit-deny' || diagnosis.decision === 'implicit-deny');
  if (diagnosis.decidedBy === 'access-troubleshooter' && denied && diagnosis.layer !== 'unknown') {
    enriched.denyLayer = diagnosis.layer!;
    enriched.denyKind = diagnosis.decision === 'explicit-deny' ? 'explicit' : 'implicit';
    enriched.policyArn = diagnosis.denyingStatement?.policyArn ?? (diagnosis.decision === 'explicit-deny' ? null : alert.policyArn);
  } else if (alert.denyLayer === 'unknown' && denied) {
    enriched.denyLayer = diagnosis.layer!;
    enriched.denyKind = diagnosis.decision === 'explicit-deny' ? 'explicit' : 'implicit';
    enriched.policyArn = alert.policyArn ?? diagnosis.denyingStatement?.policyArn ?? null;
  }
  return enriched;
}
