/**
 * The {@link AlertSource} of blinding changes: each successful record that blinds the alerter (core/blinding) becomes
 * one critical alert, committed to the outbox with a state item of its own (`BL#<event id>`, conditional on not
 * existing), so that a redelivered record alerts once. The alert is stored as enriched: no spike enricher applies.
 */
import { blindingAlertOf } from '../core/blinding/blinding-alert.js';
import { blindingOf } from '../core/blinding/blinding-change.js';
import type { AlerterResources } from '../core/blinding/own-resources.js';
import type { AlertSummary } from '../core/alert.js';
import { extractChange } from '../core/changes/extract.js';
import { classify } from '../core/classify.js';
import { EMPTY_SPIKE_STATE } from '../core/spike/spike-rules.js';
import type { AlertSource } from './alert-enrichment.js';
import type { DenialStore } from './denial-store.js';

/** What the source is built from. */
export interface BlindingAlertDeps {
  store: Pick<DenialStore, 'commitDecision'>;
  /** The alerter's own rules, bus, mapping, keys and StackSet. */
  own: AlerterResources;
  /** Days the alert is kept (the engine's `historyDays`). */
  retentionDays: number;
}

/** The state key of one blinding event (its alert is decided once). */
export const blindingKey = (eventId: string): string => `BL#${eventId}`;

/** Builds the source. */
export function createBlindingAlerts(deps: BlindingAlertDeps): AlertSource {
  return {
    async decide(records, nowMs) {
      const alerts: AlertSummary[] = [];
      const seen = new Set<string>();
      for (const record of records) {
        const blinding = blindingOf(record, deps.own);
        if (!blinding) continue;
        const change = extractChange(record);
        if (!change || seen.has(change.eventId)) continue;
        seen.add(change.eventId);
        const alert = blindingAlertOf(change, blinding);
        const timeMs = Date.parse(change.eventTime);
        const atMs = Number.isFinite(timeMs) ? timeMs : nowMs;
        const committed = await deps.store.commitDecision(
          blindingKey(change.eventId),
          { ...EMPTY_SPIKE_STATE, firstSeenMs: atMs, lastSeenMs: atMs, alertCount: 1, version: 1 },
          null,
          [{ alert, sample: classify(record), enriched: true, delivered: [], deadLettered: [], createdMs: nowMs }],
          Math.floor(nowMs / 1000) + Math.round(deps.retentionDays * 86_400),
        );
        if (committed) alerts.push(alert);
      }
      return alerts;
    },
  };
}
