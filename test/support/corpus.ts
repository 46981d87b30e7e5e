import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The shared corpus beside the repository (`../shared/corpus`), or, in a clone made elsewhere (CI clones the repository
 * into a temporary directory), beside the repository it was cloned from, when that is a local path. When neither
 * exists, the path beside this repository: the tests that read it fail naming it.
 */
function corpusDirectory(): string {
  const beside = join(REPOSITORY, '..', 'shared', 'corpus', '/');
  if (existsSync(beside)) return beside;
  const origin = spawnSync('git', ['config', '--get', 'remote.origin.url'], { cwd: REPOSITORY, encoding: 'utf8' }).stdout?.trim() ?? '';
  const local = origin.startsWith('file://') ? fileURLToPath(origin) : origin;
  if (local !== '' && !/^[\w.+-]+:\/\/|^[^/]+@[^/]+:/.test(local)) {
    const fromOrigin = join(resolve(REPOSITORY, local), '..', 'shared', 'corpus', '/');
    if (existsSync(fromOrigin)) return fromOrigin;
  }
  return beside;
}

/** The shared corpus (see {@link corpusDirectory}), ending in a slash. */
export const CORPUS_DIR = corpusDirectory();

/** Reads a JSON-lines file of the corpus. */
export function readJsonl<T = CloudTrailRecord>(relativePath: string): T[] {
  return readFileSync(`${CORPUS_DIR}${relativePath}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The corpus folders that hold a given file. */
export function corpusFoldersWith(fileName: string): string[] {
  return readdirSync(CORPUS_DIR).filter((folder) => existsSync(`${CORPUS_DIR}${folder}/${fileName}`));
}

export const STRATUS_ALL_EVENTS = `${CORPUS_DIR}stratus-red-team-detonation-logs/all_events.jsonl`;
