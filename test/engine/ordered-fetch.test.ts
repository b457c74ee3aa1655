import { describe, expect, it } from 'vitest';
import { fetchInOrder } from '../../source/engine/ordered-fetch.js';

interface Item {
  readonly id: number;
  readonly size: number;
}

/** A fake store whose objects arrive in a scrambled order; it records the bytes held at once. */
function scrambledSource() {
  let held = 0;
  let peak = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const pending: Array<() => void> = [];
  const source = {
    async fetchWhole(item: Item): Promise<Buffer> {
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      held += item.size;
      peak = Math.max(peak, held);
      // Later items resolve first: the reverse of key order.
      await new Promise<void>((resolve) => pending.unshift(resolve));
      inFlight -= 1;
      return Buffer.alloc(item.size, item.id % 256);
    },
    async fetchStream(item: Item): Promise<AsyncIterable<Uint8Array>> {
      return (async function* () {
        for (let sent = 0; sent < item.size; sent += 4)
          yield Buffer.alloc(Math.min(4, item.size - sent), item.id % 256);
      })();
    },
  };
  const release = setInterval(() => pending.splice(0).forEach((resolve) => resolve()), 1);
  return {
    source,
    consumed: (size: number) => (held -= size),
    stats: () => ({ peak, peakInFlight }),
    stop: () => clearInterval(release),
  };
}

describe('fetchInOrder', () => {
  it('yields in input order whatever order objects arrive in, within the byte and count bounds', async () => {
    const items = Array.from({ length: 40 }, (_, id) => ({ id, size: 10 + (id % 7) }));
    const fake = scrambledSource();
    const seen: number[] = [];
    for await (const { item, body } of fetchInOrder(items, fake.source, {
      concurrency: 6,
      maxBytesInFlight: 50,
      streamAbove: 100,
    })) {
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
  });

  it('streams an object too large to hold, in its place', async () => {
    const items = [
      { id: 1, size: 10 },
      { id: 2, size: 1000 },
      { id: 3, size: 10 },
    ];
    const fake = scrambledSource();
    const kinds: string[] = [];
    for await (const { item, body } of fetchInOrder(items, fake.source, {
      concurrency: 4,
      maxBytesInFlight: 100,
      streamAbove: 100,
    })) {
      kinds.push(`${item.id}:${body.kind}`);
      fake.consumed(item.size);
      if (body.kind === 'stream')
        for await (const chunk of body.chunks) expect(chunk.length).toBeLessThanOrEqual(4);
    }
    fake.stop();
    expect(kinds).toEqual(['1:buffer', '2:stream', '3:buffer']);
    expect(fake.stats().peak).toBeLessThan(1000);
  });
});
