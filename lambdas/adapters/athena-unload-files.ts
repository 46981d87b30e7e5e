/**
 * Reads what an Athena `UNLOAD … WITH (format = 'JSON', compression = 'gzip')` wrote: the gzip JSON-lines files below
 * its S3 prefix, listed with ListObjectsV2, streamed (never all in memory) and merged into one stream in event-time
 * order, for the replay engine or for one local file.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';

/** One file the UNLOAD wrote. */
export interface UnloadedFile {
  bucket: string;
  key: string;
  size: number;
}

/** Splits `s3://bucket/prefix/` into its bucket and key prefix. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** Every object below the prefix, in key order (all pages). */
export async function listUnloadedFiles(s3: S3Client, uri: string): Promise<UnloadedFile[]> {
  const { bucket, prefix } = parseS3Uri(uri);
  const files: UnloadedFile[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (object.Key && !object.Key.endsWith('/') && (object.Size ?? 0) > 0) files.push({ bucket, key: object.Key, size: object.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function objectStream(s3: S3Client, file: UnloadedFile): Promise<Readable> {
  const object = await s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }));
  if (!(object.Body instanceof Readable)) throw new Error(`s3://${file.bucket}/${file.key}: no readable body`);
  return object.Body;
}

/** The `eventtime` of an unloaded JSON line, read without parsing the whole line ('' when it has none). */
export function eventTimeOfLine(line: string): string {
  const match = /"eventtime":"([^"]*)"/.exec(line);
  return match ? match[1]! : '';
}

/** The non-empty lines of a stream of one unloaded file, decoded. */
async function* linesOf(body: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input: Readable.from(decoded(body)), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield line;
}

/**
 * How many S3 bodies the merge keeps open at once. Each open body holds one of the SDK's sockets (50 by default):
 * beyond this, the files are first copied to a local directory and merged from there.
 */
export const MAX_OPEN_S3_STREAMS = 32;

/**
 * The lines of every file, merged into one stream in event-time order: UNLOAD sorts each file (`ORDER BY eventtime`)
 * but writes files in parallel, so a k-way merge restores the global order with one line per file in memory. Lines of
 * equal time keep file order. The replay's windows, baselines and cooldowns then see time move forward, as live.
 */
export async function* mergedLines(
  s3: S3Client,
  files: readonly UnloadedFile[],
  options: { maxOpenStreams?: number; onSpill?: (directory: string, files: number) => void } = {},
): AsyncGenerator<string> {
  if (files.length <= (options.maxOpenStreams ?? MAX_OPEN_S3_STREAMS)) {
    yield* mergeSorted(await Promise.all(files.map(async (file) => linesOf(await objectStream(s3, file)))));
    return;
  }
  const directory = await mkdtemp(join(tmpdir(), 'denial-alerter-unload-'));
  options.onSpill?.(directory, files.length);
  try {
    const paths: string[] = [];
    for (const [index, file] of files.entries()) {
      const path = join(directory, `${String(index).padStart(6, '0')}.part`);
      await pipeline(await objectStream(s3, file), createWriteStream(path));
      paths.push(path);
    }
    yield* mergeSorted(paths.map((path) => linesOf(createReadStream(path))));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** The k-way merge of line sources that are each sorted by event time. */
async function* mergeSorted(sources: ReadonlyArray<AsyncGenerator<string>>): AsyncGenerator<string> {
  type Head = { time: string; line: string; file: number; rest: AsyncGenerator<string> };
  const heap: Head[] = [];
  const before = (a: Head, b: Head) => a.time < b.time || (a.time === b.time && a.file < b.file);
  const push = (head: Head) => {
    heap.push(head);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): Head => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  };
  const advance = async (rest: AsyncGenerator<string>, file: number) => {
    const next = await rest.next();
    if (!next.done) push({ time: eventTimeOfLine(next.value), line: next.value, file, rest });
  };
  for (const [index, source] of sources.entries()) await advance(source, index);
  while (heap.length > 0) {
    const head = pop();
    yield head.line;
    await advance(head.rest, head.file);
  }
}

/** The object's bytes, gunzipped when they start with gzip's magic number (whatever the key's extension). */
async function* decoded(body: Readable): AsyncGenerator<Buffer> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done) return;
  const head = first.value;
  const whole = Readable.from(
    (async function* () {
      yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
  );
  yield* (head[0] === 0x1f && head[1] === 0x8b ? whole.pipe(createGunzip()) : whole) as AsyncIterable<Buffer>;
}

/** Writes the merged, time-ordered lines into one gzip JSON-lines file; returns how many lines it holds. */
export async function writeMergedLines(lines: AsyncIterable<string>, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  let count = 0;
  await pipeline(
    Readable.from(
      (async function* () {
        for await (const line of lines) {
          count++;
          yield `${line}\n`;
        }
      })(),
    ),
    createGzip(),
    createWriteStream(path),
  );
  return count;
}
