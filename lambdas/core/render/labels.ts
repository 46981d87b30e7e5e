/** Words shared by the renderers. */
import type { AlertReason, AlertSummary } from '../alert.js';
import type { DenyLayer } from '../types.js';

const REASONS: Record<AlertReason, string> = { threshold: 'Denial spike', escalation: 'Denial spike escalating', 'first-seen': 'New denial',
  'distinct-resources': 'Denied on many resources',
  'distinct-actions': 'Denied on many actions',
  blinding: 'The alerter is being blinded',
};

const LAYERS: Record<DenyLayer, string> = {
  'identity-policy': 'identity-based policy',
  'resource-policy': 'resource-based policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  'permissions-boundary': 'permissions boundary',
  'session-policy': 'session policy',
  'vpc-endpoint-policy': 'VPC endpoint policy',
  'role-trust-policy': 'role trust policy',
  unknown: 'layer not named in the record',
};

/** Why the alert fired, in words. */
export function reasonLabel(reason: AlertReason): string {
  return REASONS[reason];
}

/** The deny layer in AWS's words. */
export function layerLabel(layer: DenyLayer): string {
  return LAYERS[layer];
}

/** The principal's short name (a role or user name), or its account when unknown. */
export function principalName(alert: Pick<AlertSummary, 'principalArn' | 'accountId'>): string {
  if (!alert.principalArn) return 'unknown principal';
  const slash = alert.principalArn.lastIndexOf('/');
  return slash >= 0 && slash < alert.principalArn.length - 1 ? alert.principalArn.slice(slash + 1) : alert.principalArn;
}
