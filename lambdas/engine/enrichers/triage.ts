/**
 * The triage enricher: reads what the denial history knows about the alert's principal and account, then sets
 * `alert.triage` (signals, severity, investigate-first) with the pure rules of `core/triage`.
 *
 * Two history queries per alert, bounded: the principal's denials before the window (newest first, at most
 * {@link TRIAGE_HISTORY.principalLimit}, within {@link TRIAGE_HISTORY.lookbackDays} days), and, only when those do not
 * already prove the account's history is old enough, the oldest denials before the maturity cut-off (at most
 * {@link TRIAGE_HISTORY.accountLimit}), to find one of this account. A history failure leaves the history signals
 * silent (the alert says so) rather than losing the alert.
 */
import type { AlertSummary } from '../../core/alert.js';
import { DAY_MS, TRIAGE_HISTORY, triageHistoryOf, type HistoryRow, type TriageHistory } from '../../core/triage/history.js';
import { triageAlert } from '../../core/triage/triage.js';
import type { AlertEnricher } from '../alert-enrichment.js';
import type { DenialStore, HistoryQuery } from '../denial-store.js';

/** Options of {@link createTriageEnricher}. */
export interface TriageEnricherOptions {
  /** The store's history query (the engine's `DenialStore`). */
  store: Pick<DenialStore, 'queryHistory'>;
  /** @default TRIAGE_HISTORY.minHistoryDays */
  minHistoryDays?: number;
  /** @default TRIAGE_HISTORY.lookbackDays */
  lookbackDays?: number;
  /** Called when history could not be read (the alert is triaged without it). */
  onHistoryError?: (error: unknown, alert: AlertSummary) => void;
}

/**
 * An {@link AlertEnricher} that sets `alert.triage`.
 *
 * @example engine enrichers: [createTriageEnricher({ store })]
 */
export function createTriageEnricher(options: TriageEnricherOptions): AlertEnricher {
  const minHistoryDays = options.minHistoryDays ?? TRIAGE_HISTORY.minHistoryDays;
  const lookbackDays = options.lookbackDays ?? TRIAGE_HISTORY.lookbackDays;
  return async function triageEnricher(alert, { sample, nowMs }) {
    let history: TriageHistory | null = null;
    try {
      history = await readHistory(options.store, alert, nowMs, minHistoryDays, lookbackDays);
    } catch (error) {
      options.onHistoryError?.(error, alert);
    }
    const triage = triageAlert({ alert, sample, history, minHistoryDays });
    if (!history && triage.historyNote) triage.historyNote = 'History could not be read: new-source and new-principal signals are off for this alert.';
    return { ...alert, triage };
  };
}

async function readHistory(store: Pick<DenialStore, 'queryHistory'>, alert: AlertSummary, nowMs: number, minHistoryDays: number, lookbackDays: number): Promise<TriageHistory | null> {
  const windowStartMs = Date.parse(alert.windowStart);
  if (!Number.isFinite(windowStartMs)) return null;
  const sinceMs = windowStartMs - Math.max(lookbackDays, minHistoryDays) * DAY_MS;
  const principalRows: HistoryRow[] = alert.principalArn
    ? await store.queryHistory({ principalArn: alert.principalArn, sinceMs, untilMs: windowStartMs - 1, limit: TRIAGE_HISTORY.principalLimit }, nowMs)
    : [];
  const cutoffMs = windowStartMs - minHistoryDays * DAY_MS;
  const provenOld = principalRows.some((row) => typeof row.eventTime === 'string' && Date.parse(row.eventTime) <= cutoffMs);
  let accountRows: HistoryRow[] = [];
  if (!provenOld) {
    // Additive filter: a store that knows `accountId` narrows to the account; one that does not ignores it and the
    // rows are filtered here.
    const query: HistoryQuery & { accountId?: string } = { sinceMs: windowStartMs - 90 * DAY_MS, untilMs: cutoffMs, limit: TRIAGE_HISTORY.accountLimit, ...(alert.accountId ? { accountId: alert.accountId } : {}) };
    accountRows = await store.queryHistory(query, nowMs);
  }
  return triageHistoryOf(principalRows, accountRows, { accountId: alert.accountId, windowStartMs, lookbackDays });
}
