import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { colour } from './theme.js';

interface SelectListProps<T> {
  readonly items: readonly T[];
  readonly cursor: number;
  /** Rows on screen; the list scrolls to keep the cursor in view. */
  readonly limit: number;
  readonly render: (item: T, selected: boolean) => ReactNode;
  readonly itemKey: (item: T) => string;
}

/** The first visible index that keeps `cursor` in a window of `limit`. */
export function windowStart(count: number, cursor: number, limit: number): number {
  if (count <= limit) return 0;
  return Math.max(0, Math.min(cursor - Math.floor(limit / 2), count - limit));
}

/** A list with a `›` cursor; selection lives in the screen's reducer, this only draws it. */
export function SelectList<T>({ items, cursor, limit, render, itemKey }: SelectListProps<T>) {
  const start = windowStart(items.length, cursor, limit);
  const visible = items.slice(start, start + limit);
  return (
    <Box flexDirection="column">
      {start > 0 ? <Text dimColor> ↑ {start} more</Text> : null}
      {visible.map((item, index) => {
        const selected = start + index === cursor;
        return (
          <Box key={itemKey(item)}>
            <Text color={selected ? colour('accent') : undefined}>{selected ? '› ' : '  '}</Text>
            {render(item, selected)}
          </Box>
        );
      })}
      {start + limit < items.length ? <Text dimColor> ↓ {items.length - start - limit} more</Text> : null}
    </Box>
  );
}
