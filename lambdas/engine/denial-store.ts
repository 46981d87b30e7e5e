/**
 * The port between the spike engine and its storage. The DynamoDB adapter implements it; the engine's logic does not
 * know DynamoDB.
 *
 * Three kinds of writes, each safe to repeat (see docs/engine.md):
 * - history pages: content-addressed puts (a redelivery rewrites the same page, or a copy read back once);
 * - counters: members (event-id, resource or action hashes) added to per-minute sets: a set add is idempotent;
 * - decisions: the key's state and its new alerts in one conditional transaction (the only commit point).
 */
import type { AlertSummary } from '../core/alert.js';
import type { SpikeState } from '../core/spike/spike-rules.js';
import type { Denial } from '../core/types.js';

/** Per-key state kept between batches (a fingerprint, a principal and action, a principal). */
export interface KeyState extends SpikeState {
  firstSeenMs: number;
  lastSeenMs: number;
  alertCount: number;
  /** Optimistic-locking version: a write succeeds only over the version it read. */
  version: number;
}

/** Why an event is kept in history but moves no counter. */
export type Distrust = 'future' | 'stale';

/** One denial as kept in history. */
export interface HistoryEntry {
  denial: Denial & { eventId: string };
  /** Event time (ms since epoch) used for windows. */
  timeMs: number;
  /** Name of the suppression rule that matched, or null. */
  suppressedBy: string | null;
  /** Set when the event's time was not trusted (kept, never counted). */
  distrust?: Distrust | null;
}

/** One denial as read back from history: the flat fields of `adapters/history-item.ts` (eventId, eventTime, principalArn, …). */
export type HistoryRecord = Record<string, unknown> & { eventId: string; eventTime: string };

/** A history query; every field optional, combined with AND. */
export interface HistoryQuery {
  principalArn?: string;
  action?: string;
  fingerprint?: string;
  sinceMs: number;
  untilMs: number;
  limit: number;
}

/** Members per minute of one counter key. */
export type MinuteMembers = Map<number, Set<string>>;

/** What a counter add saw: the sets of the touched buckets before the add, and the minutes that are full. */
export interface CounterAddResult {
  before: MinuteMembers;
  after: MinuteMembers;
  /** Minutes whose set reached the cap: members beyond it were not recorded. */
  saturated: Set<number>;
  /** Minute ranges (inclusive) whose sets `after` holds completely (the touched storage buckets). */
  covered: Array<[number, number]>;
}

/** An alert decided and persisted, waiting for (or done with) delivery. */
export interface AlertRecord {
  alert: AlertSummary;
  /** A denial of the alerting group, for enrichers that run later (from the outbox). */
  sample: Denial;
  /** Whether the enrichers already ran on `alert`. */
  enriched: boolean;
  /** Channels that took it. */
  delivered: string[];
  /** Channels that finally refused it; it was dead-lettered for them. */
  deadLettered: string[];
  createdMs: number;
}

/** What the engine needs from storage. */
export interface DenialStore {
  /** Writes history entries (idempotent: same entries, same pages). Throws {@link StoreError} naming what is not stored. */
  putHistory(entries: readonly HistoryEntry[], expiresAtSec: number): Promise<void>;
  /** History records of one principal (null: the account's) between two event times, deduplicated by event id. */
  historyOfPrincipal(principalArn: string | null, accountId: string | null, fromMs: number, toMs: number): Promise<HistoryRecord[]>;
  /**
   * Adds members to a key's per-minute sets (idempotent). With `carryMinutes` (the window length minus one), the
   * result covers every window ending at a touched minute, so deciding needs no read in the common case.
   */
  addMembers(key: string, members: ReadonlyMap<number, readonly string[]>, expiresAtSec: number, carryMinutes?: number): Promise<CounterAddResult>;
  /**
   * Writes counter buckets held back by a store that buffers them (one writer of a table it created empty: the
   * embedded replay); the engine calls it at the end of each batch's counting. Absent: every `addMembers` writes.
   */
  flushCounters?(): Promise<void>;
  /** The key's state (null when never saved); may be slightly stale (eventually consistent). */
  readState(key: string): Promise<KeyState | null>;
  /** The key's per-minute sets from `fromMinute` on (whole buckets), and its state (null when never saved). */
  readKey(key: string, fromMinute: number, withState: boolean): Promise<{ minutes: MinuteMembers; state: KeyState | null }>;
  /**
   * Writes the state if its stored version is still `expectedVersion` (null: must not exist), together with the new
   * alerts (each an alert item and an outbox marker), atomically. False on conflict: nothing was written.
   */
  commitDecision(key: string, state: KeyState, expectedVersion: number | null, alerts: readonly AlertRecord[], expiresAtSec: number): Promise<boolean>;
  /** Replaces a persisted alert's content (after enrichment). */
  updateAlert(record: AlertRecord, expiresAtSec: number): Promise<void>;
  /** Alert ids waiting in the outbox, oldest first. */
  pendingAlertIds(limit: number): Promise<string[]>;
  /** Takes the delivery lease of one alert until `leaseUntilMs`; null when another holder has it or it is done. */
  leaseAlert(alertId: string, nowMs: number, leaseUntilMs: number): Promise<AlertRecord | null>;
  /** Records channel outcomes; `done` removes it from the outbox and releases the lease. */
  recordDelivery(alertId: string, outcome: { delivered: readonly string[]; deadLettered: readonly string[]; done: boolean }): Promise<void>;
  /** Queries history, newest first. */
  queryHistory(query: HistoryQuery, nowMs: number): Promise<Array<Record<string, unknown>>>;
  /** Requests made to the store so far. */
  readonly requestCount: number;
  /** Capacity units DynamoDB reported so far (table and indexes). */
  readonly consumed: { writeUnits: number; readUnits: number };
}

/** A storage failure; `eventIds` names the denials that were not stored, so they can be replayed. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly eventIds: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
