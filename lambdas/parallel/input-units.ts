/**
 * The input of a read, cut into units that reader threads can read side by side and whose results, put back in order,
 * are what one thread reading it all would give: a small file whole; a large file of JSON lines in ranges of whole
 * lines, each knowing its first line's number; anything else (standard input, a large gzip file, a pretty-printed
 * document, a first line that is not a whole JSON value) whole and alone, as one thread would read it.
 */
import { open, stat } from 'node:fs/promises';
import { inputEntries, type InputItem, type ReadOptions } from '../io/read-records.js';
import { WHOLE_FILE_BYTES } from '../io/whole-file.js';

/** One unit of a read, in input order. */
export type ReadUnit =
  /** A file read whole by one thread; `alone`: a large one, read while no other unit is (its results stream). */
  | { kind: 'file'; path: string; alone: boolean }
  /** Whole lines `[start, end)` of a plain file of JSON lines. */
  | { kind: 'range'; path: string; start: number; end: number; firstLine: number; first: boolean }
  /** After a file's last range: its size (it warns, as a whole file would, when its ranges held no record). */
  | { kind: 'ranges-end'; path: string; bytes: number }
  | { kind: 'stdin' }
  | { kind: 'error'; item: InputItem }
  | { kind: 'warning'; message: string };

/** Files up to this size are one unit: the whole-file reader's limit (lambdas/io/whole-file.ts). */
export const WHOLE_UNIT_BYTES = WHOLE_FILE_BYTES;
/** A large file of JSON lines is cut into ranges of about this size. */
export const RANGE_BYTES = 4 * 1024 * 1024;
/** A first line longer than this is not tried: the file is read whole and alone. */
const FIRST_LINE_LIMIT = 8 * 1024 * 1024;
const SCAN_CHUNK = 1024 * 1024;

/** The units of the given paths, in reading order (directories walked as the serial reader walks them). */
export async function* readUnits(
  paths: readonly string[],
  settings: Pick<ReadOptions, 'exclude'>,
  { rangeBytes = RANGE_BYTES, wholeUnitBytes = WHOLE_UNIT_BYTES }: { rangeBytes?: number; wholeUnitBytes?: number } = {},
): AsyncGenerator<ReadUnit> {
  for await (const entry of inputEntries(paths, settings)) {
    if (entry.kind !== 'file') {
      yield entry;
      continue;
    }
    let size: number;
    try {
      size = (await stat(entry.path)).size;
    } catch {
      yield { kind: 'file', path: entry.path, alone: false }; // its reader reports why it cannot be read
      continue;
    }
    if (size <= wholeUnitBytes) yield { kind: 'file', path: entry.path, alone: false };
    else yield* fileRanges(entry.path, rangeBytes);
  }
}

/**
 * A large file in ranges of whole lines when it is JSON lines (its first line a whole JSON value, so that no later
 * line can be part of a document), else whole and alone. Ranges are handed out as the file is scanned.
 */
async function* fileRanges(path: string, rangeBytes: number): AsyncGenerator<ReadUnit> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    yield { kind: 'file', path, alone: true };
    return;
  }
  try {
    if (!(await startsWithJsonLine(handle))) {
      yield { kind: 'file', path, alone: true };
      return;
    }
    const chunk = Buffer.allocUnsafe(SCAN_CHUNK);
    let position = 0;
    let lines = 0;
    let rangeStart = 0;
    let rangeFirstLine = 1;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, SCAN_CHUNK, position);
      if (bytesRead === 0) break;
      const view = chunk.subarray(0, bytesRead);
      // The first line feed after the range's intended end closes it; the lines before it are counted in bulk.
      let from = 0;
      for (;;) {
        const target = Math.max(from, rangeStart + rangeBytes - 1 - position);
        if (target >= bytesRead) {
          lines += countLineFeeds(view, from, bytesRead);
          break;
        }
        const newline = view.indexOf(0x0a, target);
        if (newline < 0) {
          lines += countLineFeeds(view, from, bytesRead);
          break;
        }
        lines += countLineFeeds(view, from, newline + 1);
        const end = position + newline + 1;
        yield { kind: 'range', path, start: rangeStart, end, firstLine: rangeFirstLine, first: rangeStart === 0 };
        rangeStart = end;
        rangeFirstLine = lines + 1;
        from = newline + 1;
      }
      position += bytesRead;
    }
    if (position > rangeStart) yield { kind: 'range', path, start: rangeStart, end: position, firstLine: rangeFirstLine, first: rangeStart === 0 };
    yield { kind: 'ranges-end', path, bytes: position };
  } finally {
    await handle.close();
  }
}

/** Line feeds in `bytes[from, to)`: found with indexOf where lines are long, counted byte by byte where they are short. */
function countLineFeeds(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  let at = from;
  while (at < to) {
    const next = bytes.indexOf(0x0a, at);
    if (next < 0 || next >= to) break;
    count++;
    at = next + 1;
    if (count > 64 && at - from < count * 32) {
      // Dense (blank or tiny lines): a plain loop beats one indexOf call per line.
      for (; at < to; at++) if (bytes[at] === 0x0a) count++;
      break;
    }
  }
  return count;
}

/**
 * True when the file's first non-blank line (after a byte-order mark) is a whole JSON value, or is not JSON at all:
 * either way, the serial reader reads every later line on its own. False for gzip, for a first line that opens a
 * document over several lines (pretty-printed), and for one too long to try.
 */
async function startsWithJsonLine(handle: import('node:fs/promises').FileHandle): Promise<boolean> {
  const head = Buffer.allocUnsafe(Math.min(FIRST_LINE_LIMIT, SCAN_CHUNK));
  let { bytesRead } = await handle.read(head, 0, head.length, 0);
  if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return false;
  let bytes = head.subarray(0, bytesRead);
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x0a || bytes[start] === 0x0d || bytes[start] === 0x09)) start++;
  let newline = bytes.indexOf(0x0a, start);
  if (newline < 0 && bytesRead === head.length) {
    // The first line goes on past the first chunk: read up to the limit.
    const more = Buffer.allocUnsafe(FIRST_LINE_LIMIT);
    ({ bytesRead } = await handle.read(more, 0, FIRST_LINE_LIMIT, 0));
    bytes = more.subarray(0, bytesRead);
    newline = bytes.indexOf(0x0a, start);
    if (newline < 0 && bytesRead === FIRST_LINE_LIMIT) return false;
  }
  if (start >= bytes.length) return false; // only blank space as far as looked: read whole
  const line = bytes.subarray(start, newline < 0 ? bytes.length : newline).toString('utf8');
  try {
    JSON.parse(line);
    return true;
  } catch {
    return !/^\s*[[{]/.test(line);
  }
}
