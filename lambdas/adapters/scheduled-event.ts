/**
 * Tells the stack's schedule from the handler's other event sources, apart from the canary check it runs: the handler
 * asks on every invocation, and the check (with its SNS client) loads only for a scheduled one.
 */

/**
 * True for what an EventBridge schedule delivers ("Scheduled Event" from `aws.events`, EventBridge user guide,
 * "Creating a rule that runs on a schedule"), as opposed to SQS batches and SNS notifications.
 */
export function isScheduledEvent(event: unknown): boolean {
  const value = event as { source?: unknown; 'detail-type'?: unknown } | null;
  return value?.source === 'aws.events' && value['detail-type'] === 'Scheduled Event';
}
