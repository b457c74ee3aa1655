import { UserError } from '../errors.js';
import { cloudTrail } from './cloudtrail.js';
import { s3AccessPartitioned } from './s3-access-partitioned.js';
import { s3AccessSimple } from './s3-access-simple.js';
import type { Layout, LayoutId, ParsedKey } from './types.js';

export type { KeyField, Layout, LayoutId, ListChildren, ParsedKey, Series } from './types.js';

/** Partitioned before simple: a partitioned key's file name alone would also look simple. */
export const LAYOUTS: readonly Layout[] = [s3AccessPartitioned, s3AccessSimple, cloudTrail];

/** What `--layout` accepts: a layout id, or a family name covering its variants. */
export const LAYOUT_CHOICES: Readonly<Record<string, readonly LayoutId[]>> = {
  auto: ['s3-access-partitioned', 's3-access-simple', 'cloudtrail'],
  's3-access': ['s3-access-partitioned', 's3-access-simple'],
  's3-access-simple': ['s3-access-simple'],
  's3-access-partitioned': ['s3-access-partitioned'],
  cloudtrail: ['cloudtrail'],
};

export function layoutById(id: LayoutId): Layout {
  const layout = LAYOUTS.find((candidate) => candidate.id === id);
  if (!layout) throw new Error(`unknown layout ${id}`);
  return layout;
}

export function layoutsForChoice(choice: string): Layout[] {
  const ids = LAYOUT_CHOICES[choice];
  if (!ids) {
    throw new UserError(
      `--layout ${JSON.stringify(choice)} is not a layout this tool knows.`,
      `Use one of: ${Object.keys(LAYOUT_CHOICES).join(', ')}.`,
    );
  }
  return ids.map(layoutById);
}

/** The first layout whose original-log pattern fully matches the key. */
export function parseLogKey(
  key: string,
  layouts: readonly Layout[] = LAYOUTS,
): { layout: Layout; parsed: ParsedKey } | undefined {
  for (const layout of layouts) {
    const parsed = layout.parse(key);
    if (parsed) return { layout, parsed };
  }
  return undefined;
}
