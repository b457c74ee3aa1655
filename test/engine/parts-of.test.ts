import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { copyFill } from '../../source/engine/copy-parts.js';
import { PartCutter, type CopyDecision } from '../../source/engine/upload-output.js';

async function* chunks(data: Buffer, sizes: readonly number[]) {
  let at = 0;
  for (let index = 0; at < data.length; index += 1) {
    const size = sizes[index % sizes.length]!;
    yield { data: data.subarray(at, at + size) };
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

describe('PartCutter with stretches S3 holds', () => {
  const MiB = 1024 * 1024;
  const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

  it('tops the part before a copied stretch up to 5 MiB, copies the rest of it, and reads every byte once', async () => {
    const before = bytes(1000);
    const held = Buffer.alloc(20 * MiB, 'held\n');
    async function* stream() {
      yield { data: before };
      for (let at = 0; at < held.length; at += 3 * MiB) {
        const end = Math.min(held.length, at + 3 * MiB);
        yield {
          data: held.subarray(at, end),
          held: { key: 'big', etag: '"e"', offset: at, end: held.length },
        };
      }
      yield { data: Buffer.from('\n') };
    }
    const decide: CopyDecision = (stretch, filled, { parts, before: bytesBefore }) =>
      copyFill({
        stretch,
        filled,
        parts,
        before: bytesBefore,
        expectedSize: 1001 + held.length,
        partSize: 8 * MiB,
      });
    const cutter = new PartCutter(stream(), decide);

    const first = Buffer.from((await cutter.fill(Buffer.alloc(8 * MiB)))!);
    expect(first.length).toBe(5 * MiB);
    expect(first.equals(Buffer.concat([before, held.subarray(0, 5 * MiB - 1000)]))).toBe(true);
    expect(cutter.nextCopy()).toEqual({ key: 'big', etag: '"e"', start: 5 * MiB - 1000, end: held.length });
    const digest = await cutter.readCopy(false);
    expect(digest.md5).toBe(md5(held.subarray(5 * MiB - 1000)));
    expect(cutter.nextCopy()).toBeUndefined();
    expect((await cutter.fill(Buffer.alloc(8 * MiB)))?.toString()).toBe('\n');
    expect(await cutter.fill(Buffer.alloc(8 * MiB))).toBeUndefined();
  });

  it('sends a stretch too short to copy with its neighbours, and copies nothing for a whole-stream part', async () => {
    const held = Buffer.alloc(6 * MiB, 'h');
    async function* stream() {
      yield { data: held, held: { key: 'small', etag: '"e"', offset: 0, end: held.length } };
    }
    const decide: CopyDecision = (stretch, filled, { parts, before }) =>
      copyFill({ stretch, filled, parts, before, expectedSize: held.length, partSize: 8 * MiB });
    const cutter = new PartCutter(stream(), decide);
    expect((await cutter.fill(Buffer.alloc(8 * MiB)))?.equals(held)).toBe(true);
    expect(cutter.nextCopy()).toBeUndefined();

    const whole = new PartCutter(
      (async function* () {
        yield { data: held, held: { key: 'small', etag: '"e"', offset: 0, end: held.length } };
      })(),
      () => 0,
    );
    expect((await whole.fill(Buffer.alloc(1024), true))?.equals(held)).toBe(true);
    expect(whole.nextCopy()).toBeUndefined();
  });
});
