import pMap from 'p-map';
import { childNames } from './key-pattern.js';
import type { ListChildren } from './types.js';

/** Listings in flight at once while discovering series: each is one request. */
export const WALK_CONCURRENCY = 8;

/** A child folder's name, with the parent it was found under. */
export interface ChildFolder<T> {
  readonly parent: T;
  readonly name: string;
}

/**
 * The children named like `pattern` of every parent, in the parents' order, with the parents listed
 * side by side: each level of a walk costs one round trip, not one per parent (an organization trail
 * of 50 accounts took 50 listings one after another to find its regions).
 */
export async function childrenOfEach<T>(
  parents: readonly T[],
  folderOf: (parent: T) => string,
  pattern: RegExp,
  listChildren: ListChildren,
): Promise<Array<ChildFolder<T>>> {
  const lists = await pMap(
    parents,
    async (parent) => {
      const folder = folderOf(parent);
      return childNames(await listChildren(folder), folder, pattern).map((name) => ({ parent, name }));
    },
    { concurrency: WALK_CONCURRENCY },
  );
  return lists.flat();
}
