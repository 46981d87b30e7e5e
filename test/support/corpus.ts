import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CloudTrailRecord } from '../../lambdas/core/types.js';

/** The shared corpus beside the repository (`../shared/corpus`). */
export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

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
