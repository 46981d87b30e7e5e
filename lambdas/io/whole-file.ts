/**
 * Small log files read and inflated whole, in one step each, instead of in streamed chunks: CloudTrail's S3 files are
 * a few hundred KB, and each streamed chunk costs a round trip through the thread pool. Inflating runs on the thread
 * pool too (zlib's asynchronous `gunzip`), so the reader can parse one file while the next one inflates. A larger file,
 * or one that fails here (unreadable, corrupt, inflating past the limit), is left to the streaming reader, which
 * reports it in its own words and applies its gzip-bomb limits.
 */
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** Files up to this size on disk are read whole. */
export const WHOLE_FILE_BYTES = 8 * 1024 * 1024;
/** … and inflated whole up to this size (below the streaming reader's ratio check, which starts at 64 MiB). */
export const WHOLE_INFLATED_BYTES = 64 * 1024 * 1024;
/** Inflated in pieces of at least this size: few thread-pool round trips (zlib's default is 16 KiB). */
const INFLATE_CHUNK = 1024 * 1024;

/**
 * The piece size for inflating `raw`: its inflated size when the gzip trailer tells it (ISIZE, the last four bytes,
 * little-endian: the size modulo 2^32 of the last member, RFC 1952 section 2.3.1), so that a file inflates into one
 * buffer in one pass, with no copy to join pieces; a wrong guess (several members, a forged trailer) only means more
 * pieces, as the limit still applies.
 */
function inflateChunk(raw: Buffer, maxInflatedBytes: number): number {
  const stated = raw.length >= 18 ? raw.readUInt32LE(raw.length - 4) : 0;
  return Math.max(INFLATE_CHUNK, Math.min(stated + 1, maxInflatedBytes, WHOLE_INFLATED_BYTES));
}

const gunzipAsync = promisify(gunzip);

/** A file's content, inflated, and its size on disk. */
export interface WholeFile {
  content: Buffer;
  diskBytes: number;
}

/** A small file's content, inflated, and its size on disk; null: read it as a stream. Never rejects. */
export async function readWholeIfSmall(path: string, maxInflatedBytes: number): Promise<WholeFile | null> {
  try {
    if ((await stat(path)).size > WHOLE_FILE_BYTES) return null;
    const raw = await readFile(path);
    if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return { content: raw, diskBytes: raw.length };
    return { content: await gunzipAsync(raw, { maxOutputLength: maxInflatedBytes, chunkSize: inflateChunk(raw, maxInflatedBytes) }), diskBytes: raw.length };
  } catch {
    return null;
  }
}

/** One buffer as the chunk stream the reader takes. */
export async function* once(content: Buffer): AsyncGenerator<Buffer> {
  yield content;
}
