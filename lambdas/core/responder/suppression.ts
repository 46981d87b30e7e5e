/**
 * Whether a responder's Snooze or Expected keeps a fingerprint's alert silent. Pure: the caller reads the snooze and
 * the Expected suppression (`ResponderStore`) and passes the time. A snooze past its `untilMs` no longer counts even
 * if DynamoDB's TTL has not deleted it yet (deletion can run about two days late).
 */
import type { ExpectedSuppression, Snooze } from './types.js';

/** Why an alert is kept silent, or that it is not. */
export type ResponderVerdict =
  | { silent: false }
  | { silent: true; by: 'snooze'; who: string; untilMs: number }
  | { silent: true; by: 'expected'; who: string; approvedBy: string };

/** The verdict for one fingerprint at `nowMs`. A pending Expected (one person so far) silences nothing. */
export function responderVerdict(snooze: Snooze | null, expected: ExpectedSuppression | null, nowMs: number): ResponderVerdict {
  if (expected?.approvedBy) return { silent: true, by: 'expected', who: expected.requestedBy, approvedBy: expected.approvedBy };
  if (snooze && snoozeActive(snooze, nowMs)) return { silent: true, by: 'snooze', who: snooze.by, untilMs: snooze.untilMs };
  return { silent: false };
}

/** True until the snooze's end. */
export function snoozeActive(snooze: Snooze, nowMs: number): boolean {
  return nowMs < snooze.untilMs;
}

/** One line for the audit log and `history --responses`. */
export function describeVerdict(verdict: ResponderVerdict): string {
  if (!verdict.silent) return 'not suppressed';
  if (verdict.by === 'snooze') return `snoozed by ${verdict.who} until ${new Date(verdict.untilMs).toISOString()}`;
  return `expected (asked by ${verdict.who}, approved by ${verdict.approvedBy})`;
}
