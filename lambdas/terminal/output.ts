import type { Writable } from 'node:stream';

/** Writes one line, waiting for the stream to drain when its buffer is full (so large outputs use bounded memory). */
export function writeLine(stream: Writable, line: string): Promise<void> | void {
  if (stream.write(`${line}\n`)) return;
  return new Promise((resolve) => stream.once('drain', resolve));
}
