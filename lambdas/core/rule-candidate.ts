/**
 * The records the deployed rules could hand to the engine: a failed call (the denial rule matches a subset of the
 * error codes; the engine's classifier decides which are denials) or a successful authorization change of the
 * catalogue (the "what changed" rule). `replay` feeds the engine only these, in batches as the Lambda receives them
 * from SQS; every other record is counted and skipped, as EventBridge would skip it.
 */
import { catalogEntryOf } from './changes/catalog.js';
import type { CloudTrailRecord } from './types.js';

/** True for a record a rule could deliver: one with an error code, or a catalogued change. */
export function isRuleCandidate(record: Pick<CloudTrailRecord, 'errorCode' | 'eventSource' | 'eventName'>): boolean {
  return (record.errorCode !== undefined && record.errorCode !== null) || catalogEntryOf(record.eventSource, record.eventName) !== undefined;
}
