/**
 * Generated JSON indexes beside the module that uses them (and beside the Lambda bundle, which copies them there),
 * read on first use rather than at import: data that a cold start should not pay for before it needs it. A large
 * index is split into one file per key (a service prefix) in a directory, so that a denial reads only its own part.
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

/** The name of a split index's manifest in its directory (no key starts with `_`). */
export const SPLIT_INDEX_MANIFEST = '_manifest.json';

/** What every split index's manifest holds: the keys that have a part (`<key>.json`), besides its own header fields. */
export interface SplitIndexManifest {
  keys: string[];
}

/** A generated index split into `<key>.json` parts and a manifest (`_manifest.json`) in one directory. */
export interface SplitIndex<M extends SplitIndexManifest, P> {
  /** The manifest, parsed once on the first call. */
  manifest: GeneratedIndex<M>;
  /** True when the index has a part for `key` (read from the manifest: no file is opened for an unknown key). */
  has(key: string): boolean;
  /** The part of `key`, parsed once on its first call, or undefined when the index has none. */
  part(key: string): P | undefined;
}

/**
 * Opens the split index in `directory` (a URL ending in `/`; nothing is read until it is used). Only keys the manifest
 * lists are ever turned into file names, so untrusted text (an action's prefix) never reaches the file system.
 */
export function splitIndex<M extends SplitIndexManifest, P>(directory: URL): SplitIndex<M, P> {
  const manifest = generatedIndex<M>(new URL(SPLIT_INDEX_MANIFEST, directory));
  let keys: Set<string> | undefined;
  const parts = new Map<string, P>();
  const has = (key: string) => (keys ??= new Set(manifest.load().keys)).has(key);
  return {
    manifest,
    has,
    part(key) {
      if (!has(key)) return undefined;
      let part = parts.get(key);
      if (part === undefined) parts.set(key, (part = JSON.parse(readFileSync(new URL(`${key}.json`, directory), 'utf8')) as P));
      return part;
    },
  };
}
