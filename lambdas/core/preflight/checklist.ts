/**
 * The preflight checklist's shape: one result per check, each `pass`, `warn` or `fail`, a failure naming its fix.
 * A `fail` is a blocker (the first `cdk deploy` fails, or the deployed stack would alert no one); a `warn` is
 * something to know (read-only denials missed, a check preflight could not make).
 */

/** What a check concluded. */
export type Verdict = 'pass' | 'warn' | 'fail';

/** One line of the checklist. */
export interface CheckResult {
  /** Stable id for machines (`--json`): `trail`, `pattern-quota`, `bootstrap`, `org-caller`, … */
  readonly id: string;
  /** What was checked, for people. */
  readonly title: string;
  readonly verdict: Verdict;
  /** What preflight found (never a secret's value). */
  readonly detail: string;
  /** What to do about a `warn` or `fail`. */
  readonly fix?: string;
}

/** The counts of a checklist. */
export interface ChecklistSummary {
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
}

/** Counts the verdicts. */
export function summarize(results: readonly CheckResult[]): ChecklistSummary {
  const count = (verdict: Verdict) => results.filter((result) => result.verdict === verdict).length;
  return { pass: count('pass'), warn: count('warn'), fail: count('fail') };
}

/** The exit status: 1 when any check found a blocker, else 0. */
export function exitStatusOf(results: readonly CheckResult[]): 0 | 1 {
  return results.some((result) => result.verdict === 'fail') ? 1 : 0;
}

/** Why a check could not be made (its AWS call failed after the SDK's retries). */
export type CallFailure =
  | { readonly kind: 'denied'; readonly permission: string; readonly message: string }
  | { readonly kind: 'throttled'; readonly permission: string; readonly message: string }
  | { readonly kind: 'unreachable'; readonly permission: string; readonly message: string }
  | { readonly kind: 'other'; readonly permission: string; readonly message: string };

/**
 * The result of a check whose own AWS call failed: a warning that names the permission preflight lacks (access
 * denied), or says to try again (throttled) or what could not be reached; the other checks go on.
 */
export function uncheckedResult(id: string, title: string, failure: CallFailure): CheckResult {
  switch (failure.kind) {
    case 'denied':
      return { id, title, verdict: 'warn', detail: `not checked: preflight's credentials lack ${failure.permission}`, fix: `allow ${failure.permission} to the identity running preflight (read-only), or run it with credentials that have it` };
    case 'throttled':
      return { id, title, verdict: 'warn', detail: `not checked: ${failure.permission} was throttled after the SDK's retries`, fix: 'run preflight again in a minute' };
    case 'unreachable':
      return { id, title, verdict: 'warn', detail: `not checked: ${failure.permission} could not reach its endpoint (${failure.message})`, fix: 'check the network, the Region and any endpoint override, then run preflight again' };
    default:
      return { id, title, verdict: 'warn', detail: `not checked: ${failure.permission} failed: ${failure.message}`, fix: 'run preflight again; if it persists, make the same call with the AWS CLI to see why' };
  }
}
