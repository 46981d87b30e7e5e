/**
 * Aggregates one batch of denials per fingerprint in memory, so that each fingerprint's counters are written once
 * per batch however many denials it holds, and builds the alert summaries from the aggregate.
 */
import type { AlertSummary, ValueCount } from '../alert.js';
import { isoOfMinute, minuteOf } from '../event-time.js';
import type { Denial } from '../types.js';
import type { SpikeDecision } from './spike-rules.js';

/** A denial with its event time resolved (event time, or arrival time when the record has none). */
export interface TimedDenial {
  denial: Denial & { fingerprint: string; eventId: string };
  timeMs: number;
}

/** What one batch holds for one fingerprint. */
export interface FingerprintBatch {
  fingerprint: string;
  /** The first denial of the batch: principal, action, resource, layer. */
  sample: Denial & { fingerprint: string; eventId: string };
  /** Denials per minute in this batch. */
  minuteCounts: Map<number, number>;
  /** Event ids per minute in this batch (the members of the fingerprint's counters). */
  minuteEventIds: Map<number, string[]>;
  /** All event ids of this batch for the fingerprint, sorted (they make the idempotency token). */
  eventIds: string[];
  /** The first few event ids in arrival order, as samples. */
  sampleEventIds: string[];
  firstMs: number;
  lastMs: number;
  sourceIps: Map<string, number>;
  userAgents: Map<string, number>;
  sessionNames: Map<string, number>;
  errorMessage: string | null;
}

/** Groups denials by fingerprint. */
export function aggregateByFingerprint(denials: readonly TimedDenial[]): Map<string, FingerprintBatch> {
  const groups = new Map<string, FingerprintBatch>();
  for (const { denial, timeMs } of denials) {
    let group = groups.get(denial.fingerprint);
    if (!group) {
      group = {
        fingerprint: denial.fingerprint,
        sample: denial,
        minuteCounts: new Map(),
        minuteEventIds: new Map(),
        eventIds: [],
        sampleEventIds: [],
        firstMs: timeMs,
        lastMs: timeMs,
        sourceIps: new Map(),
        userAgents: new Map(),
        sessionNames: new Map(),
        errorMessage: denial.errorMessage,
      };
      groups.set(denial.fingerprint, group);
    }
    const minute = minuteOf(timeMs);
    group.minuteCounts.set(minute, (group.minuteCounts.get(minute) ?? 0) + 1);
    const ids = group.minuteEventIds.get(minute);
    if (ids) ids.push(denial.eventId);
    else group.minuteEventIds.set(minute, [denial.eventId]);
    group.eventIds.push(denial.eventId);
    if (group.sampleEventIds.length < 5) group.sampleEventIds.push(denial.eventId);
    if (timeMs < group.firstMs) group.firstMs = timeMs;
    if (timeMs > group.lastMs) group.lastMs = timeMs;
    bump(group.sourceIps, denial.sourceIp);
    bump(group.userAgents, denial.userAgent);
    bump(group.sessionNames, denial.sessionName);
  }
  for (const group of groups.values()) group.eventIds.sort();
  return groups;
}

function bump(counts: Map<string, number>, value: string | null): void {
  if (value === null) return;
  // Bounded: a storm of distinct user agents must not grow memory without limit.
  if (counts.size >= 1000 && !counts.has(value)) return;
  counts.set(value, (counts.get(value) ?? 0) + 1);
}

/** The `limit` most frequent values, most frequent first. */
export function topValues(counts: ReadonlyMap<string, number>, limit = 5): ValueCount[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

/** What the store knows of a fingerprint, for the summary. */
export interface FingerprintTotals {
  firstSeenMs: number;
  lastSeenMs: number;
  totalCount: number;
}

/**
 * Builds the summary of one alert.
 *
 * @param counts - Denials per minute (stored and this batch's), for the sparkline.
 */
export function buildAlertSummary(
  group: FingerprintBatch,
  decision: SpikeDecision,
  totals: FingerprintTotals,
  counts: ReadonlyMap<number, number>,
  windowMinutes: number,
): AlertSummary {
  const sample = group.sample;
  const countsPerMinute: number[] = [];
  for (let minute = decision.minute - 59; minute <= decision.minute; minute++) countsPerMinute.push(counts.get(minute) ?? 0);
  return {
    alertId: alertIdOf(group.fingerprint, decision.reason, decision.minute),
    fingerprint: group.fingerprint,
    reason: decision.reason,
    accountId: sample.accountId,
    principalArn: sample.principalArn,
    principalType: sample.principalType,
    action: sample.action ?? 'unknown:Unknown',
    resource: sample.resource,
    resourceFamily: sample.resourceFamily,
    denyLayer: sample.denyLayer ?? 'unknown',
    denyKind: sample.denyKind ?? 'unknown',
    policyArn: sample.policyArn,
    authorizationId: sample.authorizationId, authorizationDetailsUrl: sample.authorizationDetailsUrl,
    region: sample.region,
    eventSource: sample.eventSource,
    count: decision.count,
    windowStart: isoOfMinute(decision.minute - windowMinutes + 1),
    windowMinutes,
    totalCount: totals.totalCount,
    countsPerMinute,
    firstSeen: new Date(totals.firstSeenMs).toISOString(),
    lastSeen: new Date(totals.lastSeenMs).toISOString(),
    sampleEventIds: group.sampleEventIds,
    errorMessage: group.errorMessage,
    sessionNames: topValues(group.sessionNames),
    sourceIps: topValues(group.sourceIps),
    userAgents: topValues(group.userAgents),
    baseline: Math.round(decision.baseline * 100) / 100,
    ...(sample.serviceRefusal ? { serviceRefusal: sample.serviceRefusal } : {}),
  };
}

/** The stable id of one alert decision: the same fingerprint, reason and minute always give the same id. */
export function alertIdOf(fingerprint: string, reason: string, minute: number): string {
  return `${fingerprint}-${reason}-${minute}`;
}
