import { describe, expect, it } from 'vitest';
import { OrderedFetch, type FetchedBody } from '../../source/engine/ordered-fetch.js';
import { ByteBudget, PieceBuffers } from '../../source/engine/run-budget.js';

interface Item {
  readonly id: number;
  readonly size: number;
}

interface Fetched {
  readonly item: Item;
  readonly body: FetchedBody;
}

/** A pool of three 100-byte piece buffers that records every buffer it lends. */
function recordedPieces(): { pieces: PieceBuffers; lent: Set<ArrayBufferLike> } {
  const pieces = new PieceBuffers(100, 3);
  const lent = new Set<ArrayBufferLike>();
  const take = pieces.take.bind(pieces);
  pieces.take = () => {
    const buffer = take();
    lent.add(buffer.buffer);
    return buffer;
  };
  return { pieces, lent };
}

/** A fake store whose objects arrive in a scrambled order; it records the bytes held at once. */
function scrambledSource() {
  let held = 0;
  let peak = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const ranges: string[] = [];
  const pending: Array<() => void> = [];
  const arrive = async (bytes: number, fill: number): Promise<Buffer> => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    held += bytes;
    peak = Math.max(peak, held);
    // Later requests resolve first: the reverse of key order.
    await new Promise<void>((resolve) => pending.unshift(resolve));
    inFlight -= 1;
    return Buffer.alloc(bytes, fill);
  };
  const source = {
    fetchWhole: (item: Item) => arrive(item.size, item.id % 256),
    fetchRange: (item: Item, start: number, end: number) => {
      ranges.push(`${item.id}:${start}-${end}`);
      return arrive(end - start, (item.id + start) % 256);
    },
  };
  const release = setInterval(() => pending.splice(0).forEach((resolve) => resolve()), 1);
  return {
    source,
    ranges,
    consumed: (size: number) => (held -= size),
    stats: () => ({ peak, peakInFlight }),
    stop: () => clearInterval(release),
  };
}

describe('OrderedFetch', () => {
  it('yields in input order whatever order objects arrive in, within the byte and count bounds', async () => {
    const items = Array.from({ length: 40 }, (_, id) => ({ id, size: 10 + (id % 7) }));
    const fake = scrambledSource();
    const budget = new ByteBudget(50);
    const seen: number[] = [];
    const fetch = new OrderedFetch(items, fake.source, { concurrency: 6, pieceSize: 100, budget });
    for await (const { item, body } of fetch.members()) {
      expect(body.kind).toBe('buffer');
      if (body.kind === 'buffer') expect(body.data.length).toBe(item.size);
      seen.push(item.id);
      fake.consumed(item.size);
    }
    fake.stop();
    expect(seen).toEqual(items.map((item) => item.id));
    expect(fake.stats().peakInFlight).toBeLessThanOrEqual(6);
    // The bound holds for bytes fetched ahead; the object being written is one more at most.
    expect(fake.stats().peak).toBeLessThanOrEqual(50 + 16);
    expect(budget.take(50)).toBe(true);
  });

  it('fetches an object too large to hold as ranges, several at once, yielded in order', async () => {
    const items = [
      { id: 1, size: 10 },
      { id: 2, size: 1000 },
      { id: 3, size: 10 },
    ];
    const fake = scrambledSource();
    const kinds: string[] = [];
    const fetch = new OrderedFetch(items, fake.source, {
      concurrency: 4,
      pieceSize: 100,
      budget: new ByteBudget(300),
    });
    for await (const { item, body } of fetch.members()) {
      kinds.push(`${item.id}:${body.kind}`);
      if (body.kind === 'stream') {
        let at = 0;
        for await (const chunk of body.chunks) {
          expect(chunk.length).toBe(100);
          expect(chunk[0]).toBe((item.id + at) % 256);
          at += chunk.length;
          fake.consumed(chunk.length);
        }
        expect(at).toBe(1000);
      } else fake.consumed(item.size);
    }
    fake.stop();
    expect(kinds).toEqual(['1:buffer', '2:stream', '3:buffer']);
    expect(fake.ranges).toEqual(
      Array.from({ length: 10 }, (_, index) => `2:${index * 100}-${index * 100 + 100}`),
    );
    expect(fake.stats().peakInFlight).toBeGreaterThan(1);
    expect(fake.stats().peak).toBeLessThanOrEqual(300 + 100);
  });

  it('shares one budget between fetches, and gives back what an abandoned one held', async () => {
    const budget = new ByteBudget(100);
    const fake = scrambledSource();
    const items = Array.from({ length: 20 }, (_, id) => ({ id, size: 20 }));
    const abandoned = new OrderedFetch(items, fake.source, { concurrency: 8, pieceSize: 100, budget });
    // The first fetch took the whole budget: the second still starts the object its consumer needs.
    const other = new OrderedFetch(items, fake.source, { concurrency: 8, pieceSize: 100, budget });
    const first = await other.members().next();
    expect(first.value?.item.id).toBe(0);
    abandoned.close();
    other.close();
    fake.stop();
    expect(budget.take(100)).toBe(true);
  });

  it('reads ranges into recycled buffers shared by fetches, each lent again only once its consumer is done', async () => {
    const { pieces, lent: allocated } = recordedPieces();
    const source = {
      fetchWhole: async (item: Item) => Buffer.alloc(item.size, item.id),
      // Writes into its buffer as soon as it is lent (a GET's first bytes), and answers later.
      fetchRange: async (item: Item, start: number, end: number, into?: Buffer) => {
        const data = into ? into.subarray(0, end - start) : Buffer.allocUnsafe(end - start);
        data.fill((item.id + start / 100) % 256);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return data;
      },
    };
    const options = { concurrency: 4, pieceSize: 100, budget: new ByteBudget(300), pieceBuffers: pieces };
    // Two periods' fetches, one pool: each chunk is held while the other fetch moves on.
    const ranges = (id: number) => {
      const members = new OrderedFetch([{ id, size: 2000 }], source, options).members();
      return (async function* () {
        for await (const { body } of members) if (body.kind === 'stream') yield* body.chunks;
      })();
    };
    const a = ranges(7);
    const b = ranges(100);
    for (let index = 0; index < 20; index += 1) {
      const held = (await a.next()).value as Buffer;
      const other = (await b.next()).value as Buffer;
      // B's next range was read while A's was held: it must not have gone into A's buffer.
      expect(held.every((byte) => byte === (7 + index) % 256)).toBe(true);
      expect(other.every((byte) => byte === (100 + index) % 256)).toBe(true);
    }
    expect((await a.next()).done).toBe(true);
    expect((await b.next()).done).toBe(true);
    // 40 ranges of 100 bytes went through a handful of buffers, not 40.
    expect(allocated.size).toBeLessThanOrEqual(10);
  });

  it('reads whole objects of over half a piece into recycled buffers, and smaller ones into their own', async () => {
    const { pieces, lent } = recordedPieces();
    let ownBuffers = 0;
    const source = {
      // Writes into its buffer at once (a GET's first bytes), and answers later.
      fetchWhole: async (item: Item, into?: Buffer) => {
        const data = into ? into.subarray(0, item.size) : Buffer.allocUnsafe(item.size);
        if (!into) ownBuffers += 1;
        data.fill(item.id % 256);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return data;
      },
      fetchRange: async () => Buffer.alloc(0),
    };
    const options = { concurrency: 4, pieceSize: 100, budget: new ByteBudget(300), pieceBuffers: pieces };
    // Two periods' fetches, one pool: each member is held while the other fetch moves on.
    const itemsOf = (base: number) =>
      Array.from({ length: 15 }, (_, index) => ({ id: base + index, size: index % 3 === 0 ? 40 : 90 }));
    const a = new OrderedFetch(itemsOf(0), source, options).members();
    const b = new OrderedFetch(itemsOf(100), source, options).members();
    const seen: number[] = [];
    for (let index = 0; index < 15; index += 1) {
      const held = (await a.next()).value as Fetched;
      const other = (await b.next()).value as Fetched;
      seen.push(held.item.id, other.item.id);
      // B's next member was read while A's was held: it must not have gone into A's buffer.
      for (const { item, body } of [held, other]) {
        if (body.kind !== 'buffer') throw new Error('a whole object came as ranges');
        expect(body.data.every((byte) => byte === item.id)).toBe(true);
      }
    }
    expect((await a.next()).done).toBe(true);
    expect((await b.next()).done).toBe(true);
    expect(seen).toEqual(itemsOf(0).flatMap(({ id }) => [id, id + 100]));
    // 20 objects of 90 bytes went through a handful of buffers; the 10 of 40 bytes had their own.
    expect(lent.size).toBeLessThanOrEqual(10);
    expect(ownBuffers).toBe(10);
  });
});
