/**
 * A small cache with a time to live, shared across Lambda invocations: IAM's read APIs are rate-limited, and one
 * storm can alert on many fingerprints of the same principal.
 */
export interface TtlCache {
  /** The cached value of `key`, or the result of `load` (cached, including failures recorded as values). */
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** Creates a cache; `now` is injectable for tests. */
export function createTtlCache(now: () => number, ttlMs: number, maxEntries = 1000): TtlCache {
  const entries = new Map<string, { expires: number; value: Promise<unknown> }>();
  return {
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value as Promise<T>;
      const value = load();
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { expires: now() + ttlMs, value });
      value.catch(() => entries.delete(key));
      return value;
    },
  };
}
