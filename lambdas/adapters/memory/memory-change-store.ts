/**
 * {@link ChangeStore} held in this process, the counterpart of `dynamodb-change-store.ts` for runs that keep nothing.
 * The same answers (`test/contract/change-store.test.ts` runs both): changes filed under every key they touch, read
 * back newest first (at the same time, the greater event id first) with every field present (null when absent),
 * unexpired ones only; a redelivered change is one change. Written in requests of 25 items (per key and hour), as
 * the adapter's pages; a fault plan fails chosen requests before anything of them is applied.
 */
import { inFieldOrder, newestFirst } from '../../core/changes/change-order.js';
import type { AuthorizationChange } from '../../core/changes/change.js';
import { ORGANIZATION_KEY, storageKeysOf, type ChangeQuery, type ChangeStore } from '../../core/changes/change-store.js';
import { targetKey } from '../../core/changes/targets.js';
import { StoreError } from '../../engine/denial-store.js';
import { BATCH_WRITE_ITEMS, RequestGate, type MemoryFaultPlan } from './dynamodb-limits.js';

interface StoredChange {
  change: AuthorizationChange;
  timeMs: number;
  expiresAtSec: number;
}

/** Authorization changes in this process's memory. */
export class MemoryChangeStore implements ChangeStore {
  readonly gate: RequestGate;
  /** Changes by target key, then event id. */
  private readonly byKey = new Map<string, Map<string, StoredChange>>();
  /** Successful calls by `<actor key>#<action>`: event times (earliest per hour kept) and expiry. */
  private readonly successes = new Map<string, Map<string, { first: number; expiresAtSec: number }>>();

  /** `gate`: share another store's requests and faults (as two DynamoDB adapters share one client). */
  constructor(options: { faults?: MemoryFaultPlan | null; gate?: RequestGate } = {}) {
    this.gate = options.gate ?? new RequestGate(options.faults ?? null);
  }

  /** Requests an equivalent DynamoDB store would have sent (for the replay's summary). */
  get requestCount(): number {
    return this.gate.requests;
  }

  async putChanges(changes: readonly AuthorizationChange[], expiresAtSec: number): Promise<void> {
    const items = new Map<string, Array<() => void>>();
    const item = (group: string, write: () => void) => {
      const list = items.get(group);
      if (list) list.push(write);
      else items.set(group, [write]);
    };
    for (const change of changes) {
      const timeMs = Date.parse(change.eventTime);
      if (!Number.isFinite(timeMs)) continue;
      const hour = change.eventTime.slice(0, 13);
      const stored: StoredChange = { change: JSON.parse(JSON.stringify(change)) as AuthorizationChange, timeMs, expiresAtSec };
      for (const key of storageKeysOf(change)) {
        item(`T\n${key}\n${hour}`, () => {
          let byId = this.byKey.get(key);
          if (!byId) this.byKey.set(key, (byId = new Map()));
          byId.set(change.eventId, stored);
        });
      }
      if (change.actorArn) {
        const actor = `${targetKey(change.actorArn)}#${change.action}`;
        item(`A\n${actor}\n${hour}`, () => {
          let hours = this.successes.get(actor);
          if (!hours) this.successes.set(actor, (hours = new Map()));
          const known = hours.get(hour);
          hours.set(hour, { first: Math.min(known?.first ?? timeMs, timeMs), expiresAtSec });
        });
      }
    }
    const groups = [...items.values()];
    let failure: unknown = null;
    for (let start = 0; start < groups.length; start += BATCH_WRITE_ITEMS) {
      try {
        this.gate.pass('BatchWriteItemCommand');
      } catch (error) {
        failure ??= error;
        continue;
      }
      for (const writes of groups.slice(start, start + BATCH_WRITE_ITEMS)) for (const write of writes) write();
    }
    if (failure) throw new StoreError(`could not store ${changes.length} authorization change(s): ${(failure as Error).message}`, [], { cause: failure });
  }

  async findChanges(query: ChangeQuery, nowMs: number): Promise<AuthorizationChange[]> {
    const nowSec = Math.floor(nowMs / 1000);
    const keys = [...new Set([...query.targets, ...(query.organization ? [ORGANIZATION_KEY] : [])])];
    const byId = new Map<string, AuthorizationChange>();
    for (const key of keys) {
      this.pass('QueryCommand', `read authorization changes of ${key}`);
      const found = [...(this.byKey.get(key)?.values() ?? [])]
        .filter((stored) => stored.timeMs >= query.fromMs && stored.timeMs <= query.untilMs && stored.expiresAtSec > nowSec)
        .map((stored) => stored.change)
        .sort(newestFirst)
        .slice(0, query.limitPerKey);
      for (const change of found) if (!byId.has(change.eventId)) byId.set(change.eventId, inFieldOrder(JSON.parse(JSON.stringify(change)) as AuthorizationChange));
    }
    return [...byId.values()].sort(newestFirst);
  }

  async succeededBefore(actorKey: string, action: string, beforeMs: number, nowMs: number): Promise<boolean> {
    this.pass('QueryCommand', `read the successes of ${actorKey}`);
    const nowSec = Math.floor(nowMs / 1000);
    for (const { first, expiresAtSec } of this.successes.get(`${actorKey}#${action}`)?.values() ?? []) {
      if (first < beforeMs && expiresAtSec > nowSec) return true;
    }
    return false;
  }

  /**
   * Drops changes with event time before `beforeMs` (a replay calls it as event time moves on, beyond the alerts'
   * look-back); the record of who succeeded with what is kept (one entry per caller, action and hour).
   */
  forgetBefore(beforeMs: number): void {
    for (const [key, byId] of this.byKey) {
      for (const [eventId, stored] of byId) if (stored.timeMs < beforeMs) byId.delete(eventId);
      if (byId.size === 0) this.byKey.delete(key);
    }
  }

  private pass(command: string, what: string): void {
    try {
      this.gate.pass(command);
    } catch (error) {
      throw new StoreError(`could not ${what}: ${(error as Error).message}`, [], { cause: error });
    }
  }
}
