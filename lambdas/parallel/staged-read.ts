/**
 * Reads inputs and runs a command's stage on them, on reader threads when the input is large enough to repay them:
 * JSON.parse and the stage (classifying, formatting) take most of a long run, and each thread takes whole units
 * (input-units.ts) while the main thread puts their results back in input order. The results, warnings and errors
 * are the ones a single thread gives, in the same order; only progress (bytes read) may arrive early.
 */
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { emptySourceWarning, readRecordBatches, totalInputBytes, type ReadOptions } from '../io/read-records.js';
import { readUnits, type ReadUnit } from './input-units.js';
import type { RecordStage, StageName, StageSpec } from './record-stage.js';

/** How a read is set up in a reader thread (its `workerData`). */
export interface ReaderSetup {
  stage: { name: StageName; options: unknown };
  read: Pick<ReadOptions, 'fastPathBytes' | 'maxInflatedBytes' | 'maxInflateRatio'>;
  /** The TypeScript entry, when the thread starts from the sources (source-worker.mjs). */
  entry?: string;
}

/** What a reader thread posts about the unit `id`. */
export type ReaderMessage =
  | { id: number; type: 'batch'; result: unknown }
  | { id: number; type: 'warning'; message: string }
  | { id: number; type: 'bytes'; bytes: number }
  | { id: number; type: 'done'; items: number; blankLines: number }
  | { id: number; type: 'failed'; error: string };

/** Options of a staged read: the reader's, and the number of reader threads. */
export interface StagedReadOptions extends Omit<ReadOptions, 'select' | 'skim'> {
  /** Reader threads (1: everything on the main thread). See {@link readerThreads}. */
  threads: number;
  /** Size of the ranges a large JSON-lines file is cut into, and of the files read whole (tests make them small). */
  rangeBytes?: number;
  wholeUnitBytes?: number;
}

/** Input (on disk, compressed or not) below which reader threads are not worth their start (~40 ms each). */
export const THREADS_MIN_BYTES = 8 * 1024 * 1024;
/** Reader threads at most, by default. */
const MAX_THREADS = 4;

/**
 * The reader threads for a read: `requested` when given (1 reads on the main thread); else as many as the machine has
 * cores (at most 4) when the input files hold at least {@link THREADS_MIN_BYTES}, and 1 otherwise (standard input
 * alone is always read on the main thread). `inputBytes`: the input's size when the caller has it already.
 */
export async function readerThreads(paths: readonly string[], requested?: number, inputBytes?: number): Promise<number> {
  if (requested !== undefined) return requested;
  const cores = Math.min(MAX_THREADS, availableParallelism());
  if (cores < 2) return 1;
  return (inputBytes ?? (await totalInputBytes(paths))) >= THREADS_MIN_BYTES ? cores : 1;
}

/** Units posted ahead of the one whose results are being handed out. */
const UNITS_AHEAD_PER_THREAD = 2;

/** The stage's results for every batch of the inputs, in input order. */
export async function* readStaged<R>(paths: readonly string[], stdin: Readable | undefined, options: StagedReadOptions, stage: StageSpec<R>): AsyncGenerator<R> {
  let local: RecordStage<R> | null = null;
  const localStage = async () => (local ??= await stage.create());
  /** Reads `inputs` on this thread, through the local stage instance. */
  async function* readHere(inputs: readonly string[]): AsyncGenerator<R> {
    const own = await localStage();
    for await (const batch of readRecordBatches(inputs, stdin, { ...options, select: own.select, skim: own.skim })) yield own.take(batch);
    const rest = own.end?.();
    if (rest) yield rest;
  }
  if (options.threads <= 1) {
    yield* readHere(paths);
    return;
  }
  const readers = startReaders(options.threads, { stage: { name: stage.name, options: stage.options }, read: readLimits(options) });
  type Handle = { unit: ReadUnit; messages: ReaderMessage[]; wake: (() => void) | null; reader?: Reader };
  const handles = new Map<number, Handle>();
  let failure: Error | null = null;
  const wakeAll = () => {
    for (const handle of handles.values()) handle.wake?.();
  };
  for (const reader of readers) {
    reader.worker.on('message', (message: ReaderMessage) => {
      if (message.type === 'bytes') {
        options.onBytes?.(message.bytes);
        return;
      }
      const handle = handles.get(message.id);
      if (!handle) return;
      handle.messages.push(message);
      handle.wake?.();
    });
    reader.worker.on('error', (error) => {
      failure ??= new Error(`a reader thread failed: ${error.message}`);
      wakeAll();
    });
    reader.worker.on('exit', (code) => {
      if (!reader.stopping) failure ??= new Error(`a reader thread stopped (exit code ${code})`);
      wakeAll();
    });
  }
  let nextId = 0;
  const dispatch = (handle: Handle, id: number) => {
    const reader = readers.reduce((best, candidate) => (candidate.outstanding < best.outstanding ? candidate : best));
    reader.outstanding++;
    handle.reader = reader;
    reader.worker.postMessage({ id, unit: handle.unit });
  };
  const units = readUnits(paths, options, { rangeBytes: options.rangeBytes, wholeUnitBytes: options.wholeUnitBytes })[Symbol.asyncIterator]();
  const pending: Array<{ id: number; handle: Handle }> = [];
  let unitsDone = false;
  // Only whole units that any thread can take are posted ahead; standard input and a large file read alone wait until
  // they are first in line (and nothing is posted behind them until they are read).
  const exclusive = (unit: ReadUnit) => unit.kind === 'stdin' || (unit.kind === 'file' && unit.alone);
  const topUp = async () => {
    while (!unitsDone && pending.length < readers.length * UNITS_AHEAD_PER_THREAD && !pending.some(({ handle }) => exclusive(handle.unit))) {
      const next = await units.next();
      if (next.done) {
        unitsDone = true;
        return;
      }
      const id = nextId++;
      const handle: Handle = { unit: next.value, messages: [], wake: null };
      handles.set(id, handle);
      pending.push({ id, handle });
      if ((next.value.kind === 'file' && !next.value.alone) || next.value.kind === 'range') dispatch(handle, id);
    }
  };
  const rangeTotals = new Map<string, { items: number; blankLines: number }>();
  try {
    for (await topUp(); pending.length > 0; await topUp()) {
      const { id, handle } = pending[0]!;
      const unit = handle.unit;
      if (unit.kind === 'error') yield (await localStage()).take([unit.item]);
      else if (unit.kind === 'warning') options.onWarning?.(unit.message);
      else if (unit.kind === 'stdin') yield* readHere(['-']);
      else if (unit.kind === 'ranges-end') {
        const totals = rangeTotals.get(unit.path);
        rangeTotals.delete(unit.path);
        if (!totals || totals.items === 0) options.onWarning?.(emptySourceWarning(unit.path, totals?.blankLines ?? 0, unit.bytes));
      } else {
        if (!handle.reader) dispatch(handle, id);
        for (;;) {
          if (failure) throw failure;
          const message = handle.messages.shift();
          if (!message) {
            await new Promise<void>((resolve) => (handle.wake = resolve));
            handle.wake = null;
            continue;
          }
          if (message.type === 'batch') yield message.result as R;
          else if (message.type === 'warning') options.onWarning?.(message.message);
          else if (message.type === 'failed') throw new Error(`a reader thread failed on ${unit.path}: ${message.error}`);
          else if (message.type === 'done') {
            handle.reader!.outstanding--;
            if (unit.kind === 'range') {
              const totals = rangeTotals.get(unit.path) ?? { items: 0, blankLines: 0 };
              totals.items += message.items;
              totals.blankLines += message.blankLines;
              rangeTotals.set(unit.path, totals);
            }
            break;
          }
        }
      }
      handles.delete(id);
      pending.shift();
    }
  } finally {
    await Promise.all(
      readers.map((reader) => {
        reader.stopping = true;
        return reader.worker.terminate();
      }),
    );
  }
}

/** One reader thread and the units it holds. */
interface Reader {
  worker: Worker;
  outstanding: number;
  stopping: boolean;
}

/** The reader's limits, as a reader thread is given them. */
function readLimits(options: StagedReadOptions): ReaderSetup['read'] {
  const { fastPathBytes, maxInflatedBytes, maxInflateRatio } = options;
  return { fastPathBytes, maxInflatedBytes, maxInflateRatio };
}

/**
 * Starts the reader threads: the compiled entry beside this module (dist/cli/read-worker.js), or, from the
 * TypeScript sources, lambdas/read-worker.ts through source-worker.mjs (which registers tsx in the thread).
 */
function startReaders(count: number, setup: ReaderSetup): Reader[] {
  const fromSources = import.meta.url.endsWith('.ts');
  return Array.from({ length: count }, () => {
    const worker = fromSources
      ? new Worker(new URL('./source-worker.mjs', import.meta.url), { workerData: { ...setup, entry: new URL('../read-worker.ts', import.meta.url).href } })
      : new Worker(new URL('./read-worker.js', import.meta.url), { workerData: setup });
    return { worker, outstanding: 0, stopping: false };
  });
}
