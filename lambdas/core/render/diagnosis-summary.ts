/**
 * The one-sentence verdict of a policy diagnosis, honest about what was checked.
 *
 * `diagnose()` says "The policies given allow …" when no layer it was given denies: with an empty `--policies` folder
 * that is a conclusion from nothing. Here an `allowed` verdict names the layers that were actually provided and
 * allowed, and when none was (no policy document at all), says that nothing was checked instead of claiming an allow.
 */
import type { Diagnosis } from '../iam-policy/diagnose.js';

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

/** The diagnosis' verdict in one sentence (pure text: renderers escape it). */
export function diagnosisSummary(diagnosis: Diagnosis): string {
  if (diagnosis.decision !== 'allowed') return diagnosis.summary;
  const provided = (diagnosis.layers ?? []).filter((layer) => layer.result !== 'not-checked' && layer.policies.length > 0);
  const notChecked = diagnosis.notChecked.length > 0 ? ` Not checked: ${diagnosis.notChecked.join('; ')}.` : '';
  if (provided.length === 0) return `No policy document was provided for this request, so nothing was evaluated.${notChecked}`;
  const allowing = [...new Set(provided.filter((layer) => layer.result === 'allows').map((layer) => LAYER_WORDS[layer.layer] ?? layer.layer))];
  const which = allowing.length > 0 ? allowing.join(', ') : [...new Set(provided.map((layer) => LAYER_WORDS[layer.layer] ?? layer.layer))].join(', ');
  return `Of the policies provided (${which}), none refuses this request: the denial came from a layer that was not checked.${notChecked}`;
}
