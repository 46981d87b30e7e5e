/**
 * A progress bar on a terminal (stderr), redrawn at most every 200 ms; silent when not a terminal.
 */
import type { Writable } from 'node:stream';

export interface Progress {
  addBytes(bytes: number): void;
  update(counts: { records: number; denials: number; alerts: number }): void;
  /** Erases the bar so that other output starts on a clean line. */
  clear(): void;
}

/** Creates the bar; `totalBytes` 0 means unknown (standard input): counts only. */
export function createProgress(stream: Writable, enabled: boolean, totalBytes: number, now: () => number = Date.now): Progress {
  let bytes = 0;
  let lastDraw = 0;
  let drawn = false;
  const started = now();
  return {
    addBytes(count) {
      bytes += count;
    },
    update({ records, denials, alerts }) {
      if (!enabled) return;
      const time = now();
      if (time - lastDraw < 200) return;
      lastDraw = time;
      const rate = Math.round(records / Math.max(0.001, (time - started) / 1000));
      const fraction = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
      const width = 24;
      const bar = totalBytes > 0 ? `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% ` : '';
      stream.write(`\r${bar}${records} records, ${denials} denials, ${alerts} alerts, ${rate}/s\u001b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}
