import { describe, expect, it } from 'vitest';
import { partsOf } from '../../source/engine/upload-output.js';

async function* chunks(data: Buffer, sizes: readonly number[]) {
  let at = 0;
  for (let index = 0; at < data.length; index += 1) {
    const size = sizes[index % sizes.length]!;
    yield data.subarray(at, at + size);
    at += size;
  }
}

const bytes = (length: number) => Buffer.from(Array.from({ length }, (_, index) => (index * 7) % 251));

async function collect(parts: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const part of parts) all.push(Buffer.from(part));
  return all;
}

describe('partsOf', () => {
  it.each([
    ['chunks smaller than a part', 1000, [7, 13], 64],
    ['chunks larger than a part', 1000, [150], 64],
    ['an exact multiple', 256, [64], 64],
    ['one byte chunks', 130, [1], 64],
  ])(
    '%s: parts of exactly the part size, the bytes unchanged and in order',
    async (_, length, sizes, partSize) => {
      const data = bytes(length);
      const parts = await collect(partsOf(chunks(data, sizes), partSize));
      expect(parts.slice(0, -1).every((part) => part.length === partSize)).toBe(true);
      expect(parts.at(-1)!.length).toBeLessThanOrEqual(partSize);
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    },
  );

  it('one part for the whole stream, growing past the size expected', async () => {
    const data = bytes(500);
    const parts = await collect(partsOf(chunks(data, [33]), Infinity, 100));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.equals(data)).toBe(true);
  });

  it('nothing for an empty stream', async () => {
    expect(await collect(partsOf(chunks(Buffer.alloc(0), [1]), 64))).toEqual([]);
  });
});
