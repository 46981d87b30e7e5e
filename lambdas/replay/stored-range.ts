/**
 * The event-time range a replay stored in the embedded emulator, kept beside its data (`stored-range.json` in the
 * data directory), so that `history` can default to the window that holds the data (a 2024 sample is not in "the last
 * 24 hours") and name it when nothing matches, without scanning the table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Oldest and newest event time (ISO 8601) of the records replayed into a data directory. */
export interface StoredRange {
  oldest: string;
  newest: string;
}

const FILE = 'stored-range.json';

/** The range kept in `dataDir`, or null when none was kept (or it cannot be read). */
export function readStoredRange(dataDir: string): StoredRange | null {
  try {
    const value = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Partial<StoredRange>;
    return typeof value.oldest === 'string' && typeof value.newest === 'string' && !Number.isNaN(Date.parse(value.oldest)) && !Number.isNaN(Date.parse(value.newest))
      ? { oldest: value.oldest, newest: value.newest }
      : null;
  } catch {
    return null;
  }
}

/** Widens the range kept in `dataDir` to include `range`. */
export function widenStoredRange(dataDir: string, range: StoredRange): void {
  const kept = readStoredRange(dataDir);
  const oldest = kept && Date.parse(kept.oldest) < Date.parse(range.oldest) ? kept.oldest : range.oldest;
  const newest = kept && Date.parse(kept.newest) > Date.parse(range.newest) ? kept.newest : range.newest;
  writeFileSync(join(dataDir, FILE), `${JSON.stringify({ oldest, newest })}\n`);
}

/** Tracks the oldest and newest of the event times (ms) it sees. */
export function eventTimeRange(): { see(ms: number): void; range(): StoredRange | null } {
  let oldest = Infinity;
  let newest = -Infinity;
  return {
    see(ms) {
      if (Number.isNaN(ms)) return;
      if (ms < oldest) oldest = ms;
      if (ms > newest) newest = ms;
    },
    range() {
      return Number.isFinite(oldest) ? { oldest: new Date(oldest).toISOString(), newest: new Date(newest).toISOString() } : null;
    },
  };
}
