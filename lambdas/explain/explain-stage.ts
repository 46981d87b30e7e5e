/**
 * `explain`'s record stage: each record classified (and, with policies, diagnosed) and turned into its output line,
 * a compact human line or a JSON line; each unreadable item into its error line. It runs where records are read
 * (lambdas/parallel/), so a long input is classified and formatted on every core, and only text crosses threads.
 */
import picocolors from 'picocolors';
import { classify } from '../core/classify.js';
import type { Denial } from '../core/types.js';
import type { RecordStage } from '../parallel/record-stage.js';
import { terminalSafe, type Style } from '../terminal/style.js';

/** What `explain` was asked for (plain data: each reader thread gets a copy). */
export interface ExplainStageOptions {
  /** Compact human lines (a terminal) instead of JSON lines. */
  human: boolean;
  colour: boolean;
  deniedOnly: boolean;
  extraErrorCodes: string[];
  /** A policy directory (docs/policies.md) to diagnose each denial against, already checked by the command. */
  policiesDir: string | null;
}

/** One batch's output: its lines, UTF-8, each ending in a line feed (empty when none), and its counts. */
export interface ExplainBatch {
  /** Its own memory (not a pooled slice), so that a reader thread hands it over without a copy. */
  output: Uint8Array;
  records: number;
  denials: number;
  unreadable: number;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** A new stage instance (the policy evaluator is loaded only when there are policies to evaluate). */
export async function createExplainStage(options: ExplainStageOptions): Promise<RecordStage<ExplainBatch>> {
  const style = picocolors.createColors(options.colour);
  const extraErrorCodes = new Set(options.extraErrorCodes);
  const policies = options.policiesDir ? (await import('../io/policy-directory.js')).loadPolicyDirectory(options.policiesDir) : null;
  const diagnose = policies ? (await import('../core/iam-policy/diagnose.js')).diagnose : null;
  return {
    transfer: (batch) => (batch.output.byteLength > 0 ? [batch.output.buffer as ArrayBuffer] : []),
    take(items) {
      const lines: string[] = [];
      let records = 0;
      let denials = 0;
      let unreadable = 0;
      for (const item of items) {
        if (item.kind === 'error') {
          unreadable++;
          lines.push(options.human ? style.red(`unreadable  ${terminalSafe(item.location.source)}:${item.location.line}${item.location.index !== undefined ? `[${item.location.index}]` : ''}  ${terminalSafe(item.error)}`) : JSON.stringify({ error: item.error, ...item.location }));
          continue;
        }
        records++;
        const denial = classify(item.record, { extraErrorCodes });
        if (denial.denied) denials++;
        if (options.deniedOnly && !denial.denied) continue;
        const diagnosis = policies && diagnose && denial.denied ? diagnose(denial, policies.policySetFor(denial), policies.principalTagsFor(denial)) : undefined;
        lines.push(options.human ? explainLine(denial, style) : JSON.stringify(diagnosis ? { ...denial, diagnosis } : denial));
      }
      const output = lines.length > 0 ? encoder.encode(`${lines.join('\n')}\n`) : EMPTY;
      return { output, records, denials, unreadable };
    },
  };
}

/**
 * One record in a line: `DENIED  time  action  principal → resource  [layer, kind]  fp`, or a dim line for a
 * record that is not a denial. Untrusted text is flattened (no terminal escapes).
 */
export function explainLine(denial: Denial, style: Style): string {
  const time = (denial.eventTime ?? '-').replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const who = terminalSafe(denial.principalArn ?? denial.accountId ?? '-');
  const action = terminalSafe(denial.action ?? `${denial.eventSource ?? '?'}:${denial.eventName ?? '?'}`);
  if (!denial.denied) return style.dim(`ok      ${time}  ${action}  ${who}${denial.errorCode ? `  (${terminalSafe(denial.errorCode)})` : ''}`);
  const layer = `[${denial.denyLayer ?? 'unknown'}, ${denial.denyKind ?? 'unknown'}]`;
  const resource = denial.resource ? ` → ${terminalSafe(denial.resource)}` : '';
  return `${style.red(style.bold('DENIED'))}  ${time}  ${style.bold(action)}  ${style.cyan(who)}${resource}  ${style.yellow(layer)}  ${style.dim(denial.fingerprint ?? '')}`;
}
