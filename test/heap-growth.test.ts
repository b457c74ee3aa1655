import { describe, expect, it } from 'vitest';
import { HEAP_HEADROOM, heapGrowingPercent } from '../source/heap-growth.js';

const MiB = 1024 * 1024;

describe('heapGrowingPercent', () => {
  it('leaves a small heap 16 MiB of room, so it is not collected every few megabytes', () => {
    expect(HEAP_HEADROOM).toBe(16 * MiB);
    expect(heapGrowingPercent(20 * MiB)).toBe(80);
    expect(heapGrowingPercent(8 * MiB)).toBe(200);
  });

  it('grows a large heap by 30%, so peak memory follows what the run holds', () => {
    expect(heapGrowingPercent(60 * MiB)).toBe(30);
    expect(heapGrowingPercent(500 * MiB)).toBe(30);
  });

  it('never asks for more than V8 would grow by itself, even before any heap is measured', () => {
    expect(heapGrowingPercent(0)).toBe(300);
    expect(heapGrowingPercent(1 * MiB)).toBe(300);
  });
});
