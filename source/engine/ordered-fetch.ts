/** A member's bytes: held whole when small, or a stream for one too large to hold. */
export type FetchedBody =
  | { readonly kind: 'buffer'; readonly data: Buffer }
  | { readonly kind: 'stream'; readonly chunks: AsyncIterable<Uint8Array> };

export interface OrderedFetchOptions {
  /** GETs in flight at once. */
  readonly concurrency: number;
  /** Bytes fetched ahead of the consumer; at least one object is always allowed. */
  readonly maxBytesInFlight: number;
  /** Objects larger than this are streamed when their turn comes instead of fetched ahead. */
  readonly streamAbove: number;
}

export interface OrderedFetchSource<T> {
  fetchWhole(item: T): Promise<Buffer>;
  fetchStream(item: T): Promise<AsyncIterable<Uint8Array>>;
}

/**
 * Fetches many objects concurrently and yields them in input order (key order), whatever order they
 * arrive in. Memory is bounded by bytes fetched ahead, not by object count.
 */
export async function* fetchInOrder<T extends { readonly size: number }>(
  items: readonly T[],
  source: OrderedFetchSource<T>,
  options: OrderedFetchOptions,
): AsyncGenerator<{ item: T; body: FetchedBody }> {
  const ahead = new Map<number, Promise<Buffer>>();
  let next = 0;
  let bytesAhead = 0;
  const isLarge = (item: T): boolean => item.size > options.streamAbove;
  const start = (index: number, item: T): void => {
    const fetching = source.fetchWhole(item);
    // Failures are raised when the consumer reaches the item; this only keeps them from being "unhandled".
    fetching.catch(() => undefined);
    ahead.set(index, fetching);
    bytesAhead += item.size;
  };
  const fill = (): void => {
    while (next < items.length && ahead.size < options.concurrency) {
      const item = items[next]!;
      if (isLarge(item)) return;
      if (ahead.size > 0 && bytesAhead + item.size > options.maxBytesInFlight) return;
      start(next, item);
      next += 1;
    }
  };
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index]!;
    if (index === next) {
      next += 1;
      if (isLarge(item)) {
        yield { item, body: { kind: 'stream', chunks: await source.fetchStream(item) } };
        fill();
        continue;
      }
      start(index, item);
    }
    fill();
    const data = await ahead.get(index)!;
    yield { item, body: { kind: 'buffer', data } };
    ahead.delete(index);
    bytesAhead -= item.size;
    fill();
  }
}
