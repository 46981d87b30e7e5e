/**
 * Reads CloudTrail records from every shape users keep them in, one at a time:
 * a CloudTrail log file (`{"Records": [...]}`, plain or `.gz`, as AWS writes it to S3), a JSON array, JSON lines,
 * EventBridge events (record in `detail`), and directories of these (walked in sorted order, recursively).
 *
 * Files are read as a stream of lines: JSON-lines files of any size use constant memory. A document spanning several
 * lines (a pretty-printed array) is held in memory one file at a time, never a whole directory.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { unwrapDocument, type Unwrapped } from '../core/unwrap.js';

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

const FILE_PATTERN = /\.(json|jsonl|ndjson|json\.gz|jsonl\.gz|ndjson\.gz|gz)$/i;

/**
 * Reads every record of the given paths (files or directories), in order. `-` reads standard input.
 * Never throws for bad content: unreadable parts become `error` items, and reading goes on.
 * `onBytes` hears of every chunk read from a file (compressed size), for progress bars.
 */
export async function* readRecords(
  paths: readonly string[],
  stdin?: Readable,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<InputItem> {
  for (const path of paths) {
    if (path === '-') {
      if (stdin) yield* readStream(stdin, '-');
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      yield { kind: 'error', error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, location: { source: path, line: 0 } };
      continue;
    }
    if (info.isDirectory()) {
      for await (const file of walk(path)) yield* readFile(file, onBytes);
    } else {
      yield* readFile(path, onBytes);
    }
  }
}

/** Lists the CloudTrail-looking files below a directory, sorted, recursively. */
export async function* walk(directory: string): AsyncGenerator<string> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && FILE_PATTERN.test(entry.name)) yield full;
  }
}

async function* readFile(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<InputItem> {
  let stream: Readable = createReadStream(path);
  if (onBytes) stream.on('data', (chunk) => onBytes(chunk.length));
  if (path.toLowerCase().endsWith('.gz')) stream = stream.pipe(createGunzip());
  try {
    yield* readStream(stream, path);
  } catch (error) {
    yield { kind: 'error', error: `cannot read ${path}: ${(error as Error).message}`, location: { source: path, line: 0 } };
  }
}

/**
 * Reads one stream. Each line that is a whole JSON value is unwrapped on its own (JSON lines, one-line CloudTrail log
 * files). When a line is not valid JSON on its own, the rest of the stream is taken as one document (pretty-printed
 * JSON); if that fails too, each bad line is reported.
 */
export async function* readStream(stream: Readable, source: string): AsyncGenerator<InputItem> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  let pending: string[] | null = null;
  let pendingStart = 0;
  for await (const line of lines) {
    lineNumber++;
    if (pending) {
      pending.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      pending = [line];
      pendingStart = lineNumber;
      continue;
    }
    yield* toItems(unwrapDocument(value), { source, line: lineNumber });
  }
  if (pending) yield* parsePending(pending, source, pendingStart);
}

function* parsePending(lines: string[], source: string, start: number): Generator<InputItem> {
  const text = lines.join('\n');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not one document either: report each line that does not parse, keep the ones that do.
    for (let offset = 0; offset < lines.length; offset++) {
      const line = lines[offset]!.trim();
      if (line === '') continue;
      const location = { source, line: start + offset };
      try {
        yield* toItems(unwrapDocument(JSON.parse(line)), location);
      } catch (error) {
        yield { kind: 'error', error: `malformed JSON: ${(error as Error).message}`, location, raw: line.slice(0, 2048) };
      }
    }
    return;
  }
  yield* toItems(unwrapDocument(value), { source, line: start });
}

function* toItems(unwrapped: Unwrapped, location: InputLocation): Generator<InputItem> {
  const many = unwrapped.length > 1 || unwrapped[0]?.index !== undefined;
  for (const entry of unwrapped) {
    const where = many || entry.index !== undefined ? { ...location, index: entry.index ?? 0 } : location;
    if ('error' in entry) yield { kind: 'error', error: entry.error, location: where, raw: entry.raw };
    else yield { kind: 'record', record: entry.record, location: where };
  }
}

/** Total size in bytes of the files below the given paths (for progress). */
export async function totalInputBytes(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) {
    if (path === '-') continue;
    try {
      const info = await stat(path);
      if (info.isDirectory()) for await (const file of walk(path)) total += (await stat(file)).size;
      else total += info.size;
    } catch {
      // reported when read
    }
  }
  return total;
}
