/**
 * The one sentence for an `allowed` evaluation: none of the policies evaluated refuses the request, so a layer that was
 * not evaluated did. It names the layers that were actually provided and never claims an allow from the others; with
 * no policy document at all it says that nothing was evaluated.
 */
import type { LayerReport } from './evaluate.js';

const LAYER_WORDS: Record<string, string> = {
  'identity-policy': 'identity policies',
  'resource-policy': 'the resource policy',
  scp: 'SCPs',
  rcp: 'RCPs',
  'permissions-boundary': 'the permissions boundary',
  'session-policy': 'the session policy',
  'vpc-endpoint-policy': 'the VPC endpoint policy',
  'role-trust-policy': 'the trust policy',
};

/**
 * The verdict of an evaluation in which no layer refused, from what each layer said and what was not checked.
 *
 * @example allowedVerdict([], ['identity policies: not provided']) // 'No policy document was provided for this request, so nothing was evaluated. Not checked: identity policies: not provided.'
 */
export function allowedVerdict(layers: readonly LayerReport[], notChecked: readonly string[]): string {
  const provided = layers.filter((layer) => layer.result !== 'not-checked' && layer.policies.length > 0);
  const unchecked = notChecked.length > 0 ? ` Not checked: ${notChecked.join('; ')}.` : '';
  if (provided.length === 0) return `No policy document was provided for this request, so nothing was evaluated.${unchecked}`;
  const words = (reports: readonly LayerReport[]) => [...new Set(reports.map((layer) => LAYER_WORDS[layer.layer] ?? layer.layer))];
  const allowing = words(provided.filter((layer) => layer.result === 'allows'));
  const which = (allowing.length > 0 ? allowing : words(provided)).join(', ');
  return `Of the policies provided (${which}), none refuses this request: the denial came from a layer that was not checked.${unchecked}`;
}
