/**
 * Items that hold many small JSON records (history pages, change pages): records cut into pages of at most
 * {@link HISTORY_PAGE_RAW_BYTES} of JSON, in event-id order, each named by a hash of its event ids, so the same
 * records always make the same page (a redelivered batch overwrites its own pages).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { HISTORY_PAGE_RAW_BYTES } from './table-schema.js';

/** One page: its entries, their event ids, its id, and the gzip of the JSON array of their `json`. */
export interface JsonPage<T> {
  entries: T[];
  eventIds: string[];
  pageId: string;
  gzip: Uint8Array;
}

/** The id of a page of these event ids (20 hex characters). */
export function pageIdOf(eventIds: readonly string[]): string {
  return createHash('sha256').update(eventIds.join('\n')).digest('hex').slice(0, 20);
}

/** Entries (each with its event id and its JSON text) cut into pages in event-id order. */
export function jsonPagesOf<T extends { eventId: string; json: string }>(entries: readonly T[], maxBytes = HISTORY_PAGE_RAW_BYTES): Array<JsonPage<T>> {
  return eventIdPagesOf(entries, maxBytes).map((chunk) => {
    const eventIds = chunk.map((entry) => entry.eventId);
    return { entries: chunk, eventIds, pageId: pageIdOf(eventIds), gzip: gzipSync(`[${chunk.map((entry) => entry.json).join(',')}]`) };
  });
}

/**
 * Entries cut into chunks in event-id order, each at most `maxBytes` of `json` (a single larger entry is a chunk of
 * its own): the same entries always make the same chunks.
 */
export function eventIdPagesOf<T extends { eventId: string; json: string }>(entries: readonly T[], maxBytes: number): T[][] {
  const sorted = [...entries].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const entry of sorted) {
    if (chunk.length > 0 && bytes + entry.json.length > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += entry.json.length + 1;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
