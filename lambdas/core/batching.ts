/** Splitting work into requests and running them a few at a time (DynamoDB's 25-item batches, keys decided side by side). */

/** `items` cut into consecutive chunks of at most `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/**
 * Runs `work` on every item, at most `limit` at once, in order of start. Rejects with the first error (the other
 * workers finish the item they are on); a `work` that must not stop the rest catches its own errors.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
