/** Delivery timing of the Lambda handler. */

/**
 * Time kept back from the invocation's remaining time when alerts are delivered: after the deadline, failed alerts are
 * still dead-lettered (an SQS SendMessage each) and the outbox marked, before Lambda stops the invocation.
 */
export const DELIVERY_SAFETY_MARGIN_MS = 10_000;

/** The most time a short invocation (less left than the margin) still gives delivery: at most half of what is left. */
export const MIN_DELIVERY_WINDOW_MS = 1_000;

/**
 * The epoch-ms deadline for delivering this invocation's alerts.
 *
 * @param remainingMs - `context.getRemainingTimeInMillis()`.
 */
export function deliveryDeadline(nowMs: number, remainingMs: number): number {
  return nowMs + Math.max(Math.min(MIN_DELIVERY_WINDOW_MS, remainingMs / 2), remainingMs - DELIVERY_SAFETY_MARGIN_MS);
}
