/**
 * Classifies replay's records while the batch they belong to is still being read, so that the engine finds them done
 * when the batch is stored. With reader threads, the thread that runs the engine waits for input most of the read:
 * classifying then takes that much off the batch's own time (a run of one large batch waits for the whole input).
 */
import { classify, type ClassifyOptions } from '../core/classify.js';
import type { CloudTrailRecord, Denial } from '../core/types.js';

/** `see` a record as it arrives; `classify` is the engine's classifier (`SpikeEngineDeps.classify`). */
export interface EarlyClassifier {
  see(record: CloudTrailRecord): void;
  classify(record: CloudTrailRecord, options: ClassifyOptions): Denial;
}

/**
 * A classifier that hands out each record's early result once (the engine sets fields on it) and classifies anything
 * else, or asked again, as it comes. `extraErrorCodes` must be the engine's own (both read the same settings).
 */
export function earlyClassifier(extraErrorCodes: ReadonlySet<string>): EarlyClassifier {
  const early = new WeakMap<CloudTrailRecord, Denial>();
  return {
    see(record) {
      try {
        early.set(record, classify(record, { extraErrorCodes }));
      } catch {
        // Classified again in the batch, where the engine reports the record as unreadable in its own words.
      }
    },
    classify(record, options) {
      const denial = early.get(record);
      if (denial === undefined) return classify(record, options);
      early.delete(record);
      return denial;
    },
  };
}
