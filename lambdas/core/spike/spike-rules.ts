/**
 * The spike rules, as a pure step over one fingerprint's minute counts.
 *
 * ```
 *  minute  ...  m-4  m-3  m-2  m-1   m        sliding window of `windowMinutes` ending at m
 *               [--------- count(m) ---------]
 *  tumbling windows |  w-2  |  w-1  |  w  |  folded into the baseline once complete
 * ```
 *
 * - A window alerts (`threshold`) when count(m) >= threshold and count(m) > baselineMultiple × baseline.
 * - After an alert the fingerprint is quiet for `cooldownMinutes`, unless count(m) >= escalationFactor × the last
 *   alert's count (`escalation`).
 * - The baseline is an exponentially weighted mean of complete tumbling windows, so a chronic failure stops paging.
 * - A fingerprint never seen before may alert on its first denial (`first-seen`) when `alertOnFirstSeen` is set.
 *
 * Time is event time in whole minutes since the epoch, so a replay decides like live traffic did.
 */
import type { AlertReason } from '../alert.js';
import type { Settings } from '../config.js';

/** What is kept per fingerprint between batches. */
export interface SpikeState {
  /** Minute of the last alert, or null. */
  lastAlertMinute: number | null;
  /** Window count at the last alert. */
  lastAlertCount: number;
  /** Exponentially weighted mean of complete tumbling-window counts. */
  baseline: number;
  /** Index (minute / windowMinutes) of the last tumbling window folded into the baseline, or null. */
  baselineWindow: number | null;
}

/** One decision to alert. */
export interface SpikeDecision {
  reason: AlertReason;
  /** The minute whose sliding window alerted. */
  minute: number;
  /** Denials in that window. */
  count: number;
  /** Baseline before this decision. */
  baseline: number;
}

export type SpikeSettings = Pick<
  Settings,
  'threshold' | 'windowMinutes' | 'cooldownMinutes' | 'escalationFactor' | 'baselineMultiple' | 'baselineAlpha' | 'alertOnFirstSeen'
>;

/** The state of a fingerprint never seen. */
export const EMPTY_SPIKE_STATE: SpikeState = { lastAlertMinute: null, lastAlertCount: 0, baseline: 0, baselineWindow: null };

/**
 * Decides the alerts of one batch for one fingerprint.
 *
 * @param state - The stored state before this batch (`EMPTY_SPIKE_STATE` for a new fingerprint).
 * @param counts - Denials per minute, including this batch's, for at least `windowMinutes` before the earliest
 *   minute of the batch (older minutes are not needed: their windows were folded by earlier batches).
 * @param batchMinutes - The minutes that received denials in this batch.
 * @param isNewFingerprint - True when the table had never seen this fingerprint.
 * @returns The decisions, oldest first, and the state to store.
 */
export function decideSpikes(
  state: SpikeState,
  counts: ReadonlyMap<number, number>,
  batchMinutes: readonly number[],
  isNewFingerprint: boolean,
  settings: SpikeSettings,
): { decisions: SpikeDecision[]; state: SpikeState } {
  const next: SpikeState = { ...state };
  const decisions: SpikeDecision[] = [];
  const minutes = [...new Set(batchMinutes)].sort((a, b) => a - b);
  const width = settings.windowMinutes;
  for (const [position, minute] of minutes.entries()) {
    foldBaseline(next, counts, Math.floor(minute / width) - 1, settings);
    const count = windowCount(counts, minute, width);
    const decision = decide(next, count, minute, isNewFingerprint && position === 0 && decisions.length === 0, settings);
    if (decision) {
      decisions.push(decision);
      next.lastAlertMinute = minute;
      next.lastAlertCount = count;
    }
  }
  return { decisions, state: next };
}

function decide(state: SpikeState, count: number, minute: number, firstSeen: boolean, settings: SpikeSettings): SpikeDecision | null {
  const baseline = state.baseline;
  const quiet = state.lastAlertMinute !== null && minute < state.lastAlertMinute + settings.cooldownMinutes;
  if (quiet) {
    if (minute >= state.lastAlertMinute! && count >= settings.escalationFactor * state.lastAlertCount) {
      return { reason: 'escalation', minute, count, baseline };
    }
    return null;
  }
  if (count >= settings.threshold && count > settings.baselineMultiple * baseline) {
    return { reason: 'threshold', minute, count, baseline };
  }
  if (firstSeen && settings.alertOnFirstSeen) return { reason: 'first-seen', minute, count, baseline };
  return null;
}

/** Denials in the sliding window of `width` minutes that ends at `minute` (inclusive). */
export function windowCount(counts: ReadonlyMap<number, number>, minute: number, width: number): number {
  let total = 0;
  for (let m = minute - width + 1; m <= minute; m++) total += counts.get(m) ?? 0;
  return total;
}

/** Folds complete tumbling windows up to `throughWindow` into the baseline (in place). Empty windows decay it. */
function foldBaseline(state: SpikeState, counts: ReadonlyMap<number, number>, throughWindow: number, settings: SpikeSettings): void {
  const width = settings.windowMinutes;
  if (state.baselineWindow === null) {
    // The first window of a fingerprint starts its history: nothing before it to fold.
    state.baselineWindow = throughWindow;
    return;
  }
  if (throughWindow <= state.baselineWindow) return;
  const alpha = settings.baselineAlpha;
  const first = state.baselineWindow + 1;
  const span = throughWindow - first + 1;
  if (span > 10_000) {
    // Long silence: the old baseline has decayed to nothing; only recent windows matter.
    state.baseline = 0;
    state.baselineWindow = throughWindow - 10_000;
    foldBaseline(state, counts, throughWindow, settings);
    return;
  }
  let baseline = state.baseline;
  for (let window = first; window <= throughWindow; window++) {
    baseline = alpha * tumblingCount(counts, window, width) + (1 - alpha) * baseline;
  }
  state.baseline = baseline;
  state.baselineWindow = throughWindow;
}

function tumblingCount(counts: ReadonlyMap<number, number>, window: number, width: number): number {
  let total = 0;
  for (let m = window * width; m < (window + 1) * width; m++) total += counts.get(m) ?? 0;
  return total;
}
