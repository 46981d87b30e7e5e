/**
 * {@link ResponderStore} in process memory: for tests, the in-memory replay and anything that needs no table. Same
 * behaviour as the DynamoDB adapter (the contract test runs the same cases against both).
 */
import type { AuditEntry, ExpectedSuppression, Incident, Snooze } from '../../core/responder/types.js';
import type { AuditQuery, ResponderStore } from '../../engine/responder-store.js';

/** Keeps responder state in maps; values are copied in and out, as a database would. */
export class MemoryResponderStore implements ResponderStore {
  private readonly incidents = new Map<string, Incident>();
  private readonly snoozes = new Map<string, Snooze>();
  private readonly expectations = new Map<string, ExpectedSuppression>();
  private readonly entries: AuditEntry[] = [];
  private readonly seen = new Map<string, number>();

  async incident(channel: string, fingerprint: string): Promise<Incident | null> {
    return copy(this.incidents.get(`${channel}|${fingerprint}`) ?? null);
  }
  async putIncident(incident: Incident): Promise<void> {
    this.incidents.set(`${incident.channel}|${incident.fingerprint}`, copy(incident));
  }
  async snooze(fingerprint: string, nowMs: number): Promise<Snooze | null> {
    const snooze = this.snoozes.get(fingerprint);
    return snooze && nowMs < snooze.untilMs ? copy(snooze) : null;
  }
  async putSnooze(snooze: Snooze): Promise<void> {
    this.snoozes.set(snooze.fingerprint, copy(snooze));
  }
  async deleteSnooze(fingerprint: string): Promise<void> {
    this.snoozes.delete(fingerprint);
  }
  async expected(fingerprint: string): Promise<ExpectedSuppression | null> {
    return copy(this.expectations.get(fingerprint) ?? null);
  }
  async putExpected(next: ExpectedSuppression, previous: ExpectedSuppression | null): Promise<boolean> {
    const stored = this.expectations.get(next.fingerprint) ?? null;
    if (JSON.stringify(stored) !== JSON.stringify(previous)) return false;
    this.expectations.set(next.fingerprint, copy(next));
    return true;
  }
  async audit(entry: AuditEntry): Promise<void> {
    this.entries.push(copy(entry));
  }
  async auditLog(query: AuditQuery): Promise<AuditEntry[]> {
    return this.entries
      .filter((entry) => entry.atMs >= query.sinceMs && entry.atMs <= query.untilMs && (query.fingerprint === undefined || entry.fingerprint === query.fingerprint))
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, query.limit)
      .map(copy);
  }
  async claimRequest(signature: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const until = this.seen.get(signature);
    if (until !== undefined && until > nowMs) return false;
    this.seen.set(signature, expiresAtMs);
    return true;
  }
}

function copy<T>(value: T): T {
  return value === null ? value : structuredClone(value);
}
