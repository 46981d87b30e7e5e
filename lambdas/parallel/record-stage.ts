/**
 * A record stage: what a command does with the items it reads, written so that it can run where they are read (in a
 * reader thread) and hand back only its result: `replay` keeps the few records a rule could deliver, `explain` turns
 * each record into its output line. The same stage runs on the main thread when the input is read there.
 */
import type { InputItem } from '../io/read-records.js';
import type { RecordSkim } from '../io/skim-log-file.js';

/** One stage instance (one per thread): `select` drops records as they are read; `take` maps each batch of items. */
export interface RecordStage<R> {
  /** Sees every record as it is read, in order; false drops it before an item is made. */
  select?: (record: Record<string, unknown>) => boolean;
  /** Skims log files instead of parsing every record (see `ReadOptions.skim`); it must agree with `select`. */
  skim?: RecordSkim;
  /** The result of one batch of items (records kept and errors), in input order; sent between threads as is. */
  take(items: InputItem[]): R;
  /**
   * What the stage still holds once a unit of input is read (what `select` saw since the last batch: records it
   * dropped, when no later batch will carry them), or null. Called at the end of every file, range or stream.
   */
  end?(): R | null;
  /** Memory a result owns that a reader thread hands over instead of copying (it is then unusable there). */
  transfer?(result: R): ArrayBuffer[];
}

/** The stages a reader thread can run, by name (`lambdas/read-worker.ts` maps each to its module). */
export type StageName = 'rule-candidates' | 'explain';

/** A stage as a read is given it: its name and options (plain data, copied to each thread) and its local factory. */
export interface StageSpec<R> {
  name: StageName;
  options: unknown;
  create(): Promise<RecordStage<R>> | RecordStage<R>;
}
