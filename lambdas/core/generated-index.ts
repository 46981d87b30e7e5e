/**
 * A generated JSON index beside the module that uses it (and beside the Lambda bundle, which copies it there), read
 * on first use rather than at import: megabytes of JSON that a cold start should not pay for before it needs them.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** A lazily read JSON file. */
export interface GeneratedIndex<T> {
  /** The whole index, parsed once on the first call. */
  load(): T;
  /**
   * A string field written at the start of the file (`"version"`, `"source"`), read from its first 256 bytes without
   * parsing the rest; the whole index is parsed only when the field is not there.
   */
  headerField(name: string & keyof T): string;
}

/** Opens the generated index at `file` (nothing is read until it is used). */
export function generatedIndex<T>(file: URL): GeneratedIndex<T> {
  let loaded: T | undefined;
  const load = (): T => (loaded ??= JSON.parse(readFileSync(file, 'utf8')) as T);
  return {
    load,
    headerField(name) {
      const fd = openSync(file, 'r');
      try {
        const head = Buffer.alloc(256);
        const length = readSync(fd, head, 0, head.length, 0);
        return new RegExp(`"${name}":"([^"]*)"`).exec(head.toString('utf8', 0, length))?.[1] ?? String(load()[name]);
      } finally {
        closeSync(fd);
      }
    },
  };
}
