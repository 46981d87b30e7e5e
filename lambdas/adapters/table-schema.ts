/**
 * The single DynamoDB table's layout, shared by the store adapter, the CDK stack and the emulator bootstrap.
 * `docs/engine.md` explains why each item looks the way it does.
 *
 * | item             | pk                              | sk                        | what                                              |
 * |------------------|---------------------------------|---------------------------|---------------------------------------------------|
 * | history page     | `H#<principal hash>`            | `<yyyy-mm-ddThh:m>#<page>`| gzip JSON of the denials of one principal, one 10-minute span, one batch (≤ 256 KB raw) |
 * | counter bucket   | `FP#<fp>`, `PA#<hash>`, `PR#<hash>` | `B#<bucket>` (10 min / 1 h) | `m0`…`m9`: binary sets of 5-byte member hashes per minute (≤ 5,000 each); `p<slot>`: the previous bucket's last minutes, carried |
 * | key state        | same pk as its counters         | `STATE`                   | spike state, `version` for optimistic locking      |
 * | alert            | `ALERT#<alertId>`               | `ALERT`                   | the alert (gzip JSON), channels delivered / dead-lettered, lease |
 * | outbox marker    | `OUTBOX`                        | `<alertId>`               | present while the alert is not delivered everywhere |
 * | responder items  | `RSP#…`                         | see `dynamodb-responder-store.ts` | Slack threads, snoozes, Expected, audit log, seen requests |
 *
 * Counter members are hashes of event ids (per fingerprint), of resources (per principal and action) and of actions
 * (per principal): DynamoDB's set `ADD` is idempotent, so a redelivered event can never be counted twice.
 *
 * One index, `byTime` (`T#<yyyy-mm-dd>`, sort `<yyyy-mm-ddThh:m>#<principal hash>#<page>`), KEYS_ONLY, on history pages
 * only: one index write per page, not per denial. Prefix `CHG#` belongs to the change store (what changed).
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    byTime: { name: 'byTime', partitionKey: 'tpk', sortKey: 'tsk', projection: 'KEYS_ONLY' },
  },
} as const;

/** Key prefixes of the items the engine owns. */
export const KEY_PREFIX = {
  historyPage: 'H#',
  fingerprint: 'FP#',
  principalAction: 'PA#',
  principal: 'PR#',
  alert: 'ALERT#',
  outbox: 'OUTBOX',
  timeIndex: 'T#',
  responder: 'RSP#',
} as const;

/** How a key's counters are cut into bucket items. */
export interface BucketLayout {
  /** Minutes per bucket item (`m0`…`m<minutes-1>`). */
  minutes: number;
  /** Members kept per minute; beyond, that minute is saturated (see docs/engine.md, "Exactness"). */
  cap: number;
}

/**
 * Fingerprint counters: 10-minute buckets of up to 5,000 members a minute (a storm's bucket stays ~250 KB, and a
 * small batch rewrites at most that). Cardinality counters (`PA#`, `PR#`): hour buckets of up to 1,000 distinct
 * members a minute, so a caller active over hours touches few items; their thresholds live far below the cap.
 * With {@link MAX_CARRIED_MINUTES} carried, a bucket holds at most (minutes + 4) × cap × 5 bytes: 350 KB and 320 KB,
 * under the 400 KB item limit.
 */
export const FINGERPRINT_BUCKETS: BucketLayout = { minutes: 10, cap: 5_000 };
export const CARDINALITY_BUCKETS: BucketLayout = { minutes: 60, cap: 1_000 };

/** The bucket layout of a counter key, by its prefix. */
export function bucketLayoutOf(key: string): BucketLayout {
  return key.startsWith(KEY_PREFIX.fingerprint) ? FINGERPRINT_BUCKETS : CARDINALITY_BUCKETS;
}

/** Members per minute of a fingerprint counter (the exactness bound). */
export const MEMBERS_PER_MINUTE_CAP = FINGERPRINT_BUCKETS.cap;

/**
 * Minutes of a bucket's tail carried into the next bucket (the default 5-minute window needs 4): then the bucket of
 * any minute holds the whole window ending there.
 */
export const MAX_CARRIED_MINUTES = 4;
/** Bytes of a member hash. */
export const MEMBER_HASH_BYTES = 5;
/** Raw (uncompressed) JSON bytes per history page before it is split. */
export const HISTORY_PAGE_RAW_BYTES = 256 * 1024;
