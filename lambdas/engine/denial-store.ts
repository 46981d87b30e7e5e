/**
 * The port between the spike engine and its storage. The DynamoDB adapter implements it; the engine's logic does not
 * know DynamoDB.
 */
import type { SpikeState } from '../core/spike/spike-rules.js';
import type { Denial } from '../core/types.js';

/** Per-fingerprint state kept between batches: the spike state plus totals and what the fingerprint is. */
export interface FingerprintState extends SpikeState {
  firstSeenMs: number;
  lastSeenMs: number;
  totalCount: number;
  alertCount: number;
  /** Optimistic-locking version: a write succeeds only over the version it read. */
  version: number;
  principalArn: string | null;
  action: string | null;
  resourceFamily: string | null;
}

/** One denial as kept in history. */
export interface HistoryEntry {
  denial: Denial & { eventId: string };
  /** Event time (ms since epoch) used for windows and the time index. */
  timeMs: number;
  /** Name of the suppression rule that matched, or null. */
  suppressedBy: string | null;
}

/** A history query; every field optional, combined with AND. */
export interface HistoryQuery {
  principalArn?: string;
  action?: string;
  fingerprint?: string;
  sinceMs: number;
  untilMs: number;
  limit: number;
}

/** What the engine needs from storage. */
export interface DenialStore {
  /** Which of these event ids are already in history (processed before). */
  storedEventIds(eventIds: readonly string[]): Promise<Set<string>>;
  /**
   * Adds minute counts to a fingerprint's hour bucket, once per token: a redelivered batch (same token) is not
   * counted twice. Returns false when the token was already applied.
   */
  addMinuteCounts(fingerprint: string, hour: number, counts: ReadonlyMap<number, number>, token: string, expiresAtSec: number): Promise<boolean>;
  /** The fingerprint's minute counts from `fromMinute` on, and its state (null when never seen). */
  readFingerprint(fingerprint: string, fromMinute: number): Promise<{ counts: Map<number, number>; state: FingerprintState | null }>;
  /** Writes the state if its stored version is still `expectedVersion` (null: must not exist). False on conflict. */
  saveState(fingerprint: string, state: FingerprintState, expectedVersion: number | null, expiresAtSec: number): Promise<boolean>;
  /** Writes history entries (batched); throws {@link StoreError} naming the entries that could not be written. */
  putHistory(entries: readonly HistoryEntry[], expiresAtSec: number): Promise<void>;
  /** Queries history, newest first. */
  queryHistory(query: HistoryQuery, nowMs: number): Promise<Array<Record<string, unknown>>>;
  /** Requests made to the store so far. */
  readonly requestCount: number;
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
