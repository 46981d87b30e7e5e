/**
 * History as pages anyone can read: the denials of one principal, one 10-minute span of event time and one batch in
 * one item, as plain DynamoDB attributes (docs/history-table.md shows the queries).
 *
 * - `pk` is `H#<principal ARN>` as recorded (an unknown principal: `H#account:<id>`); only a key over DynamoDB's
 *   2,048-byte partition-key limit is hashed (`H#sha256:<hex of the whole key>`).
 * - `denials` is a list of maps, one a denial: `eventId`, `eventTime` and every readable field
 *   ({@link READABLE_FIELDS}) whose value differs between the page's denials; a value all of them share is stored
 *   once, as an attribute of the page (a storm of identical denials then costs little more than ids and times).
 * - `extras` is the gzip of a JSON array (one object a denial, in the order of `denials`) of the bulky rest: full
 *   error message, user agent, request id, … ({@link EXTRA_FIELDS}).
 * - `actions`, `accounts`, `fingerprints` are string sets of the page's values, projected with the page's principal
 *   and count into the `byDay` index (`dpk` `D#<day>`), so a day's pages can be filtered by action, account or
 *   fingerprint without reading them.
 *
 * A page costs one write unit per KB (~70–250 bytes a denial) and one small index write. The page id is a hash of its
 * event ids, so a batch delivered again writes the same page; a batch regrouped writes copies that reading
 * deduplicates by event id. Every string field is cut at {@link MAX_FIELD_CHARS}, and a page holds at most
 * {@link HISTORY_PAGE_RECORD_BYTES} of records, so a poison record cannot make a page too large.
 *
 * Pages of the previous layout (`H#<hash>`, all in a gzip `d`) are still read: {@link recordsOfPage} decodes both.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HistoryEntry, HistoryQuery, HistoryRecord } from '../engine/denial-store.js';
import { eventIdPagesOf, pageIdOf } from './json-pages.js';
import { HISTORY_PAGE_RECORD_BYTES, KEY_PREFIX, PARTITION_KEY_MAX_BYTES, TABLE_SCHEMA } from './table-schema.js';

/** Longest string kept in a history field; longer ones are cut and marked. */
export const MAX_FIELD_CHARS = 2_048;

/** The principal a history page belongs to: its ARN, or the account when the principal is unknown. */
export const principalKeyOf = (principalArn: string | null | undefined, accountId: string | null | undefined): string =>
  principalArn ?? `account:${accountId ?? '-'}`;

/** Hash of a principal key as the previous layout keyed its pages (`H#<24 hex>`): read only. */
export const principalHashOf = (principalKey: string): string => createHash('sha256').update(principalKey).digest('hex').slice(0, 24);

/** Prefix of a hashed history partition key (a principal key too long for a partition key). */
export const HASHED_KEY_PREFIX = 'sha256:';

/**
 * The partition key of a principal's history pages: `H#` and the principal key as recorded, or, only when that is over
 * DynamoDB's 2,048-byte limit, `H#sha256:` and the hex SHA-256 of the whole principal key
 * (`printf '%s' "$ARN" | sha256sum`).
 */
export function historyPkOf(principalKey: string): string {
  const plain = `${KEY_PREFIX.historyPage}${principalKey}`;
  if (Buffer.byteLength(plain, 'utf8') <= PARTITION_KEY_MAX_BYTES) return plain;
  return `${KEY_PREFIX.historyPage}${HASHED_KEY_PREFIX}${createHash('sha256').update(principalKey, 'utf8').digest('hex')}`;
}

/** The partition key of the same principal's pages in the previous layout. */
export const legacyHistoryPkOf = (principalKey: string): string => `${KEY_PREFIX.historyPage}${principalHashOf(principalKey)}`;

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

/** Fields of a denial kept as plain attributes (besides `eventId`, `eventTime` and the page's `principalArn`). */
export const READABLE_FIELDS = [
  'sessionName',
  'action',
  'resource',
  'denyLayer',
  'accountId',
  'region',
  'sourceIp',
  'fingerprint',
  'suppressedBy',
  'distrust',
] as const;

/** Fields kept in a page's gzip `extras`: bulky or rarely asked. */
export const EXTRA_FIELDS = [
  'recordedEventTime',
  'principalType',
  'sourceIdentity',
  'identityCenterUserId',
  'resourceFamily',
  'denyKind',
  'policyArn',
  'eventSource',
  'eventName',
  'userAgent',
  'vpcEndpointId',
  'requestId',
  'errorCode',
  'errorMessage',
  'crossAccount',
] as const;

type Readable = Partial<Record<(typeof READABLE_FIELDS)[number], string>>;

/** One history page item (the readable layout). */
export interface HistoryPageItem extends Readable {
  pk: string;
  sk: string;
  /** `byDay` index keys. */
  dpk: string;
  dsk: string;
  /** The principal of every denial of the page (absent when unknown: then `pk` names the account). */
  principalArn?: string;
  /** Denials in the page. */
  denialCount: number;
  denials: Array<{ eventId: string; eventTime: string } & Readable>;
  /** gzip of the JSON array of each denial's {@link EXTRA_FIELDS} (same order as `denials`). */
  extras: Uint8Array;
  actions?: Set<string>;
  accounts?: Set<string>;
  fingerprints?: Set<string>;
  expiresAt: number;
}

/**
 * Splits entries into pages: per principal, per 10-minute span, at most {@link HISTORY_PAGE_RECORD_BYTES} of records
 * each, in event-id order (the same entries always make the same pages).
 */
export function historyPagesOf(entries: readonly HistoryEntry[], expiresAtSec: number): Array<{ item: HistoryPageItem; eventIds: string[] }> {
  const groups = new Map<string, { principalKey: string; span: string; records: Array<{ eventId: string; json: string; record: HistoryRecord }> }>();
  for (const entry of entries) {
    const record = historyRecordOf(entry, expiresAtSec);
    const principalKey = principalKeyOf(entry.denial.principalArn, entry.denial.accountId);
    const span = spanOf(record.eventTime);
    const groupKey = `${principalKey}\u0000${span}`;
    let group = groups.get(groupKey);
    if (!group) groups.set(groupKey, (group = { principalKey, span, records: [] }));
    group.records.push({ eventId: record.eventId, json: JSON.stringify(record), record });
  }
  const pages: Array<{ item: HistoryPageItem; eventIds: string[] }> = [];
  for (const { principalKey, span, records } of groups.values()) {
    for (const chunk of eventIdPagesOf(records, HISTORY_PAGE_RECORD_BYTES)) {
      const eventIds = chunk.map((entry) => entry.eventId);
      const pageId = pageIdOf(eventIds);
      pages.push({ eventIds, item: pageItemOf(historyPkOf(principalKey), span, pageId, chunk.map((entry) => entry.record), expiresAtSec) });
    }
  }
  return pages;
}

function pageItemOf(pk: string, span: string, pageId: string, records: readonly HistoryRecord[], expiresAtSec: number): HistoryPageItem {
  const item: HistoryPageItem = {
    pk,
    sk: `${span}#${pageId}`,
    dpk: `${KEY_PREFIX.dayIndex}${span.slice(0, 10)}`,
    dsk: `${span}#${pageId}`,
    denialCount: records.length,
    denials: records.map((record) => ({ eventId: record.eventId, eventTime: record.eventTime })),
    extras: gzipSync(JSON.stringify(records.map((record) => Object.fromEntries(EXTRA_FIELDS.filter((field) => record[field] != null).map((field) => [field, record[field]]))))),
    expiresAt: expiresAtSec,
  };
  const principalArn = records[0]!.principalArn;
  if (typeof principalArn === 'string') item.principalArn = principalArn;
  for (const field of READABLE_FIELDS) {
    const values = records.map((record) => (record[field] == null ? null : String(record[field])));
    if (values.every((value) => value === values[0])) {
      if (values[0] !== null) item[field] = values[0];
      continue;
    }
    values.forEach((value, index) => {
      if (value !== null) item.denials[index]![field] = value;
    });
  }
  const setOf = (field: 'action' | 'accountId' | 'fingerprint'): Set<string> | undefined => {
    const values = new Set(records.map((record) => record[field]).filter((value): value is string => typeof value === 'string'));
    return values.size > 0 ? values : undefined;
  };
  item.actions = setOf('action');
  item.accounts = setOf('accountId');
  item.fingerprints = setOf('fingerprint');
  return item;
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

/** True for a page of the previous layout (all in a gzip `d`). */
export const isLegacyPage = (item: Record<string, unknown>): boolean => item.d instanceof Uint8Array && !Array.isArray(item.denials);

/** The records of a page item of either layout, as flat {@link HistoryRecord}s (absent fields as null). */
export function recordsOfPage(item: Record<string, unknown>): HistoryRecord[] {
  const records = isLegacyPage(item) ? legacyRecordsOf(item.d as Uint8Array) : readableRecordsOf(item);
  for (const record of records) for (const field of HISTORY_FIELDS) if (!(field in record)) (record as Record<string, unknown>)[field] = null;
  return records;
}

function legacyRecordsOf(data: Uint8Array): HistoryRecord[] {
  return JSON.parse(gunzipSync(data).toString('utf8')) as HistoryRecord[];
}

function readableRecordsOf(item: Record<string, unknown>): HistoryRecord[] {
  const denials = item.denials;
  if (!Array.isArray(denials)) return [];
  const extras = item.extras instanceof Uint8Array ? (JSON.parse(gunzipSync(item.extras).toString('utf8')) as Array<Record<string, unknown>>) : [];
  const shared: Record<string, unknown> = {};
  for (const field of READABLE_FIELDS) if (item[field] != null) shared[field] = item[field];
  return (denials as Array<Record<string, unknown>>).map((denial, index) => {
    const record: Record<string, unknown> = { ...(extras[index] ?? {}), principalArn: item.principalArn ?? null, ...shared, ...denial };
    if (item[TABLE_SCHEMA.ttlAttribute] !== undefined) record[TABLE_SCHEMA.ttlAttribute] = item[TABLE_SCHEMA.ttlAttribute];
    return record as HistoryRecord;
  });
}

/**
 * Whether a stored record answers a history query: within its times, not expired (DynamoDB deletes expired items up
 * to days late: they are filtered on read), and of its principal, action and fingerprint when given. One rule for
 * every store, so the DynamoDB and the in-process adapters answer alike.
 */
export function historyQueryMatcher(query: HistoryQuery, nowMs: number): (record: HistoryRecord) => boolean {
  const nowSec = Math.floor(nowMs / 1000);
  const since = new Date(query.sinceMs).toISOString();
  const until = new Date(query.untilMs).toISOString();
  return (record) =>
    record.eventTime >= since &&
    record.eventTime <= until &&
    Number(record[TABLE_SCHEMA.ttlAttribute] ?? Infinity) > nowSec &&
    (!query.principalArn || record.principalArn === query.principalArn) &&
    (!query.action || record.action === query.action) &&
    (!query.fingerprint || record.fingerprint === query.fingerprint);
}
