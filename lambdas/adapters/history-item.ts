/**
 * History as pages: the denials of one principal, one 10-minute span of event time and one batch, as gzip JSON in one
 * item.
 *
 * A page costs one write unit per compressed KB (a typical denial compresses to ~150–300 bytes) and one KEYS_ONLY
 * index write, instead of one item and three full index copies per denial. The page id is a hash of its event ids,
 * so a batch delivered again writes the same page; a batch regrouped writes copies that reading deduplicates by
 * event id. Every string field is cut at {@link MAX_FIELD_CHARS}, so a poison record cannot make a page too large.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { HistoryEntry, HistoryRecord } from '../engine/denial-store.js';
import { jsonPagesOf } from './json-pages.js';
import { KEY_PREFIX, TABLE_SCHEMA } from './table-schema.js';

/** Longest string kept in a history field; longer ones are cut and marked. */
export const MAX_FIELD_CHARS = 2_048;

/** The principal a history page belongs to: its ARN, or the account when the principal is unknown. */
export const principalKeyOf = (principalArn: string | null | undefined, accountId: string | null | undefined): string =>
  principalArn ?? `account:${accountId ?? '-'}`;

/** Hash of a principal key, for partition keys (an ARN may be longer than a key may be). */
export const principalHashOf = (principalKey: string): string => createHash('sha256').update(principalKey).digest('hex').slice(0, 24);

/**
 * The 10-minute span of an ISO time, `yyyy-mm-ddThh:m` (a page never spans more, so the window of an alert reads
 * one or two pages per batch, not an hour's).
 */
export const spanOf = (iso: string): string => iso.slice(0, 15);

function cut(value: unknown): unknown {
  if (typeof value !== 'string' || value.length <= MAX_FIELD_CHARS) return value;
  return `${value.slice(0, MAX_FIELD_CHARS)}…[cut ${value.length - MAX_FIELD_CHARS} chars]`;
}

/** The flat record kept for one denial (what a responder reads), strings cut. */
export function historyRecordOf(entry: HistoryEntry, expiresAtSec: number): HistoryRecord {
  const { denial, timeMs, suppressedBy } = entry;
  const record: Record<string, unknown> = {
    eventId: denial.eventId,
    eventTime: new Date(timeMs).toISOString(),
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
    ...(entry.distrust ? { distrust: entry.distrust } : {}),
    [TABLE_SCHEMA.ttlAttribute]: expiresAtSec,
  };
  for (const [name, value] of Object.entries(record)) {
    if (value === null) delete record[name];
    else record[name] = cut(value);
  }
  return record as HistoryRecord;
}

/** One history page item. */
export interface HistoryPageItem {
  pk: string;
  sk: string;
  tpk: string;
  tsk: string;
  /** Denials in the page. */
  n: number;
  /** gzip of the JSON array of records. */
  d: Uint8Array;
  expiresAt: number;
}

/** Splits entries into pages: per principal, per 10-minute span, at most `HISTORY_PAGE_RAW_BYTES` of JSON each. */
export function historyPagesOf(entries: readonly HistoryEntry[], expiresAtSec: number): Array<{ item: HistoryPageItem; eventIds: string[] }> {
  const groups = new Map<string, { principalHash: string; hour: string; records: HistoryRecord[] }>();
  for (const entry of entries) {
    const record = historyRecordOf(entry, expiresAtSec);
    const principalHash = principalHashOf(principalKeyOf(entry.denial.principalArn, entry.denial.accountId));
    const hour = spanOf(record.eventTime);
    const groupKey = `${principalHash}|${hour}`;
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = { principalHash, hour, records: [] }));
    group.records.push(record);
  }
  const pages: Array<{ item: HistoryPageItem; eventIds: string[] }> = [];
  for (const { principalHash, hour, records } of groups.values()) {
    for (const page of jsonPagesOf(records.map((record) => ({ eventId: record.eventId, json: JSON.stringify(record) })))) {
      pages.push({
        eventIds: page.eventIds,
        item: {
          pk: `${KEY_PREFIX.historyPage}${principalHash}`,
          sk: `${hour}#${page.pageId}`,
          tpk: `${KEY_PREFIX.timeIndex}${hour.slice(0, 10)}`,
          tsk: `${hour}#${principalHash}#${page.pageId}`,
          n: page.entries.length,
          d: page.gzip,
          expiresAt: expiresAtSec,
        },
      });
    }
  }
  return pages;
}

/** Fields every record read back carries (null when the denial had none): what triage and `history` rely on. */
export const HISTORY_FIELDS = [
  'eventTime',
  'eventId',
  'principalArn',
  'principalType',
  'accountId',
  'action',
  'resource',
  'resourceFamily',
  'sourceIp',
  'userAgent',
  'sessionName',
  'fingerprint',
  'denyLayer',
  'denyKind',
  'eventSource',
  'eventName',
  'region',
  'errorCode',
  'errorMessage',
  'suppressedBy',
] as const;

/** The records of a page item (absent fields as null). */
export function recordsOfPage(item: { d?: unknown }): HistoryRecord[] {
  const data = item.d;
  if (!(data instanceof Uint8Array)) return [];
  const records = JSON.parse(gunzipSync(data).toString('utf8')) as HistoryRecord[];
  for (const record of records) for (const field of HISTORY_FIELDS) if (!(field in record)) (record as Record<string, unknown>)[field] = null;
  return records;
}
