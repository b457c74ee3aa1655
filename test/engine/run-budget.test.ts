import { describe, expect, it } from 'vitest';
import { BufferPool, ByteBudget, Slots } from '../../source/engine/run-budget.js';

describe('run budget', () => {
  it('Slots: at most `size` at once, handed on first come, first served', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const a = await slots.take();
    const b = await slots.take();
    const c = slots.take().then((give) => (order.push('c'), give));
    const d = slots.take().then((give) => (order.push('d'), give));
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    a(); // giving twice frees one slot, not two
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
  });

  it('BufferPool: reuses a given-back buffer for parts of its size or less; larger ones get their own', async () => {
    // Sizes past Node's shared 8 KiB slab: each buffer has an ArrayBuffer of its own.
    const KiB = 1024;
    const pool = new BufferPool(1, 16 * KiB);
    const first = await pool.take(16 * KiB);
    first.give();
    const again = await pool.take(16 * KiB);
    expect(again.buffer.buffer).toBe(first.buffer.buffer);
    again.give();
    const smaller = await pool.take(10 * KiB);
    expect(smaller.buffer.length).toBe(10 * KiB);
    expect(smaller.buffer.buffer).toBe(first.buffer.buffer);
    smaller.give();
    const odd = await pool.take(32 * KiB);
    expect(odd.buffer.length).toBe(32 * KiB);
    expect(odd.buffer.buffer).not.toBe(first.buffer.buffer);
    odd.give();
    expect((await pool.take(16 * KiB)).buffer.buffer).toBe(first.buffer.buffer);
  });

  it('ByteBudget: refuses past its limit unless told the bytes are needed now', () => {
    const budget = new ByteBudget(10);
    expect(budget.take(8)).toBe(true);
    expect(budget.take(4)).toBe(false);
    expect(budget.take(4, true)).toBe(true);
    budget.give(12);
    expect(budget.take(10)).toBe(true);
  });
});
