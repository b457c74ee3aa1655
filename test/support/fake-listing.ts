import type { ListChildren } from '../../source/layouts/types.js';

/** A ListChildren over a fixed set of keys, with S3's delimiter semantics; records each call. */
export function listerOver(keys: readonly string[], calls: string[] = []): ListChildren {
  return async (prefix, delimiter = '/') => {
    calls.push(`${delimiter} ${prefix}`);
    const children = new Set<string>();
    for (const key of keys) {
      const at = key.startsWith(prefix) ? key.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) children.add(key.slice(0, at + delimiter.length));
    }
    return [...children].sort();
  };
}

/** The same lister, with what it was asked. */
export function fakeBucket(keys: readonly string[]): { list: ListChildren; asked: string[] } {
  const asked: string[] = [];
  return { list: listerOver(keys, asked), asked };
}

/**
 * Runs `walk` over the keys with every listing held until the walk can ask for nothing more, then
 * answered all at once: the number of such rounds is the round trips the walk waits for one after
 * another, whatever the latency. Listings asked for side by side share a round.
 */
export async function roundTrips<T>(
  keys: readonly string[],
  walk: (list: ListChildren) => Promise<T>,
): Promise<{ result: T; rounds: number }> {
  const answer = listerOver(keys);
  let held: Array<() => void> = [];
  const list: ListChildren = (prefix, delimiter) =>
    new Promise((resolve, reject) => held.push(() => void answer(prefix, delimiter).then(resolve, reject)));
  let settled = false;
  const walking = walk(list).finally(() => (settled = true));
  let rounds = 0;
  while (!settled) {
    // A macrotask: every promise chain the last answers started has run, so the round is complete.
    await new Promise((resolve) => setImmediate(resolve));
    if (held.length === 0) continue;
    const round = held;
    held = [];
    rounds += 1;
    for (const release of round) release();
  }
  return { result: await walking, rounds };
}
