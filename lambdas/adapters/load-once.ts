/**
 * A module (or anything slow to make) loaded on first use and shared after: the handler's cold start loads only what
 * its first event needs.
 */

/** `load`'s result, loaded by the first call and shared by later ones; a failed load is tried again by the next call. */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
