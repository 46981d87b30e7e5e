/**
 * Replay's record stage: counts every record as it is read and notes its event time, and keeps only those a deployed
 * rule could deliver (a failed call, or a catalogued change); every other record is dropped at once, as EventBridge
 * skips it, so batches hold what the Lambda's would and reading ahead holds little. It runs where records are read
 * (lambdas/parallel/), so only the kept records cross to the thread that runs the engine. CloudTrail's log files are
 * skimmed (io/skim-log-file.ts): a record without an error code whose event name no catalogued change has is counted
 * from its bytes, never parsed.
 */
import { CATALOGUED_EVENT_NAMES } from '../core/changes/catalog.js';
import { isRuleCandidate } from '../core/rule-candidate.js';
import { EventNameSet } from '../io/skim-log-file.js';
import type { CloudTrailRecord } from '../core/types.js';
import type { InputItem } from '../io/read-records.js';
import type { RecordStage } from '../parallel/record-stage.js';

/** One batch, reduced: the items kept (records a rule could deliver, and errors), and what was read for them. */
export interface CandidateBatch {
  items: InputItem[];
  /** Records read, kept or not. */
  records: number;
  /** Oldest and newest event time (ms) among them, null when none had one. */
  oldestMs: number | null;
  newestMs: number | null;
}

/** The skim's name filter: a record no catalogued change names, and without an error code, is no candidate. */
const catalogueNames = new EventNameSet(CATALOGUED_EVENT_NAMES);

/** A new stage instance (its counts start at zero). */
export function createCandidateStage(): RecordStage<CandidateBatch> {
  let records = 0;
  let oldest = Infinity;
  let newest = -Infinity;
  const take = (items: InputItem[]): CandidateBatch => {
    const batch = { items, records, oldestMs: Number.isFinite(oldest) ? oldest : null, newestMs: Number.isFinite(newest) ? newest : null };
    records = 0;
    oldest = Infinity;
    newest = -Infinity;
    return batch;
  };
  const seenAt = (ms: number | undefined) => {
    records++;
    if (ms === undefined) return;
    if (ms < oldest) oldest = ms;
    if (ms > newest) newest = ms;
  };
  return {
    select(record) {
      seenAt(typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : undefined);
      return isRuleCandidate(record as CloudTrailRecord);
    },
    // A skimmed record has no errorCode (the skim parses those): it is a candidate when its change is catalogued.
    skim: {
      names: catalogueNames,
      wants: (fields) => isRuleCandidate(fields),
      dropped: seenAt,
    },
    take,
    // Records dropped after the last kept item are counted all the same.
    end: () => (records > 0 ? take([]) : null),
  };
}
