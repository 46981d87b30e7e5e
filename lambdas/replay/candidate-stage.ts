/**
 * Replay's record stage: counts every record as it is read and notes its event time, and keeps only those a deployed
 * rule could deliver (a failed call, or a catalogued change); every other record is dropped at once, as EventBridge
 * skips it, so batches hold what the Lambda's would and reading ahead holds little. It runs where records are read
 * (lambdas/parallel/), so only the kept records cross to the thread that runs the engine.
 */
import { isRuleCandidate } from '../core/rule-candidate.js';
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
  const seen = (time: unknown) => {
    records++;
    if (typeof time === 'string') {
      const ms = Date.parse(time);
      if (ms < oldest) oldest = ms;
      if (ms > newest) newest = ms;
    }
  };
  return {
    select(record) {
      seen(record.eventTime);
      return isRuleCandidate(record as CloudTrailRecord);
    },
    // A skimmed record has no errorCode (the skim parses those): it is a candidate when its change is catalogued.
    skim: {
      wants: (fields) => isRuleCandidate(fields),
      dropped: (fields) => seen(fields.eventTime),
    },
    take,
    // Records dropped after the last kept item are counted all the same.
    end: () => (records > 0 ? take([]) : null),
  };
}
