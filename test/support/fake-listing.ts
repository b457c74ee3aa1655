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
