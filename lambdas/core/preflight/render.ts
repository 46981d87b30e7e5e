/** The checklist as people read it: one line per check, its fix indented below, a closing summary. */
import { summarize, type CheckResult } from './checklist.js';

/** Colours (identity when colour is off). */
export interface ChecklistStyle {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

/** The lines of the checklist. */
export function checklistLines(header: string, results: readonly CheckResult[], style: ChecklistStyle): string[] {
  const lines = [style.bold(header)];
  for (const result of results) {
    const colour = result.verdict === 'pass' ? style.green : result.verdict === 'warn' ? style.yellow : style.red;
    lines.push(`  ${colour(LABEL[result.verdict])}  ${result.title}: ${result.detail}`);
    if (result.fix && result.verdict !== 'pass') lines.push(`        ${style.dim('fix:')} ${result.fix}`);
  }
  const { pass, warn, fail } = summarize(results);
  const counts = `${pass} passed, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} blocker${fail === 1 ? '' : 's'}`;
  lines.push(fail > 0 ? style.red(`${counts}: fix the blockers before cdk deploy.`) : `${counts}: ready for cdk deploy.`);
  return lines;
}
