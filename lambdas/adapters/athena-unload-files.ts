/**
 * Reads what an Athena `UNLOAD … WITH (format = 'JSON', compression = 'gzip')` wrote: the gzip JSON-lines files below
 * its S3 prefix, listed with ListObjectsV2 and streamed one after the other (never all in memory), either as one
 * stream of JSON lines for the replay engine, or copied to a local directory.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

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

/**
 * One stream of JSON lines: each file fetched when the previous one is done, gunzipped when it is gzip.
 * `onFile` hears of each file as it starts. An error ends the stream with that error.
 */
export function unloadedLines(s3: S3Client, files: readonly UnloadedFile[], onFile?: (file: UnloadedFile, index: number) => void): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      for (const [index, file] of files.entries()) {
        onFile?.(file, index);
        for await (const chunk of decoded(await objectStream(s3, file))) {
          if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        }
        // A file that does not end in a newline must not glue its last line to the next file's first.
        out.write('\n');
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
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

/** Copies the files, as they are (gzip), into `directory`; returns the local paths. */
export async function downloadUnloadedFiles(s3: S3Client, files: readonly UnloadedFile[], directory: string, onFile?: (file: UnloadedFile, index: number) => void): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const paths: string[] = [];
  for (const [index, file] of files.entries()) {
    onFile?.(file, index);
    const name = basename(file.key);
    const path = join(directory, /\.(gz|json|jsonl)$/i.test(name) ? name : `${name}.gz`);
    await pipeline(await objectStream(s3, file), createWriteStream(path));
    paths.push(path);
  }
  return paths;
}
