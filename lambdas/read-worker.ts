/**
 * Entry point of a reader thread (`lambdas/parallel/staged-read.ts` starts them): reads the units it is sent (a file,
 * or a range of lines of one) with the same reader as the main thread, runs the command's stage on each batch, and
 * posts the stage's results, the reader's warnings and byte counts back, in order, one unit at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadFileAhead, readFileBatches, readFileRange, type InputItem, type ReadOptions, type SourcePart } from './io/read-records.js';
import type { WholeFile } from './io/whole-file.js';
import type { ReadUnit } from './parallel/input-units.js';
import type { RecordStage, StageName } from './parallel/record-stage.js';
import type { ReaderMessage, ReaderSetup } from './parallel/staged-read.js';

/** The stages a reader thread can run (each command's own module, loaded only by the thread that runs it). */
const STAGES: Record<StageName, (options: never) => Promise<RecordStage<unknown>>> = {
  'rule-candidates': async () => (await import('./replay/candidate-stage.js')).createCandidateStage(),
  explain: async (options) => (await import('./explain/explain-stage.js')).createExplainStage(options),
};

const setup = workerData as ReaderSetup;
const port = parentPort!;
const stage = await STAGES[setup.stage.name](setup.stage.options as never);
const post = (message: ReaderMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function read(id: number, unit: Extract<ReadUnit, { kind: 'file' | 'range' }>, loading?: Promise<WholeFile | null>): Promise<void> {
  try {
    const settings: ReadOptions = {
      ...setup.read,
      select: stage.select,
      skim: stage.skim,
      onWarning: (message) => post({ id, type: 'warning', message }),
      onBytes: (bytes) => post({ id, type: 'bytes', bytes }),
    };
    const part: SourcePart = unit.kind === 'range' ? { firstLine: unit.firstLine, first: unit.first } : { firstLine: 1, first: true };
    const batches: AsyncIterable<InputItem[]> = unit.kind === 'range' ? readFileRange(unit.path, unit, part, settings) : readFileBatches(unit.path, settings, loading);
    const send = (result: unknown) => post({ id, type: 'batch', result }, stage.transfer?.(result));
    for await (const batch of batches) send(stage.take(batch));
    const rest = stage.end?.();
    if (rest) send(rest);
    post({ id, type: 'done', items: part.items ?? 0, blankLines: part.blankLines ?? 0 });
  } catch (error) {
    post({ id, type: 'failed', error: (error as Error).stack ?? String(error) });
  }
}

// One unit at a time, in the order sent: the main thread puts results back in input order. A whole file starts loading
// (read, and inflated on the thread pool) as soon as it arrives, so that it inflates while the one before is parsed:
// without it, this thread waited on each file's inflating for a third of its time.
let queue = Promise.resolve();
port.on('message', ({ id, unit }: { id: number; unit: Extract<ReadUnit, { kind: 'file' | 'range' }> }) => {
  const loading = unit.kind === 'file' ? loadFileAhead(unit.path, setup.read) : undefined;
  queue = queue.then(() => read(id, unit, loading));
});
