/**
 * When a canary is overdue, and when it is back: pure, over the last arrival per account and Region and a clock.
 *
 * The threshold. CloudTrail "typically delivers an event within an average of about 5 minutes of an API call" to
 * EventBridge and logs (CloudTrail user guide, "How CloudTrail works" / FAQ; delivery is best effort), and EventBridge
 * schedules fire within a minute of their time. With a canary every 15 minutes, {@link DEFAULT_OVERDUE_MINUTES} = 50
 * is three missed canaries plus 5 minutes of CloudTrail latency: one late or lost event (best effort) never raises
 * "blind", and a real stop is told within an hour. An arrival whose event time is ahead of the clock (skew between
 * the account and the alerter) counts as arriving now, so a fast clock cannot hold the alarm off.
 *
 * States: `expected` (arrived within the threshold), `blind` (not since), `excluded` (configured out: never blind).
 * An account and Region is expected only once its first canary arrived: a new account is not blind before it began.
 */

/** The canary's default schedule: every 15 minutes. */
export const DEFAULT_CANARY_MINUTES = 15;

/** Minutes without a canary before "blind" for a schedule: three missed canaries plus CloudTrail's ~5-minute delivery. */
export function overdueMinutesFor(scheduleMinutes: number): number {
  return 3 * scheduleMinutes + 5;
}

/** Minutes without a canary before "blind" (3 × 15-minute schedule + CloudTrail's ~5-minute delivery). */
export const DEFAULT_OVERDUE_MINUTES = overdueMinutesFor(DEFAULT_CANARY_MINUTES);

/** The kept state of one account and Region. */
export interface CanaryState {
  accountId: string;
  region: string;
  /** The last arrival's event time (ms), clamped to its arrival time when ahead of it. */
  lastArrivalMs: number;
  /** True while a "blind" notice is standing (so it is raised once, and "back" follows once). */
  blind: boolean;
}

/** What the check decided for one account and Region. */
export type CanaryVerdict =
  | { kind: 'on-time'; state: CanaryState }
  | { kind: 'blind'; state: CanaryState; sinceMs: number }
  | { kind: 'still-blind'; state: CanaryState }
  | { kind: 'back'; state: CanaryState }
  | { kind: 'excluded'; state: CanaryState };

/** Options of the check. */
export interface OverdueOptions {
  nowMs: number;
  /** @default DEFAULT_OVERDUE_MINUTES */
  overdueMinutes?: number;
  /** `account` or `account/region` (either may be `*`) never checked. */
  excluded?: readonly string[];
}

/** True when the account and Region is configured out. */
export function isExcluded(state: Pick<CanaryState, 'accountId' | 'region'>, excluded: readonly string[] = []): boolean {
  return excluded.some((entry) => {
    const [account, region = '*'] = entry.split('/');
    return (account === '*' || account === state.accountId) && (region === '*' || region === state.region);
  });
}

/** Folds an arrival into the state (a new account and Region starts expected); skew clamped to the arrival time. */
export function recordArrival(state: CanaryState | null, arrival: { accountId: string; region: string; eventTimeMs: number }, arrivedMs: number): CanaryState {
  const at = Math.min(arrival.eventTimeMs, arrivedMs);
  if (!state) return { accountId: arrival.accountId, region: arrival.region, lastArrivalMs: at, blind: false };
  return { ...state, lastArrivalMs: Math.max(state.lastArrivalMs, at) };
}

/** Decides one account and Region at `nowMs`; the state to keep is in the verdict. */
export function checkCanary(state: CanaryState, options: OverdueOptions): CanaryVerdict {
  if (isExcluded(state, options.excluded)) return { kind: 'excluded', state: { ...state, blind: false } };
  const overdueMs = (options.overdueMinutes ?? DEFAULT_OVERDUE_MINUTES) * 60_000;
  const late = options.nowMs - state.lastArrivalMs > overdueMs;
  if (late) return state.blind ? { kind: 'still-blind', state } : { kind: 'blind', state: { ...state, blind: true }, sinceMs: state.lastArrivalMs };
  if (state.blind) return { kind: 'back', state: { ...state, blind: false } };
  return { kind: 'on-time', state };
}

/** What to check, in order, when an account and Region goes blind. */
export const BLIND_CHECKLIST = [
  'the trail: logging on, multi-Region, management write events selected (aws cloudtrail get-trail-status / get-event-selectors)',
  'the trail event selectors: management events, read and write',
  'the rule: the forwarder rule (or the central rule) enabled, with its target (aws events describe-rule / list-targets-by-rule)',
  'the forwarder: the StackSet instance of this account and Region is CURRENT (aws cloudformation list-stack-instances)',
  'the bus policy: the central bus still admits the organization (aws events describe-event-bus)',
  'an SCP refusing the forwarder role events:PutEvents, or the canary its schedule',
  'the key: the alerter\'s KMS key enabled (aws kms describe-key)',
] as const;

/** The operations notice text of a verdict, or null when nothing is to be said. */
export function canaryNotice(verdict: CanaryVerdict): { subject: string; message: string } | null {
  const { accountId, region } = verdict.state;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  if (verdict.kind === 'blind') {
    return {
      subject: `blind: nothing from account ${accountId} in ${region} since ${iso(verdict.sinceMs)}`,
      message: [`blind: nothing from account ${accountId} in Region ${region} since ${iso(verdict.sinceMs)} (no canary denial arrived).`, 'Check, in order:', ...BLIND_CHECKLIST.map((step, index) => `${index + 1}. ${step}`)].join('\n'),
    };
  }
  if (verdict.kind === 'back') {
    return { subject: `back: account ${accountId} in ${region} is seen again`, message: `back: the canary of account ${accountId} in Region ${region} arrived again (last at ${iso(verdict.state.lastArrivalMs)}).` };
  }
  return null;
}
