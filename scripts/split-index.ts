/**
 * Writes a split generated index (see `lambdas/core/generated-index.ts`): a directory of files, replaced as a whole so
 * that no part of an older build is left behind.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Replaces `directory` with `files` (name → text); returns the bytes written. */
export function writeSplitIndex(directory: string, files: ReadonlyMap<string, string>): number {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  let bytes = 0;
  for (const [name, text] of files) {
    writeFileSync(join(directory, name), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** The files of a split index directory as they are on disk (name → text). */
export function readSplitIndex(directory: string): Map<string, string> {
  return new Map(readdirSync(directory).sort().map((name) => [name, readFileSync(join(directory, name), 'utf8')]));
}
