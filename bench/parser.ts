/**
 * The error-message parser on crafted messages of 100 KB and 1 MB: the patterns that made the earlier regex parser
 * quadratic (a 400 KB message took 15 s) repeated throughout. Two measurements:
 *
 * - the scan itself, unbounded (`maxScan` lifted): linear time gives a 1 MB / 100 KB ratio of about 10;
 * - the parser as shipped, which reads at most `MAX_MESSAGE_SCAN` characters: the ratio is about 1 (bounded input).
 */
import { MAX_MESSAGE_SCAN, parseDenyMessage } from '../lambdas/core/deny-message.js';
import { bestMs } from './support.js';

/**
 * A message that repeats a near miss of every phrase the parser looks for, so that each search runs to the end, with
 * a quoted resource that never closes.
 */
function craftedMessage(bytes: number): string {
  const head = 'User: arn:aws:iam::111122223333:user/u is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/';
  const unit = 'User because n with an explicit den Go to http authorization i Encoded authorization failure messag is not authorized to perfor ';
  return head + unit.repeat(Math.ceil((bytes - head.length) / unit.length)).slice(0, bytes - head.length);
}

/** Distinct flat copies of a message, so that each parse reads memory rather than the cache of the previous one. */
function copies(message: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const copy = `${index}${message.slice(String(index).length)}`;
    copy.charCodeAt(copy.length - 1); // flatten now, not while timed
    return copy;
  });
}

/** Prints the times and ratios of one run. */
export async function benchParser(): Promise<void> {
  // 16 MB of messages per size: every parse reads from memory, as a message arriving from I/O would.
  const small = copies(craftedMessage(100_000), 160);
  const large = copies(craftedMessage(1_000_000), 16);
  let sink = 0;
  const time = (messages: string[], maxScan: number) =>
    bestMs(5, () => {
      for (const message of messages) sink += parseDenyMessage(message, maxScan).action ? 1 : 0;
    }) / messages.length;
  time(small, Infinity); // warm-up
  const scanSmall = time(small, Infinity);
  const scanLarge = time(large, Infinity);
  // As shipped only the first 16 KB of each message is read: the same count of messages of each size, so that both
  // read the same amount of memory.
  time(small.slice(0, 16), MAX_MESSAGE_SCAN); // warm-up
  const boundedSmall = time(small.slice(0, 16), MAX_MESSAGE_SCAN);
  const boundedLarge = time(large, MAX_MESSAGE_SCAN);
  console.log(`parser    crafted messages, unbounded scan: 100 KB ${scanSmall.toFixed(3)} ms, 1 MB ${scanLarge.toFixed(3)} ms`);
  console.log(`          ratio 1 MB / 100 KB: ${(scanLarge / scanSmall).toFixed(1)} (linear ~10, quadratic ~100)   [${sink > 0 ? 'ok' : ''}]`);
  console.log(`          as shipped (reads ${MAX_MESSAGE_SCAN} chars at most): 100 KB ${boundedSmall.toFixed(3)} ms, 1 MB ${boundedLarge.toFixed(3)} ms, ratio ${(boundedLarge / boundedSmall).toFixed(1)} (bounded ~1)`);
}
