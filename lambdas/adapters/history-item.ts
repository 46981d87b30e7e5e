/**
 * The DynamoDB item of one denial in history, with its sharded index keys (see `table-schema.ts`).
 */
import type { HistoryEntry } from '../engine/denial-store.js';
import { TABLE_SCHEMA } from './table-schema.js';

export const HISTORY_SK = 'EVENT';

/** A shard from the event id, so that one principal's storm spreads over several index partitions. */
export function shardOf(eventId: string): number {
  let hash = 0;
  for (let i = 0; i < eventId.length; i++) hash = (hash * 31 + eventId.charCodeAt(i)) | 0;
  return Math.abs(hash) % TABLE_SCHEMA.gsiShards;
}

/** The item for one history entry. */
export function historyItemOf(entry: HistoryEntry, expiresAtSec: number): Record<string, unknown> {
  const { denial, timeMs, suppressedBy } = entry;
  const eventTime = new Date(timeMs).toISOString();
  const shard = shardOf(denial.eventId);
  const sortKey = `${eventTime}#${denial.eventId}`;
  return {
    pk: `EVENT#${denial.eventId}`,
    sk: HISTORY_SK,
    gsi1pk: `P#${denial.principalArn ?? `account:${denial.accountId ?? '-'}`}#${shard}`,
    gsi1sk: sortKey,
    gsi2pk: `A#${denial.action ?? '-'}#${shard}`,
    gsi2sk: sortKey,
    gsi3pk: `M#${eventTime.slice(0, 7)}#${shard}`,
    gsi3sk: sortKey,
    eventId: denial.eventId,
    eventTime,
    recordedEventTime: denial.eventTime,
    fingerprint: denial.fingerprint,
    principalArn: denial.principalArn,
    principalType: denial.principalType,
    accountId: denial.accountId,
    sessionName: denial.sessionName,
    sourceIdentity: denial.sourceIdentity,
    identityCenterUserId: denial.identityCenterUserId,
    action: denial.action,
    resource: denial.resource,
    resourceFamily: denial.resourceFamily,
    denyLayer: denial.denyLayer,
    denyKind: denial.denyKind,
    policyArn: denial.policyArn,
    eventSource: denial.eventSource,
    eventName: denial.eventName,
    region: denial.region,
    sourceIp: denial.sourceIp,
    userAgent: denial.userAgent,
    vpcEndpointId: denial.vpcEndpointId,
    requestId: denial.requestId,
    errorCode: denial.errorCode,
    errorMessage: denial.errorMessage,
    crossAccount: denial.crossAccount,
    suppressedBy,
    [TABLE_SCHEMA.ttlAttribute]: expiresAtSec,
  };
}
