/** Moves a list's cursor `by` rows (negative is up) within a list of `count` rows. */
export interface CursorMove {
  readonly type: 'move';
  readonly by: number;
  readonly count: number;
}

/**
 * The cursor of every list screen (and the preview's scroll): it stops at the first and last row
 * rather than wrapping. `count` travels with the move because a filtered list changes under it.
 */
export function cursorReducer(cursor: number, { by, count }: CursorMove): number {
  return Math.max(0, Math.min(count - 1, cursor + by));
}
