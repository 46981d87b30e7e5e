import type { Writable } from 'node:stream';

/** Bytes of text held before a write is forced. */
const FLUSH_CHARS = 64 * 1024;

/** Lines gathered into few writes; see {@link createLineBuffer}. */
export interface LineBuffer {
  /** Adds one line; waits only when the stream's own buffer is full (bounded memory). */
  add(line: string): Promise<void> | void;
  /** Writes what is held and waits for it to be accepted. */
  end(): Promise<void>;
}

/**
 * Writes lines to a stream in chunks of ~64 KiB instead of one write (a system call, when stdout is a file or a pipe)
 * per line. What is held is also written as soon as the event loop turns (`setImmediate`: when the producer waits for
 * input), so a slow input's lines appear as they are read, never held back behind a full chunk.
 */
export function createLineBuffer(stream: Writable): LineBuffer {
  let held = '';
  let scheduled = false;
  let draining: Promise<void> | null = null;
  const write = () => {
    scheduled = false;
    if (held === '') return;
    const text = held;
    held = '';
    if (!stream.write(text) && !draining) {
      draining = new Promise((resolve) => stream.once('drain', () => ((draining = null), resolve())));
    }
  };
  return {
    add(line) {
      held += `${line}\n`;
      if (held.length >= FLUSH_CHARS) write();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(write);
      }
      return draining ?? undefined;
    },
    async end() {
      write();
      if (draining) await draining;
    },
  };
}
