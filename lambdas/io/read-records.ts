/**
 * Reads CloudTrail records from every shape users keep them in, one at a time:
 * a CloudTrail log file (`{"Records": [...]}`, plain or gzip, as AWS writes it to S3), a JSON array (one line or
 * pretty-printed), JSON lines, EventBridge events (record in `detail`), `replay`'s dead-letter file, and directories of
 * these (walked in sorted order, recursively, symbolic links followed once).
 *
 * Memory stays flat whatever the size: lines are split from raw bytes (blank lines skipped at memory speed), and each
 * line or document up to {@link FAST_PATH_BYTES} is parsed with `JSON.parse` (the fast path); a larger one-line or
 * pretty-printed document is streamed record by record through `stream-json`. A line that is neither (a runaway
 * line), a gzip stream that inflates like a bomb, an unreadable file or directory, each becomes an error item and
 * reading goes on with the next input. Empty inputs are reported through `onWarning`.
 */
import { isAscii } from 'node:buffer';
import { createReadStream, type Dirent } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { pushElement, splitJsonSequence, unwrapDocument, type Unwrapped } from '../core/unwrap.js';
import { skimLogFile, type RecordSkim } from './skim-log-file.js';
import { once, readWholeIfSmall, WHOLE_INFLATED_BYTES, type WholeFile } from './whole-file.js';

/** Where an input item stood: file (or `-` for stdin), line (1-based) and, inside a document, index (0-based). */
export interface InputLocation {
  source: string;
  line: number;
  index?: number;
}

/** One item read: a record, or an error naming what was wrong and where. */
export type InputItem =
  | { kind: 'record'; record: Record<string, unknown>; location: InputLocation }
  | { kind: 'error'; error: string; location: InputLocation; raw?: string };

/** Lines and documents up to this size are parsed whole with `JSON.parse`; larger ones are streamed. */
export const FAST_PATH_BYTES = 64 * 1024 * 1024;

/** Limits and callbacks of one read. */
export interface ReadOptions {
  /** Hears of every chunk read from a file (compressed size), for progress bars. */
  onBytes?: (bytes: number) => void;
  /** Hears of inputs that held no record, links followed in a loop, files reached twice. */
  onWarning?: (message: string) => void;
  /** See {@link FAST_PATH_BYTES}; also the longest record a streamed document may hold. */
  fastPathBytes?: number;
  /** A gzip stream inflating past this many bytes is stopped [16 GiB]. */
  maxInflatedBytes?: number;
  /** A gzip stream inflating more than this many times its compressed size (past 64 MiB) is a bomb [200]. */
  maxInflateRatio?: number;
  /** Files never read, even inside a directory given (e.g. the file this run writes its dead letters to). */
  exclude?: readonly string[];
  /**
   * Sees every record as it is read, in order; those it returns false for are dropped at once, before an item is made
   * for them (a replay counts every record but keeps only the few a rule could deliver).
   */
  select?: (record: Record<string, unknown>) => boolean;
  /**
   * Skims CloudTrail log files instead of parsing them whole (`lambdas/io/skim-log-file.ts`): only the records it
   * wants are parsed (and then seen by `select`); it hears of the others, dropped unparsed.
   */
  skim?: RecordSkim;
}

const DEFAULTS = { fastPathBytes: FAST_PATH_BYTES, maxInflatedBytes: 16 * 1024 ** 3, maxInflateRatio: 200 } as const;
const FILE_PATTERN = /\.(json|jsonl|ndjson|json\.gz|jsonl\.gz|ndjson\.gz|gz)$/i;
const READ_CHUNK = 1024 * 1024;

/**
 * Reads every record of the given paths (files or directories), in order. `-` reads standard input.
 * Never throws for bad content: unreadable parts become `error` items, and reading goes on.
 * The third argument may be the `onBytes` callback alone (the earlier signature).
 */
export async function* readRecords(
  paths: readonly string[],
  stdin?: Readable,
  options: ReadOptions | ((bytes: number) => void) = {},
  onWarning?: (message: string) => void,
): AsyncGenerator<InputItem> {
  for await (const batch of readRecordBatches(paths, stdin, options, onWarning)) yield* batch;
}

/**
 * What {@link readRecords} reads, in the same order, handed over in arrays: a log file's records together, and the
 * lines of JSON-lines input read from one chunk together (never waiting for more input to fill an array). One `await`
 * per array instead of one per record: most of a replay's records are dropped at once, and each hop through the
 * chain of async generators cost more than the record's own share of `JSON.parse`. While one file of a directory is
 * parsed, the next is read and inflated on the thread pool.
 */
export async function* readRecordBatches(
  paths: readonly string[],
  stdin?: Readable,
  options: ReadOptions | ((bytes: number) => void) = {},
  onWarning?: (message: string) => void,
): AsyncGenerator<InputItem[]> {
  const settings = typeof options === 'function' ? { onBytes: options, onWarning } : { onWarning, ...options };
  // Files ahead: their bytes are found, read and inflated (on the thread pool) while this one is parsed. Each takes
  // several steps (walk, exclusion check, stat, read, inflate), and a step only moves on when the parser yields: with
  // one file ahead, the parser waited for the next one a fifth of the time.
  const entries = inputEntries(paths, settings)[Symbol.asyncIterator]();
  const nextEntry = async (): Promise<(InputEntry & { whole?: Promise<WholeFile | null> }) | null> => {
    const next = await entries.next();
    if (next.done) return null;
    return next.value.kind === 'file' ? { ...next.value, whole: loadFileAhead(next.value.path, settings) } : next.value;
  };
  // The walk hands out entries in order however many are asked for at once.
  const ahead: Array<ReturnType<typeof nextEntry>> = [];
  const fill = () => {
    while (ahead.length < FILES_AHEAD) ahead.push(nextEntry());
  };
  fill();
  for (let current = await ahead.shift()!; current; current = await ahead.shift()!) {
    fill();
    if (current.kind === 'error') yield [current.item];
    else if (current.kind === 'warning') settings.onWarning?.(current.message);
    else if (current.kind === 'stdin') {
      if (stdin) yield* readSource(stdin as AsyncIterable<Buffer | string>, '-', settings);
    } else yield* readFileBatches(current.path, settings, current.whole);
  }
}

/** One input to read, in order: standard input, a file, an error (unreadable path) or a warning (a path skipped). */
export type InputEntry = { kind: 'stdin' } | { kind: 'file'; path: string } | { kind: 'error'; item: InputItem } | { kind: 'warning'; message: string };

/**
 * The inputs below the given paths, in reading order: directories walked (sorted, recursively), files reached twice
 * and excluded files turned into warnings, unreadable paths into errors.
 */
export async function* inputEntries(paths: readonly string[], settings: Pick<ReadOptions, 'exclude'> = {}): AsyncGenerator<InputEntry> {
  const seen = { files: new Set<string>(), directories: new Set<string>() };
  // Excluded files count as read already; their absolute paths too, for those that do not exist yet.
  const excluded = new Set<string>();
  for (const path of settings.exclude ?? []) {
    excluded.add(resolve(path));
    try {
      excluded.add(await realpath(path));
    } catch {
      // created later: known by its absolute path
    }
  }
  const isExcluded = async (path: string) => excluded.has(resolve(path)) || excluded.has(await realpath(path).catch(() => ''));
  const skipped = (path: string): InputEntry => ({ kind: 'warning', message: `${path}: skipped (this run writes to it)` });
  for (const path of paths) {
    if (path === '-') {
      yield { kind: 'stdin' };
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      yield { kind: 'error', item: fileError(path, error) };
      continue;
    }
    if (info.isDirectory()) {
      for await (const entry of walkEntries(path, seen)) {
        if ('error' in entry) yield { kind: 'error', item: entry.error };
        else if ('warning' in entry) yield { kind: 'warning', message: entry.warning };
        else if (await isExcluded(entry.file)) yield skipped(entry.file);
        else yield { kind: 'file', path: entry.file };
      }
    } else if (await isExcluded(path)) {
      yield skipped(path);
    } else if (await firstVisit(path, seen.files)) {
      yield { kind: 'file', path };
    } else {
      yield { kind: 'warning', message: `${path}: already read (the same file reached twice), skipped` };
    }
  }
}

/** Lists the CloudTrail-looking files below a directory, sorted, recursively (unreadable parts skipped). */
export async function* walk(directory: string): AsyncGenerator<string> {
  for await (const entry of walkEntries(directory, { files: new Set(), directories: new Set() })) {
    if ('file' in entry) yield entry.file;
  }
}

type WalkEntry = { file: string } | { error: InputItem } | { warning: string };

/**
 * Walks a directory in sorted order. Symbolic links are followed: to a file, read once (by real path); to a
 * directory, walked unless already walked (a loop, or the same tree twice). An unreadable directory or a broken link
 * becomes an error entry, and what is skipped a warning entry, in walk order, and the walk goes on.
 */
async function* walkEntries(directory: string, seen: { files: Set<string>; directories: Set<string> }): AsyncGenerator<WalkEntry> {
  if (!(await firstVisit(directory, seen.directories))) {
    yield { warning: `${directory}: directory already walked (a symbolic link loop or the same tree twice), skipped` };
    return;
  }
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    yield { error: fileError(directory, error, 'directory') };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(full);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch (error) {
        if (FILE_PATTERN.test(entry.name)) yield { error: fileError(full, error, 'link') };
        continue;
      }
    }
    if (isDirectory) yield* walkEntries(full, seen);
    else if (isFile && FILE_PATTERN.test(entry.name)) {
      if (await firstVisit(full, seen.files)) yield { file: full };
      else yield { warning: `${full}: already read (a symbolic link to a file read before), skipped` };
    }
  }
}

async function firstVisit(path: string, visited: Set<string>): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return true; // reported when opened
  }
  if (visited.has(real)) return false;
  visited.add(real);
  return true;
}

function fileError(path: string, error: unknown, what: 'file' | 'directory' | 'link' = 'file'): InputItem {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? `${code}: permission denied`
      : code === 'ELOOP'
        ? 'ELOOP: a symbolic link loop'
        : code === 'ENOENT' && what === 'link'
          ? 'ENOENT: a broken symbolic link'
          : (code ?? (error as Error).message);
  return { kind: 'error', error: `cannot read ${what === 'directory' ? 'directory ' : ''}${path}: ${why}`, location: { source: path, line: 0 } };
}

/** Files read ahead of the one being parsed (each at most 8 MiB on disk and 64 MiB inflated, see whole-file.ts). */
const FILES_AHEAD = 3;

const wholeLimit = (settings: ReadOptions) => Math.min(WHOLE_INFLATED_BYTES, settings.maxInflatedBytes ?? DEFAULTS.maxInflatedBytes);

/**
 * Starts reading a file ahead of its turn: a small one is read and inflated (on the thread pool) while another is
 * parsed; hand the promise to {@link readFileBatches} as `loading`. Never rejects (null: it is read as a stream).
 */
export function loadFileAhead(path: string, settings: ReadOptions = {}): Promise<WholeFile | null> {
  return readWholeIfSmall(path, wholeLimit(settings));
}

/** Reads one file (not a directory), what {@link readRecordBatches} reads of it; `loading`: its content read ahead. */
export async function* readFileBatches(path: string, settings: ReadOptions = {}, loading?: Promise<WholeFile | null>): AsyncGenerator<InputItem[]> {
  // A small file (CloudTrail's S3 files are a few hundred KB) is read and inflated whole (whole-file.ts).
  const whole = await (loading ?? loadFileAhead(path, settings));
  if (whole) {
    settings.onBytes?.(whole.diskBytes);
    try {
      yield* readSource(once(whole.content), path, settings);
    } catch (error) {
      yield [{ kind: 'error', error: `cannot read ${path}: ${(error as Error).message}`, location: { source: path, line: 0 } }];
    }
    return;
  }
  let gzip: boolean;
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await handle.read(head, 0, 2, 0);
      gzip = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch (error) {
    yield [fileError(path, error)];
    return;
  }
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK });
  let compressed = 0;
  raw.on('data', (chunk) => {
    compressed += chunk.length;
    settings.onBytes?.(chunk.length);
  });
  const source = gzip ? inflateGuarded(raw, path, () => compressed, settings) : raw;
  try {
    yield* readSource(source, path, settings);
  } catch (error) {
    yield [{ kind: 'error', error: `cannot read ${path}: ${(error as Error).message}`, location: { source: path, line: 0 } }];
  } finally {
    raw.destroy();
  }
}

/**
 * Where a part of a source starts (its first line's number, and whether it is the source's start, where a byte-order
 * mark and a pretty-printed document are recognised); once read, how many items and blank lines it held. A part
 * never warns of being empty: its source does, once all its parts are read.
 */
export interface SourcePart {
  firstLine: number;
  first: boolean;
  items?: number;
  blankLines?: number;
}

/** The warning for a source that held no record, from its totals (as {@link readSource} words it). */
export function emptySourceWarning(source: string, blankLines: number, bytes: number): string {
  return blankLines > 0 ? `${source}: no records, only ${blankLines} blank line(s)` : bytes > 0 ? `${source}: no records` : `${source}: empty`;
}

/**
 * Reads the bytes `[start, end)` of a plain file, which begin and end at line boundaries, as one part of it: the same
 * items, in the same words and with the same line numbers, as reading the whole file would give for those lines
 * (when the file's first line is a whole JSON value, so that no line can continue another). `part` receives the counts.
 */
export async function* readFileRange(path: string, range: { start: number; end: number }, part: SourcePart, options: ReadOptions = {}): AsyncGenerator<InputItem[]> {
  if (range.end <= range.start) return;
  const raw = createReadStream(path, { start: range.start, end: range.end - 1, highWaterMark: READ_CHUNK });
  raw.on('data', (chunk) => options.onBytes?.(chunk.length));
  try {
    yield* readSource(raw, path, options, part);
  } catch (error) {
    yield [{ kind: 'error', error: `cannot read ${path}: ${(error as Error).message}`, location: { source: path, line: part.firstLine } }];
  } finally {
    raw.destroy();
  }
}

/** Raised when a gzip stream inflates past the limits. */
export class InflateLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InflateLimitError';
  }
}

async function* inflateGuarded(raw: Readable, path: string, compressedBytes: () => number, settings: ReadOptions): AsyncGenerator<Buffer> {
  const maxBytes = settings.maxInflatedBytes ?? DEFAULTS.maxInflatedBytes;
  const maxRatio = settings.maxInflateRatio ?? DEFAULTS.maxInflateRatio;
  const gunzip = raw.pipe(createGunzip({ chunkSize: READ_CHUNK }));
  raw.on('error', (error) => gunzip.destroy(error));
  let inflated = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > maxBytes) {
        throw new InflateLimitError(`${path} inflates past ${formatBytes(maxBytes)}: stopped (a gzip bomb, or a file to split)`);
      }
      if (inflated > 64 * 1024 * 1024 && inflated > maxRatio * Math.max(1, compressedBytes())) {
        throw new InflateLimitError(
          `${path} inflates more than ${maxRatio} times its compressed size (${formatBytes(inflated)} from ${formatBytes(compressedBytes())}): ` +
            'a gzip bomb, not a CloudTrail log; stopped',
        );
      }
      yield chunk;
    }
  } finally {
    gunzip.destroy();
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** Reads one stream of bytes (a file's content, standard input). */
export async function* readStream(stream: Readable, source: string, options: ReadOptions = {}): AsyncGenerator<InputItem> {
  for await (const batch of readSource(stream as AsyncIterable<Buffer | string>, source, options)) yield* batch;
}

/** Items of a rare path (a pretty-printed or streamed document) in arrays of at most `size`. */
async function* inBatches(items: AsyncIterable<InputItem>, size = 256): AsyncGenerator<InputItem[]> {
  let batch: InputItem[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The items but for the records `select` drops. */
function selected(items: InputItem[], select?: (record: Record<string, unknown>) => boolean): InputItem[] {
  return select ? items.filter((item) => item.kind === 'error' || select(item.record)) : items;
}

/**
 * Lines' items held before they are handed over even though more lines are already read. Few enough that the records
 * held die young: with 1,024, `explain` (which holds every record of a batch until it is classified) spent a fifth of
 * its time collecting garbage, records having outlived a young-generation collection or two; with 256, a twentieth.
 */
const BATCH_ITEMS = 256;

/**
 * The reader proper, over raw chunks. Each line that is a whole JSON value is unwrapped on its own (JSON lines, one-line
 * log files). When the first line is not (a pretty-printed document), the rest is one document. Oversized lines and
 * documents are streamed.
 */
async function* readSource(input: AsyncIterable<Buffer | string>, source: string, options: ReadOptions, part?: SourcePart): AsyncGenerator<InputItem[]> {
  const fastPath = options.fastPathBytes ?? DEFAULTS.fastPathBytes;
  const chunks = new ChunkCursor(input);
  let line = part?.firstLine ?? 1;
  let items = 0;
  let blankLines = 0;
  let first = part?.first ?? true;
  // Items of the lines read so far, handed over before the reader would wait for input (or once there are many).
  let batch: InputItem[] = [];
  for (;;) {
    if (batch.length > 0 && (batch.length >= BATCH_ITEMS || !chunks.holdsLineEnd())) {
      yield batch;
      batch = [];
    }
    // Skip blank space (a GB of empty lines takes a second, not minutes), counting lines.
    const skipped = await chunks.skipBlank();
    line += skipped;
    blankLines += skipped;
    if (chunks.done) break;
    if (first && chunks.startsWithBom()) chunks.skipBom();
    const start = line;
    const collected = await chunks.takeLine(fastPath);
    if (collected.overflow) {
      // Longer than the fast path: a one-line document is streamed; anything else is a runaway line.
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
      if (collected.firstByte === 0x7b || collected.firstByte === 0x5b) {
        for await (const streamed of inBatches(streamDocument(chunks.lineRest(collected.parts), collected.firstByte, source, start, fastPath))) {
          items += streamed.length;
          yield selected(streamed, options.select);
        }
        await chunks.discardLine(); // what follows the records array on that line, or a runaway rest
      } else {
        await chunks.discardLine();
        items++;
        yield [{ kind: 'error', error: `line longer than ${formatBytes(fastPath)} that is not a JSON document (a runaway line): skipped`, location: { source, line: start } }];
      }
      first = false;
      continue;
    }
    if (options.skim && collected.parts.length === 1) {
      const read = pushSkimmed(batch, collected.parts[0]!, { source, line: start }, options.skim, options.select);
      if (read >= 0) {
        items += read;
        first = false;
        continue;
      }
    }
    const text = decode(collected.parts);
    let value: unknown;
    let parsed = true;
    try {
      value = JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (parsed) {
      items += pushItems(batch, unwrapInput(value), { source, line: start }, options.select);
    } else if (first && /^\s*[[{]/.test(text)) {
      // A document over several lines (pretty-printed JSON): the rest of the input is that document.
      for await (const read of inBatches(readDocument(chunks, collected.parts, source, start, fastPath))) {
        items += read.length;
        yield selected(read, options.select);
      }
      break;
    } else {
      items++;
      batch.push(malformedLine(text, source, start));
    }
    first = false;
  }
  if (batch.length > 0) yield batch;
  if (part) {
    part.items = items;
    part.blankLines = blankLines;
  } else if (items === 0) {
    options.onWarning?.(emptySourceWarning(source, blankLines, chunks.bytes));
  }
}

function malformedLine(text: string, source: string, line: number): InputItem {
  let message = 'unexpected content';
  try {
    JSON.parse(text);
  } catch (error) {
    message = (error as Error).message;
  }
  return { kind: 'error', error: `malformed JSON: ${message}`, location: { source, line }, raw: text.slice(0, 2048) };
}

/** A pretty-printed document: parsed whole when small, streamed when large; if it does not parse, line by line. */
async function* readDocument(chunks: ChunkCursor, head: Buffer[], source: string, start: number, fastPath: number): AsyncGenerator<InputItem> {
  const parts = [...head, Buffer.from('\n')];
  let size = parts.reduce((total, part) => total + part.length, 0);
  for (;;) {
    const chunk = await chunks.takeAll();
    if (!chunk) break;
    parts.push(chunk);
    size += chunk.length;
    if (size > fastPath) {
      const firstByte = firstNonBlank(parts);
      yield* streamDocument(chunks.prefixedRest(parts), firstByte, source, start, fastPath);
      return;
    }
  }
  const text = decode(parts);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Several pretty-printed documents one after another (`lookup-events` pages appended to one file)?
    const sequence = splitJsonSequence(text);
    if (sequence) {
      for (const item of sequence) {
        const location = { source, line: start + item.line - 1 };
        if ('error' in item) yield { kind: 'error', error: item.error, location };
        else yield* toItems(unwrapInput(item.value), location);
      }
      return;
    }
    // Not one document either: report each line that does not parse, keep the ones that do.
    const lines = text.split(/\r?\n/);
    for (let offset = 0; offset < lines.length; offset++) {
      const line = lines[offset]!.trim();
      if (line === '') continue;
      const location = { source, line: start + offset };
      let element: unknown;
      try {
        element = JSON.parse(line);
      } catch {
        yield malformedLine(line, source, start + offset);
        continue;
      }
      yield* toItems(unwrapInput(element), location);
    }
    return;
  }
  yield* toItems(unwrapInput(value), { source, line: start });
}

function firstNonBlank(parts: Buffer[]): number {
  for (const part of parts) {
    for (const byte of part) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return 0;
}

/**
 * Streams a large document record by record: `{"Records": [...]}` or a top-level array. A record that does not end
 * within `maxRecordBytes` (a runaway value) and malformed JSON stop this document with an error item.
 */
async function* streamDocument(
  bytes: AsyncIterable<Buffer>,
  firstByte: number,
  source: string,
  line: number,
  maxRecordBytes: number,
): AsyncGenerator<InputItem> {
  let sinceLastRecord = 0;
  let runaway = false;
  // Fed in slices small enough that a record's end resets the count before the next slice is fed.
  const slice = Math.max(1024, Math.min(64 * 1024, maxRecordBytes >> 4));
  async function* guarded(): AsyncGenerator<Buffer> {
    for await (const chunk of bytes) {
      for (let offset = 0; offset < chunk.length; offset += slice) {
        const part = chunk.subarray(offset, offset + slice);
        sinceLastRecord += part.length;
        if (sinceLastRecord > maxRecordBytes) {
          runaway = true;
          return;
        }
        yield part;
      }
    }
  }
  // stream-json is loaded only for a document this large (most runs never need it).
  const [{ chain }, { parser }, { pick }, { streamArray }] = await Promise.all([
    import('stream-chain/core'),
    import('stream-json/core/parser.js'),
    import('stream-json/core/filters/pick.js'),
    import('stream-json/core/streamers/stream-array.js'),
  ]);
  const stages = firstByte === 0x7b ? [parser(), pick({ filter: 'Records' }), streamArray()] : [parser(), streamArray()];
  const records = chain(stages as never[])(guarded() as never) as AsyncGenerator<{ key: number; value: unknown }>;
  let count = 0;
  try {
    for await (const { key, value } of records) {
      sinceLastRecord = 0;
      count++;
      for (const item of toItems(unwrapInput(value), { source, line })) yield { ...item, location: { ...item.location, index: key } };
    }
  } catch (error) {
    yield { kind: 'error', error: `malformed JSON after ${count} record(s) of a large document: ${(error as Error).message}; the rest of it is skipped`, location: { source, line, index: count } };
    return;
  }
  if (runaway) {
    yield { kind: 'error', error: `a value longer than ${formatBytes(maxRecordBytes)} inside a large document (a runaway record) after ${count} record(s): the rest is skipped`, location: { source, line, index: count } };
  } else if (count === 0 && firstByte === 0x7b) {
    yield { kind: 'error', error: `a JSON object larger than ${formatBytes(maxRecordBytes)} without a "Records" array: skipped`, location: { source, line } };
  }
}

/**
 * Unwraps a parsed value: `replay`'s dead-letter entries first (their `record`, or the original line kept in `raw`),
 * then any CloudTrail shape.
 */
export function unwrapInput(value: unknown): Unwrapped {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { reason?: unknown }).reason === 'string') {
    const entry = value as { reason: string; record?: unknown; raw?: unknown; alert?: unknown; error?: unknown };
    if (typeof entry.record === 'object' && entry.record !== null) return unwrapDocument(entry.record);
    if (typeof entry.raw === 'string') {
      try {
        return unwrapDocument(JSON.parse(entry.raw));
      } catch {
        return [{ error: `dead-letter entry (${entry.reason}): its original text is still not JSON: ${String(entry.error ?? '')}`.trim(), raw: entry.raw.slice(0, 2048) }];
      }
    }
    if (entry.alert !== undefined) return [{ error: `dead-letter entry (${entry.reason}) holds an alert, not a record: nothing to replay` }];
  }
  return unwrapDocument(value);
}

function* toItems(unwrapped: Unwrapped, location: InputLocation): Generator<InputItem> {
  const items: InputItem[] = [];
  pushItems(items, unwrapped, location);
  yield* items;
}

/**
 * The items of one unwrapped line or document, appended to `out`, but for records `select` drops. Returns the number
 * of items read (dropped ones included).
 */
function pushItems(out: InputItem[], unwrapped: Unwrapped, location: InputLocation, select?: (record: Record<string, unknown>) => boolean, indexed = false): number {
  const many = indexed || unwrapped.length > 1 || unwrapped[0]?.index !== undefined;
  for (const entry of unwrapped) {
    if ('error' in entry) {
      out.push({ kind: 'error', error: entry.error, location: many || entry.index !== undefined ? { source: location.source, line: location.line, index: entry.index ?? 0 } : location, raw: entry.raw });
    } else if (!select || select(entry.record)) {
      out.push({ kind: 'record', record: entry.record, location: many || entry.index !== undefined ? { source: location.source, line: location.line, index: entry.index ?? 0 } : location });
    }
  }
  return unwrapped.length;
}

/**
 * A log file's records through `skim` (see {@link ReadOptions.skim}): those it wants parsed one by one and appended to
 * `out` as `select` keeps them, as the whole file parsed would give them. Returns the number of items read, or -1 when
 * the text is not a log file the skim can read (then parse it whole).
 */
function pushSkimmed(out: InputItem[], bytes: Buffer, location: InputLocation, skim: RecordSkim, select?: (record: Record<string, unknown>) => boolean): number {
  const file = skimLogFile(bytes);
  if (file === null) return -1;
  const wanted: Unwrapped = [];
  const dropped: number[] = [];
  let index = 0;
  try {
    for (let k = 0; k < file.count; k++) {
      if (!file.mustParse(k) && (!file.nameIn(k, skim.names) || !skim.wants(file.fields(k)!))) {
        dropped.push(k);
        index++;
      } else index = pushElement(wanted, JSON.parse(decodeWhole(bytes.subarray(file.start(k), file.end(k)))), index);
    }
  } catch {
    return -1; // not if the skim checks JSON as `JSON.parse` does; and then the whole file is parsed, nothing yet told
  }
  for (const k of dropped) skim.dropped(file.eventTimeMs(k));
  pushItems(out, wanted, location, select, true);
  return index;
}

function decode(parts: Buffer[]): string {
  let text: string;
  // One part (a whole file read at once, a line inside one chunk): decoded in one call, malformed bytes becoming
  // U+FFFD as the decoder makes them; several: the decoder carries a character split between parts.
  if (parts.length === 1) text = decodeWhole(parts[0]!);
  else {
    const decoder = new StringDecoder('utf8');
    text = '';
    for (const part of parts) text += decoder.write(part);
    text += decoder.end();
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * One buffer as text. Bytes that are all ASCII (CloudTrail's JSON escapes most of what is not) are the same string
 * read as Latin-1, which V8 stores one byte per character without the UTF-8 decoder's work: 0.2–0.26 s against 0.41 s
 * for the bench mix's 113 MB (a micro-bench, 3 rounds). Anything else is decoded as UTF-8.
 */
function decodeWhole(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Walks raw chunks: skips blank bytes, takes lines, hands the rest to a streaming parser. */
class ChunkCursor {
  private readonly iterator: AsyncIterator<Buffer | string>;
  private chunk: Buffer = Buffer.alloc(0);
  private position = 0;
  /** The chunk's last line feed (-1: none), found once per chunk: {@link holdsLineEnd} is asked at every line. */
  private lastLineFeed = -1;
  done = false;
  bytes = 0;

  constructor(input: AsyncIterable<Buffer | string>) {
    this.iterator = input[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.position >= this.chunk.length) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      this.chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      this.lastLineFeed = this.chunk.lastIndexOf(0x0a);
      this.position = 0;
      this.bytes += this.chunk.length;
    }
    return true;
  }

  /**
   * True when the bytes read so far hold another line feed (beyond the one that ends the line just taken): the next
   * line may end without waiting for input.
   */
  holdsLineEnd(): boolean {
    const from = this.chunk[this.position] === 0x0a ? this.position + 1 : this.position;
    return this.lastLineFeed >= from;
  }

  /** Skips spaces, tabs, CR and LF; returns the number of line feeds passed. */
  async skipBlank(): Promise<number> {
    let lines = 0;
    while (await this.fill()) {
      const chunk = this.chunk;
      let at = this.position;
      const end = chunk.length;
      while (at < end) {
        const byte = chunk[at]!;
        if (byte === 0x0a) lines++;
        else if (byte !== 0x20 && byte !== 0x0d && byte !== 0x09) break;
        at++;
      }
      this.position = at;
      if (at < end) break;
    }
    return lines;
  }

  startsWithBom(): boolean {
    return this.chunk[this.position] === 0xef && this.chunk[this.position + 1] === 0xbb && this.chunk[this.position + 2] === 0xbf;
  }

  skipBom(): void {
    this.position += 3;
  }

  /** Takes bytes up to the next line feed (not consumed), or stops once `limit` bytes are held (`overflow`). */
  async takeLine(limit: number): Promise<{ parts: Buffer[]; overflow: boolean; firstByte: number }> {
    const parts: Buffer[] = [];
    let size = 0;
    const firstByte = this.chunk[this.position] ?? 0;
    while (await this.fill()) {
      const newline = this.chunk.indexOf(0x0a, this.position);
      const end = newline >= 0 ? newline : this.chunk.length;
      parts.push(this.chunk.subarray(this.position, end));
      size += end - this.position;
      this.position = end;
      if (newline >= 0 || size > limit) break;
    }
    return { parts, overflow: size > limit, firstByte };
  }

  /** Drops bytes up to the next line feed. */
  async discardLine(): Promise<void> {
    while (await this.fill()) {
      const newline = this.chunk.indexOf(0x0a, this.position);
      if (newline >= 0) {
        this.position = newline;
        return;
      }
      this.position = this.chunk.length;
    }
  }

  /** The rest of the current chunk and the chunks after it, one at a time (null at the end). */
  async takeAll(): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    const rest = this.chunk.subarray(this.position);
    this.position = this.chunk.length;
    return rest;
  }

  /** `head` (emptied as it goes, so its memory is freed), then the bytes up to the next line feed (left for the caller). */
  async *lineRest(head: Buffer[]): AsyncGenerator<Buffer> {
    for (let part = head.shift(); part; part = head.shift()) yield part;
    while (await this.fill()) {
      const newline = this.chunk.indexOf(0x0a, this.position);
      const end = newline >= 0 ? newline : this.chunk.length;
      const part = this.chunk.subarray(this.position, end);
      this.position = end;
      yield part;
      if (newline >= 0) return;
    }
  }

  /** `head` (emptied as it goes), then everything to the end. */
  async *prefixedRest(head: Buffer[]): AsyncGenerator<Buffer> {
    for (let part = head.shift(); part; part = head.shift()) yield part;
    for (let chunk = await this.takeAll(); chunk; chunk = await this.takeAll()) yield chunk;
  }
}

/** Total size in bytes of the files below the given paths (for progress). */
export async function totalInputBytes(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) {
    if (path === '-') continue;
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        for await (const file of walk(path)) {
          try {
            total += (await stat(file)).size;
          } catch {
            // reported when read
          }
        }
      } else total += info.size;
    } catch {
      // reported when read
    }
  }
  return total;
}
