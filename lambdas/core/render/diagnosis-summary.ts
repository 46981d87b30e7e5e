/**
 * The one-sentence verdict of a policy diagnosis, honest about what was checked. The sentence itself is written in one
 * place: `diagnose()` words an `allowed` verdict with {@link allowedVerdict} (only the layers that were provided).
 */
import { allowedVerdict } from '../iam-policy/allowed-verdict.js';
import type { Diagnosis } from '../iam-policy/diagnose.js';

/**
 * The diagnosis' verdict in one sentence (pure text: renderers escape it). An `allowed` diagnosis with its layer
 * reports is worded again from them, so a diagnosis stored by an older version never reaches a reader as "the
 * policies given allow" a request that nothing was checked against.
 */
export function diagnosisSummary(diagnosis: Diagnosis): string {
  if (diagnosis.decision !== 'allowed' || diagnosis.decidedBy === 'access-troubleshooter') return diagnosis.summary;
  return allowedVerdict(diagnosis.layers ?? [], diagnosis.notChecked);
}
