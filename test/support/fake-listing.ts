import type { BucketSampler } from '../../source/engine/detect-bucket.js';
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

/** Wraps an async function so that its calls wait until the round they were made in is answered. */
export type Hold = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => (...args: A) => Promise<R>;

/**
 * Runs `walk` with every held call kept waiting until the walk can ask for nothing more, then answered
 * all at once: the number of such rounds is the round trips the walk waits for one after another,
 * whatever the latency. Calls made side by side share a round.
 */
export async function countRounds<T>(
  walk: (hold: Hold) => Promise<T>,
): Promise<{ result: T; rounds: number }> {
  let held: Array<() => void> = [];
  const hold: Hold =
    (call) =>
    (...args) =>
      new Promise((resolve, reject) => held.push(() => void call(...args).then(resolve, reject)));
  let settled = false;
  const walking = walk(hold).finally(() => (settled = true));
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

/** The rounds a walk over these keys waits for, each listing a round trip. */
export const roundTrips = <T>(
  keys: readonly string[],
  walk: (list: ListChildren) => Promise<T>,
): Promise<{ result: T; rounds: number }> => countRounds((hold) => walk(hold(listerOver(keys))));

/** A BucketSampler over a fixed set of keys: first pages with S3's delimiter and max-keys semantics. */
export function samplerOver(keys: readonly string[], asked: string[] = []): BucketSampler {
  const sorted = [...keys].sort();
  return {
    async page(prefix, delimiter, maxKeys = 1000) {
      asked.push(`${delimiter ?? ''} ${prefix}`);
      const entries: Array<{ key?: string; folder?: string }> = [];
      for (const key of sorted) {
        if (!key.startsWith(prefix)) continue;
        const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
        if (at < 0) entries.push({ key });
        else {
          const folder = key.slice(0, at + delimiter!.length);
          if (entries.at(-1)?.folder !== folder) entries.push({ folder });
        }
        if (entries.length > maxKeys) break;
      }
      const first = entries.slice(0, maxKeys);
      return {
        keys: first.flatMap((entry) => (entry.key ? [entry.key] : [])),
        folders: first.flatMap((entry) => (entry.folder ? [entry.folder] : [])),
      };
    },
    children: listerOver(keys, asked),
  };
}
