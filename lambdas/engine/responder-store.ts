/**
 * The port that keeps what responders do from Slack (issue 21): incident threads, snoozes, Expected suppressions, the
 * audit log, and the interaction requests already seen (replay protection). The DynamoDB adapter
 * (`adapters/dynamodb-responder-store.ts`) keeps them in the engine's table; the in-process one
 * (`adapters/memory/responder-store.ts`) in memory. One contract test runs against both.
 */
import type { AuditEntry, ExpectedSuppression, Incident, Snooze } from '../core/responder/types.js';

/** An audit-log query, newest first. */
export interface AuditQuery {
  sinceMs: number;
  untilMs: number;
  fingerprint?: string;
  limit: number;
}

/** What the Slack app channel, the engine and the interaction endpoint need from storage. */
export interface ResponderStore {
  /** The incident of a fingerprint in a Slack channel, or null. */
  incident(channel: string, fingerprint: string): Promise<Incident | null>;
  /** Writes an incident (a new thread, a reply, an acknowledgement). */
  putIncident(incident: Incident): Promise<void>;
  /** The fingerprint's snooze, or null when none or when it has run out at `nowMs` (filtered on read). */
  snooze(fingerprint: string, nowMs: number): Promise<Snooze | null>;
  /** Writes a snooze; it disappears by itself after `untilMs` (TTL, and filtered on read). */
  putSnooze(snooze: Snooze): Promise<void>;
  deleteSnooze(fingerprint: string): Promise<void>;
  /** The fingerprint's Expected suppression (pending or approved), or null. */
  expected(fingerprint: string): Promise<ExpectedSuppression | null>;
  /** Writes `next` only if what is stored is still `previous` (null: nothing); false when another click came first. */
  putExpected(next: ExpectedSuppression, previous: ExpectedSuppression | null): Promise<boolean>;
  /** Appends one audit line. */
  audit(entry: AuditEntry): Promise<void>;
  /** Audit lines between two times, newest first. */
  auditLog(query: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Records an interaction request (its signature) as seen until `expiresAtMs`; false when it was seen already (a
   * replayed request). Atomic: of two identical requests at once, one wins.
   */
  claimRequest(signature: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}
