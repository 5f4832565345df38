/**
 * At most `limit` calls of `fn` in flight over `items`, in order of start; `until` is asked after
 * each call settles and stops further starts once it answers true (calls in flight still finish).
 * The first rejection rejects the whole, after the calls in flight have settled.
 */
export async function eachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  until: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failed && !until()) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.error;
}
