/**
 * Keeps a long in-process replay's memory near what it holds alive. V8 grows its heap up to a limit set at start
 * (a quarter of the machine's memory, capped at 4 GiB here) before it collects old garbage in earnest: a 10-million
 * record replay, whose live heap stays in the low hundreds of MiB, reached 1 GiB resident that way. A command cannot
 * lower that limit once started (`v8.setFlagsFromString('--max-old-space-size')` is read only at start), so past a
 * threshold a full collection is asked for, between batches (each ~10,000 denials and changes: a few per million
 * records).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap size past which a full collection is asked for. */
export const HEAP_COLLECT_BYTES = 384 * 1024 * 1024;

let collect: (() => void) | undefined;

/** Runs a full garbage collection when the heap has grown past `thresholdBytes`; true when it did. */
export function collectIfLarge(thresholdBytes = HEAP_COLLECT_BYTES, heapBytes = process.memoryUsage().heapTotal): boolean {
  if (heapBytes < thresholdBytes) return false;
  if (!collect) {
    // `gc` is exposed to contexts created after the flag is set (the documented way to reach it without --expose-gc).
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  return true;
}
