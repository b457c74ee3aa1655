import { describe, expect, it } from 'vitest';
import { PartCutter } from '../../source/engine/upload-output.js';

async function* chunks(data: Buffer, sizes: readonly number[]) {
  let at = 0;
  for (let index = 0; at < data.length; index += 1) {
    const size = sizes[index % sizes.length]!;
    yield data.subarray(at, at + size);
    at += size;
  }
}

const bytes = (length: number) => Buffer.from(Array.from({ length }, (_, index) => (index * 7) % 251));

/** Cuts with one reused buffer, as the run's pool does: each part is copied out before the next fill. */
async function cut(cutter: PartCutter, size: number): Promise<Buffer[]> {
  const reused = Buffer.alloc(size);
  const parts: Buffer[] = [];
  for (let part = await cutter.fill(reused); part; part = await cutter.fill(reused))
    parts.push(Buffer.from(part));
  return parts;
}

describe('PartCutter', () => {
  it.each([
    ['chunks smaller than a part', 1000, [7, 13], 64],
    ['chunks larger than a part', 1000, [150], 64],
    ['an exact multiple', 256, [64], 64],
    ['one byte chunks', 130, [1], 64],
  ])(
    '%s: parts of exactly the part size, the bytes unchanged and in order',
    async (_, length, sizes, size) => {
      const data = bytes(length);
      const parts = await cut(new PartCutter(chunks(data, sizes)), size);
      expect(parts.slice(0, -1).every((part) => part.length === size)).toBe(true);
      expect(parts.at(-1)!.length).toBeLessThanOrEqual(size);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    },
  );

  it('one part for the whole stream, growing past the buffer it was given', async () => {
    const data = bytes(500);
    const cutter = new PartCutter(chunks(data, [33]));
    const whole = await cutter.fill(Buffer.alloc(100), true);
    expect(whole?.equals(data)).toBe(true);
    expect(await cutter.fill(Buffer.alloc(100), true)).toBeUndefined();
  });

  it('nothing for an empty stream', async () => {
    expect(await new PartCutter(chunks(Buffer.alloc(0), [1])).fill(Buffer.alloc(8))).toBeUndefined();
  });
});
