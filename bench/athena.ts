/**
 * Athena back-tests, measured in one run:
 *
 * - reading: records per second of parse + unwrap + classify for Athena rows (lower-case names, JSON text to parse)
 *   against the same records as CloudTrail writes them: the cost of mapping rows back;
 * - extraction: on a generated day of logs with ~2% denials, the gzip bytes the replay reads from an UNLOAD (denials
 *   and policy changes only, as the extraction query keeps them) against the gzip bytes of the raw logs.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { denialCandidateRules, matchesErrorCodeRules } from '../lambdas/core/athena/denial-predicate.js';
import { catalogChangeEvents } from '../lambdas/core/athena/change-events.js';
import { classify } from '../lambdas/core/classify.js';
import type { CloudTrailRecord } from '../lambdas/core/types.js';
import { unwrapDocument } from '../lambdas/core/unwrap.js';
import { toAthenaRow } from '../test/athena/support/athena-rows.js';
import { STRATUS_ALL_EVENTS as STRATUS } from '../test/support/corpus.js';
import { syntheticDenial } from '../test/support/records.js';
import { bestMs } from './support.js';


function readAll(lines: readonly string[]): number {
  let denied = 0;
  for (const line of lines) {
    for (const entry of unwrapDocument(JSON.parse(line))) if ('record' in entry && classify(entry.record as CloudTrailRecord).denied) denied++;
  }
  return denied;
}

/** Prints the reading and extraction ratios of one run. */
export async function benchAthena(): Promise<void> {
  const records = readFileSync(STRATUS, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const raw: string[] = [];
  const rows: string[] = [];
  while (raw.length < 50_000) {
    for (const record of records) {
      raw.push(JSON.stringify(record));
      rows.push(JSON.stringify(toAthenaRow(record)));
    }
  }
  let sink = 0;
  const rawMs = bestMs(3, () => (sink += readAll(raw)));
  const rowMs = bestMs(3, () => (sink += readAll(rows)));
  const rate = (ms: number) => Math.round(raw.length / (ms / 1000));
  console.log(`athena    reading ${raw.length} records: raw CloudTrail ${rate(rawMs)}/s, Athena rows ${rate(rowMs)}/s`);
  console.log(`          ratio Athena rows / raw: ${(rowMs / rawMs).toFixed(2)}x time (target <= 2x: the JSON-text columns are parsed a second time)   [${sink > 0 ? 'ok' : ''}]`);

  // A day of logs: the timeline's successful calls as background, one synthetic S3 denial in 50.
  const successes = records.filter((record) => !record.errorCode);
  const day: Record<string, unknown>[] = [];
  for (let index = 0; day.length < 100_000; index++) {
    const time = Date.parse('2026-06-01T00:00:00Z') + index * 800;
    day.push(index % 50 === 0 ? (syntheticDenial({ time, principal: `team-${index % 7}` }) as Record<string, unknown>) : { ...successes[index % successes.length]!, eventID: `bench-${index}`, eventTime: new Date(time).toISOString() });
  }
  const rules = denialCandidateRules();
  const changes = new Map(catalogChangeEvents().map((group) => [group.eventSource, new Set(group.eventNames)]));
  const kept = day.filter(
    (record) =>
      matchesErrorCodeRules(rules, record as { errorCode?: string; eventSource?: string; errorMessage?: string }) ||
      (!record.errorCode && changes.get(String(record.eventSource))?.has(String(record.eventName))),
  );
  const rawBytes = gzipSync(JSON.stringify({ Records: day })).length;
  const unloadBytes = gzipSync(kept.map((record) => JSON.stringify(toAthenaRow(record))).join('\n')).length;
  console.log(`          extraction of ${day.length} records (~2% denials): ${kept.length} kept, ${unloadBytes} gzip bytes unloaded vs ${rawBytes} in the logs`);
  console.log(`          ratio unloaded / raw bytes: ${(unloadBytes / rawBytes).toFixed(3)} (what the replay reads instead of the trail)`);
}
