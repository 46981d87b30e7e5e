/**
 * The scheduled canary check: every account and Region whose canary is overdue raises one "blind" notice, and one
 * "back" notice when its canary returns (`core/canary/overdue.ts` decides). A transition is claimed in the store
 * before its notice is sent (a conditional write on the state the check read), so two checks running at once, or a
 * check retried by Lambda, never announce it twice; a notice that could not be sent gives its claim back, so that the
 * next check (or Lambda's retry of this one) announces it.
 */
import { canaryNotice, checkCanary, type CanaryState, type CanaryVerdict } from '../core/canary/overdue.js';

/** Where canary states are kept (`adapters/dynamodb-canary-store.ts`). */
export interface CanaryCheckStore {
  states(): Promise<CanaryState[]>;
  /** Sets `blind` from the state read to `to`; false when the item no longer holds what was read. */
  transition(from: CanaryState, to: boolean): Promise<boolean>;
}

/** What the check needs. */
export interface CanaryCheckDeps {
  store: CanaryCheckStore;
  /** Sends a notice on the operations path (the operations topic: emails, and Slack through the handler). */
  notify(notice: { subject: string; message: string }): Promise<void>;
  log?(level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void;
}

/** Options of one check. */
export interface CanaryCheckOptions {
  nowMs: number;
  /** @default DEFAULT_OVERDUE_MINUTES */
  overdueMinutes?: number;
  /** `account` or `account/region` never checked. @default [] */
  excluded?: readonly string[];
}

/** What one check did. */
export interface CanaryCheckResult {
  checked: number;
  /** The transitions announced by this check, in order. */
  announced: Array<Extract<CanaryVerdict, { kind: 'blind' | 'back' }>>;
  /** Accounts and Regions blind after the check (announced now or before). */
  blind: number;
}

/**
 * Runs one check.
 *
 * @throws the first notice that could not be sent, after every account and Region was tried (its claim given back).
 */
export async function runCanaryCheck(deps: CanaryCheckDeps, options: CanaryCheckOptions): Promise<CanaryCheckResult> {
  const result: CanaryCheckResult = { checked: 0, announced: [], blind: 0 };
  const failures: Error[] = [];
  for (const state of await deps.store.states()) {
    result.checked++;
    const verdict = checkCanary(state, options);
    if (verdict.kind === 'blind' || verdict.kind === 'still-blind') result.blind++;
    if (verdict.kind !== 'blind' && verdict.kind !== 'back') continue;
    if (!(await deps.store.transition(state, verdict.state.blind))) continue;
    try {
      await deps.notify(canaryNotice(verdict)!);
      result.announced.push(verdict);
      deps.log?.(verdict.kind === 'blind' ? 'warn' : 'info', `canary ${verdict.kind}`, { accountId: state.accountId, region: state.region, lastArrivalMs: state.lastArrivalMs });
    } catch (error) {
      failures.push(error as Error);
      deps.log?.('error', `canary ${verdict.kind} notice not sent`, { accountId: state.accountId, region: state.region, error: (error as Error).message });
      await deps.store.transition(verdict.state, state.blind).catch(() => undefined);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} canary notice(s) not sent: ${failures[0]!.message}`, { cause: failures[0] });
  return result;
}
