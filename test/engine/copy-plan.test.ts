import { describe, expect, it } from 'vitest';
import { copyFill, copyPieces, MAX_PART_BYTES, MIN_PART_BYTES } from '../../source/engine/copy-parts.js';
import type { CopyMoment } from '../../source/engine/copy-parts.js';

const MiB = 1024 * 1024;
const moment = (overrides: Partial<CopyMoment> & { length?: number }): CopyMoment => {
  const length = overrides.length ?? 64 * MiB;
  return {
    stretch: { key: 'in', etag: '"e"', offset: 0, end: length },
    filled: 0,
    parts: 0,
    before: 0,
    expectedSize: length,
    partSize: 8 * MiB,
    ...overrides,
  };
};

describe('copyFill', () => {
  it('copies a stretch at a part boundary whole', () => {
    expect(copyFill(moment({}))).toBe(0);
  });

  it('tops a part under 5 MiB up from the stretch before the copy; a part of 5 MiB or more goes as it is', () => {
    expect(copyFill(moment({ filled: 1000 }))).toBe(MIN_PART_BYTES - 1000);
    expect(copyFill(moment({ filled: 6 * MiB }))).toBe(0);
  });

  it('sends a stretch that would leave under a part to copy', () => {
    expect(copyFill(moment({ length: 8 * MiB - 1 }))).toBeUndefined();
    expect(copyFill(moment({ length: 12 * MiB, filled: 1 }))).toBeUndefined();
    expect(copyFill(moment({ length: 14 * MiB, filled: 1 }))).toBe(MIN_PART_BYTES - 1);
  });

  it('never copies a stretch without an ETag: nothing would tie the copy to the bytes read', () => {
    expect(copyFill(moment({ stretch: { key: 'in', etag: '', offset: 0, end: 64 * MiB } }))).toBeUndefined();
  });

  it('stops copying when the parts it adds and those the rest needs would pass 10,000', () => {
    const rest = 9990 * 8 * MiB;
    expect(copyFill(moment({ expectedSize: 64 * MiB + rest, parts: 0 }))).toBe(0);
    expect(copyFill(moment({ expectedSize: 64 * MiB + rest, parts: 9 }))).toBeUndefined();
  });
});

describe('copyPieces', () => {
  it('covers the stretch exactly, in pieces of at most 5 GiB and none of them small', () => {
    for (const length of [5 * MiB, MAX_PART_BYTES, MAX_PART_BYTES + 1, 3 * MAX_PART_BYTES + 7]) {
      const pieces = copyPieces(100, 100 + length);
      expect(pieces[0]!.start).toBe(100);
      expect(pieces.at(-1)!.end).toBe(100 + length);
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) expect(piece.start).toBe(pieces[index - 1]!.end);
        expect(piece.end - piece.start).toBeLessThanOrEqual(MAX_PART_BYTES);
        expect(piece.end - piece.start).toBeGreaterThanOrEqual(MIN_PART_BYTES);
      }
    }
    expect(copyPieces(0, MAX_PART_BYTES + 1)).toHaveLength(2);
  });
});
