/**
 * The single DynamoDB table's layout, shared by the store adapter, the CDK stack and the emulator bootstrap.
 * `docs/engine.md` explains why each item looks the way it does; `docs/history-table.md` how to query it with AWS's tools.
 *
 * | item             | pk                              | sk                        | what                                              |
 * |------------------|---------------------------------|---------------------------|---------------------------------------------------|
 * | history page     | `H#<principal ARN>` (`H#sha256:<hex>` beyond 2,048 bytes) | `<yyyy-mm-ddThh:m>#<page>` | the denials of one principal, one 10-minute span, one batch: plain attributes (`denials`, a list of maps; values all denials share, on the page), gzip `extras` |
 * | old history page | `H#<principal hash>`            | same                      | gzip JSON `d` (the layout before 2026-12; read, never written) |
 * | counter bucket   | `FP#<fp>`, `PA#<hash>`, `PR#<hash>` | `B#<bucket>` (10 min / 1 h) | `m0`…`m9`: binary sets of 5-byte member hashes per minute (≤ 5,000 each); `p<slot>`: the previous bucket's last minutes, carried |
 * | key state        | same pk as its counters         | `STATE`                   | spike state, `version` for optimistic locking      |
 * | alert            | `ALERT#<alertId>`               | `ALERT`                   | plain summary and state (`status`, `delivered`, …), gzip JSON of the whole alert (`a`), lease |
 * | outbox marker    | `OUTBOX`                        | `<alertId>`               | present while the alert is not delivered everywhere |
 * | responder items  | `RSP#…`                         | see `dynamodb-responder-store.ts` | Slack threads, snoozes, Expected, audit log, seen requests |
 *
 * Counter members are hashes of event ids (per fingerprint), of resources (per principal and action) and of actions
 * (per principal): DynamoDB's set `ADD` is idempotent, so a redelivered event can never be counted twice.
 *
 * Index `byDay` (`D#<yyyy-mm-dd>` / `<yyyy-mm-ddThh:m>#<page>` on history pages, `A#<yyyy-mm-dd>` /
 * `<window start ISO>#<alertId>` on alerts), INCLUDE of small attributes only (the page's principal, count and the sets of
 * its actions, accounts and fingerprints; the alert's summary and state): one small index write per page, never a copy
 * of the denials. Index `byTime` (KEYS_ONLY) holds only old pages (new items carry no `tpk`), so it costs nothing
 * and can be dropped once they expired. Prefix `CHG#` belongs to the change store (what changed).
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    byTime: { name: 'byTime', partitionKey: 'tpk', sortKey: 'tsk', projection: 'KEYS_ONLY' },
    byDay: {
      name: 'byDay',
      partitionKey: 'dpk',
      sortKey: 'dsk',
      projection: 'INCLUDE',
      nonKeyAttributes: [
        'principalArn',
        'denialCount',
        'actions',
        'accounts',
        'fingerprints',
        'action',
        'accountId',
        'fingerprint',
        'alertId',
        'reason',
        'status',
        'delivered',
        'deadLettered',
        'createdAt',
        'windowStart',
        'expiresAt',
      ],
    },
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
  /** Old history pages in `byTime`. */
  timeIndex: 'T#',
  /** History pages in `byDay`. */
  dayIndex: 'D#',
  /** Alerts in `byDay`. */
  alertDayIndex: 'A#',
  responder: 'RSP#',
} as const;

/** DynamoDB's limit on a partition key's value (bytes of UTF-8); longer principal keys are hashed. */
export const PARTITION_KEY_MAX_BYTES = 2_048;

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
/** Raw (uncompressed) JSON bytes per page before it is split (change pages, and old history pages). */
export const HISTORY_PAGE_RAW_BYTES = 256 * 1024;
/**
 * JSON bytes of the flat records of one history page before it is split. A page item holds at most about this much
 * as attributes (DynamoDB counts a field's name and value, less than its JSON) plus its sets of actions, accounts and
 * fingerprints (at most as much again): ≤ ~260 KB, under the 400 KB item limit.
 */
export const HISTORY_PAGE_RECORD_BYTES = 128 * 1024;
