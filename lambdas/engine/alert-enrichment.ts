/**
 * Hooks that add context to an alert once the engine has decided it (policy diagnosis, triage signals, the changes
 * that preceded it). The engine runs them in order; one that throws leaves the alert as it was (and is logged), so an
 * enrichment failure can never lose or delay a decided alert past the delivery budget.
 */
import type { AlertSummary } from '../core/alert.js';
import type { CloudTrailRecord, Denial } from '../core/types.js';

/** What an enricher may use besides the alert itself. */
export interface EnrichmentContext {
  /** A denial of the alerting group (the first of the batch). */
  sample: Denial;
  /** The engine's clock (event time in replay, arrival time in Lambda). */
  nowMs: number;
}

/** Adds context to an alert; returns the (possibly new) alert. */
export type AlertEnricher = (alert: AlertSummary, context: EnrichmentContext) => Promise<AlertSummary>;

/** Sees every record of a batch (denials and not) before decisions: "what changed" stores authorization changes here. */
export interface RecordObserver {
  observe(records: readonly CloudTrailRecord[], nowMs: number): Promise<void>;
}

/**
 * Decides alerts of its own from a batch's records, besides the denial spikes (a change that blinds the alerter).
 * It persists them in the outbox itself, exactly once per event (a redelivered record returns nothing), and the
 * engine puts them first in the batch's alerts. A source that throws fails the batch (SQS delivers it again).
 */
export interface AlertSource {
  decide(records: readonly CloudTrailRecord[], nowMs: number): Promise<AlertSummary[]>;
}
