/**
 * Cardinality rules: one caller denied on many distinct resources (per principal and action) or many distinct
 * actions (per principal) within a window, the shape of enumeration and of a flood of random names that makes one
 * fingerprint per denial and so no fingerprint spike.
 *
 * Pure: the engine gives the distinct members per minute (hashes of resources or actions, from the counters).
 */
import type { AlertReason } from '../alert.js';
import type { SpikeState } from './spike-rules.js';

/** One cardinality decision. */
export interface CardinalityDecision {
  reason: Extract<AlertReason, 'distinct-resources' | 'distinct-actions'>;
  minute: number;
  /** Distinct members in the window ending at `minute`. */
  distinct: number;
}

/** Distinct members of the sliding window of `width` minutes ending at `minute`. */
export function distinctInWindow(members: ReadonlyMap<number, ReadonlySet<string>>, minute: number, width: number): number {
  const union = new Set<string>();
  for (let m = minute - width + 1; m <= minute; m++) for (const member of members.get(m) ?? []) union.add(member);
  return union.size;
}

/**
 * Decides cardinality alerts over the given minutes (ascending): a window alerts when its distinct count reaches
 * `threshold`, outside the cooldown of the key's last alert.
 */
export function decideCardinality(
  state: SpikeState,
  members: ReadonlyMap<number, ReadonlySet<string>>,
  minutes: readonly number[],
  reason: CardinalityDecision['reason'],
  settings: { threshold: number; windowMinutes: number; cooldownMinutes: number },
): { decisions: CardinalityDecision[]; state: SpikeState } {
  const next = { ...state };
  const decisions: CardinalityDecision[] = [];
  for (const minute of [...new Set(minutes)].sort((a, b) => a - b)) {
    if (next.lastAlertMinute !== null && minute < next.lastAlertMinute + settings.cooldownMinutes) continue;
    const distinct = distinctInWindow(members, minute, settings.windowMinutes);
    if (distinct < settings.threshold) continue;
    decisions.push({ reason, minute, distinct });
    next.lastAlertMinute = minute;
    next.lastAlertCount = distinct;
  }
  return { decisions, state: next };
}
