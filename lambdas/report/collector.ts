/**
 * Collects what the HTML report shows while a replay runs: denials per minute per fingerprint (by event time), the
 * alerts, and the totals. Memory grows with distinct (fingerprint, minute) pairs, not with records.
 */
import type { AlertSummary } from '../core/alert.js';
import { classify } from '../core/classify.js';
import type { Settings } from '../core/config.js';
import type { CloudTrailRecord } from '../core/types.js';
import type { ReplayObserver, ReplaySummary } from '../replay/pipeline.js';

/** One fingerprint's description and its counts. */
export interface FingerprintSeries {
  fingerprint: string;
  action: string | null;
  principalArn: string | null;
  resourceFamily: string | null;
  denyLayer: string | null;
  total: number;
  /** Denials per minute, by minute since the epoch. */
  perMinute: Map<number, number>;
}

/** An alert as the report marks it. */
export interface ReportAlert {
  fingerprint: string;
  reason: string;
  action: string;
  principalArn: string | null;
  count: number;
  /** When it fired, in event time (ms): the last denial of its window. */
  atMs: number;
  severity: string | null;
}

/** Everything the report page is built from. */
export interface ReportData {
  fingerprints: FingerprintSeries[];
  alerts: ReportAlert[];
  summary: ReplaySummary | null;
  settings: Pick<Settings, 'threshold' | 'windowMinutes'>;
}

/** The observer a replay feeds, and the data it gathered. */
export interface ReportCollector extends ReplayObserver {
  result(): ReportData;
}

/** Creates a collector; `settings` gives the extra error codes (same denials as the engine) and the thresholds shown. */
export function createReportCollector(settings: Settings): ReportCollector {
  const extraErrorCodes = new Set(settings.extraErrorCodes);
  const byFingerprint = new Map<string, FingerprintSeries>();
  const alerts: ReportAlert[] = [];
  let summary: ReplaySummary | null = null;
  return {
    records(records: readonly CloudTrailRecord[]) {
      for (const record of records) {
        const denial = classify(record, { extraErrorCodes });
        if (!denial.denied || !denial.fingerprint) continue;
        const timeMs = Date.parse(denial.eventTime ?? '');
        if (Number.isNaN(timeMs)) continue;
        let series = byFingerprint.get(denial.fingerprint);
        if (!series) {
          series = {
            fingerprint: denial.fingerprint,
            action: denial.action,
            principalArn: denial.principalArn,
            resourceFamily: denial.resourceFamily,
            denyLayer: denial.denyLayer,
            total: 0,
            perMinute: new Map(),
          };
          byFingerprint.set(denial.fingerprint, series);
        }
        const minute = Math.floor(timeMs / 60_000);
        series.total++;
        series.perMinute.set(minute, (series.perMinute.get(minute) ?? 0) + 1);
      }
    },
    alerts(batch: readonly AlertSummary[]) {
      for (const alert of batch) {
        alerts.push({
          fingerprint: alert.fingerprint,
          reason: alert.reason,
          action: alert.action,
          principalArn: alert.principalArn,
          count: alert.count,
          atMs: Date.parse(alert.lastSeen),
          severity: alert.triage?.severity ?? null,
        });
      }
    },
    summary(totals: ReplaySummary) {
      summary = totals;
    },
    result() {
      return {
        fingerprints: [...byFingerprint.values()].sort((a, b) => b.total - a.total),
        alerts,
        summary,
        settings: { threshold: settings.threshold, windowMinutes: settings.windowMinutes },
      };
    },
  };
}
