/**
 * The {@link RecordObserver} of the canary: keeps the last arrival per account and Region of every canary denial in
 * a batch (the engine itself ignores those records: never counted, never alerted).
 */
import { canaryArrivalOf } from '../core/canary/canary.js';
import type { CloudTrailRecord } from '../core/types.js';
import type { RecordObserver } from './alert-enrichment.js';

/** Where arrivals are kept. */
export interface CanaryArrivalStore {
  recordArrival(accountId: string, region: string, atMs: number): Promise<void>;
}

/** The latest arrival of each account and Region of a batch (event time clamped to the arrival clock: skew). */
export function latestArrivals(records: readonly CloudTrailRecord[], nowMs: number): Map<string, { accountId: string; region: string; atMs: number }> {
  const latest = new Map<string, { accountId: string; region: string; atMs: number }>();
  for (const record of records) {
    const arrival = canaryArrivalOf(record);
    if (!arrival) continue;
    const key = `${arrival.accountId}#${arrival.region}`;
    const atMs = Math.min(arrival.eventTimeMs, nowMs);
    if ((latest.get(key)?.atMs ?? -Infinity) < atMs) latest.set(key, { accountId: arrival.accountId, region: arrival.region, atMs });
  }
  return latest;
}

/** Builds the observer. */
export function createCanaryObserver(store: CanaryArrivalStore): RecordObserver {
  return {
    async observe(records, nowMs) {
      for (const { accountId, region, atMs } of latestArrivals(records, nowMs).values()) await store.recordArrival(accountId, region, atMs);
    },
  };
}
