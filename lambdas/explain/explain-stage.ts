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

/** One batch's output: its lines, UTF-8, each ending in a line feed, in pieces (none when no line), and its counts. */
export interface ExplainBatch {
  /**
   * The lines in order, in pieces of about {@link PIECE_CHARACTERS}; each piece its own memory (not a pooled slice), so
   * that a reader thread hands it over without a copy.
   */
  output: Uint8Array[];
  records: number;
  denials: number;
  unreadable: number;
}

/**
 * Characters of output per piece. A string over V8's large-object size (about 128 KiB) gets pages mapped fresh from the
 * system, and so may a buffer over malloc's mmap threshold; touching new pages was most of explain's output cost on a
 * host where a page fault is dear: 256 lines in one piece (about 340 KB) took 1.1 s to join and encode for 100,000
 * records, pieces of 64 lines 0.15 s (a micro-bench; bench/readers.ts measures the whole command).
 */
const PIECE_CHARACTERS = 48 * 1024;

const encoder = new TextEncoder();

/** A new stage instance (the policy evaluator is loaded only when there are policies to evaluate). */
export async function createExplainStage(options: ExplainStageOptions): Promise<RecordStage<ExplainBatch>> {
  const style = picocolors.createColors(options.colour);
  const extraErrorCodes = new Set(options.extraErrorCodes);
  const policies = options.policiesDir ? (await import('../io/policy-directory.js')).loadPolicyDirectory(options.policiesDir) : null;
  const diagnose = policies ? (await import('../core/iam-policy/diagnose.js')).diagnose : null;
  return {
    transfer: (batch) => batch.output.map((piece) => piece.buffer as ArrayBuffer),
    take(items) {
      const output: Uint8Array[] = [];
      let lines: string[] = [];
      let characters = 0;
      const push = (line: string) => {
        lines.push(line);
        characters += line.length + 1;
        if (characters < PIECE_CHARACTERS) return;
        output.push(encoder.encode(`${lines.join('\n')}\n`));
        lines = [];
        characters = 0;
      };
      let records = 0;
      let denials = 0;
      let unreadable = 0;
      for (const item of items) {
        if (item.kind === 'error') {
          unreadable++;
          push(options.human ? style.red(`unreadable  ${terminalSafe(item.location.source)}:${item.location.line}${item.location.index !== undefined ? `[${item.location.index}]` : ''}  ${terminalSafe(item.error)}`) : JSON.stringify({ error: item.error, ...item.location }));
          continue;
        }
        records++;
        const denial = classify(item.record, { extraErrorCodes });
        if (denial.denied) denials++;
        if (options.deniedOnly && !denial.denied) continue;
        const diagnosis = policies && diagnose && denial.denied ? diagnose(denial, policies.policySetFor(denial), policies.principalTagsFor(denial)) : undefined;
        push(options.human ? explainLine(denial, style) : JSON.stringify(diagnosis ? { ...denial, diagnosis } : denial));
      }
      if (lines.length > 0) output.push(encoder.encode(`${lines.join('\n')}\n`));
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
