import { describe, expect, it } from 'vitest';
import { parseShard, unitsOfShard } from '../../source/job/shards.js';

const unit = (id: string, bytes: number) => ({ id, bytes });
// Sizes as a real backlog has them: a few large days among many small ones.
const UNITS = Array.from({ length: 40 }, (_, index) =>
  unit(`logs/|2024-05-${String(index).padStart(2, '0')}`, index % 7 === 0 ? 9_000 : 100 + index * 13),
);

describe('unitsOfShard', () => {
  it.each([1, 2, 3, 7, 40, 64])('%i shards: disjoint, together every unit, in the file order', (count) => {
    const shards = Array.from({ length: count }, (_, index) => unitsOfShard(UNITS, { index, count }));
    const all = shards.flat();
    expect(new Set(all.map((one) => one.id)).size).toBe(all.length);
    expect(all.map((one) => one.id).sort()).toEqual(UNITS.map((one) => one.id).sort());
    for (const shard of shards) expect(shard).toEqual(UNITS.filter((one) => shard.includes(one)));
  });

  it('balances bytes to within the largest unit', () => {
    const count = 4;
    const loads = Array.from({ length: count }, (_, index) =>
      unitsOfShard(UNITS, { index, count }).reduce((total, one) => total + one.bytes, 0),
    );
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(
      Math.max(...UNITS.map((one) => one.bytes)),
    );
  });

  it('is the same on every machine, whatever order the units come in', () => {
    const reversed = [...UNITS].reverse();
    for (let index = 0; index < 3; index += 1) {
      const ids = (units: typeof UNITS) =>
        unitsOfShard(units, { index, count: 3 })
          .map((one) => one.id)
          .sort();
      expect(ids(reversed)).toEqual(ids(UNITS));
    }
  });

  it('spreads units of no bytes too', () => {
    const empty = Array.from({ length: 6 }, (_, index) => unit(`u${index}`, 0));
    expect([0, 1, 2].map((index) => unitsOfShard(empty, { index, count: 3 }).length)).toEqual([2, 2, 2]);
  });
});

describe('parseShard', () => {
  it('reads I/N, 0-based', () => {
    expect(parseShard('0/4', {})).toEqual({ index: 0, count: 4 });
    expect(parseShard('3/4', {})).toEqual({ index: 3, count: 4 });
  });

  it('auto alone takes N from AWS Batch, which passes the array size', () => {
    expect(parseShard('auto', { AWS_BATCH_JOB_ARRAY_INDEX: '3', AWS_BATCH_JOB_ARRAY_SIZE: '8' })).toEqual({
      index: 3,
      count: 8,
    });
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '3' })).toThrow(
      /reads the number of shards from AWS_BATCH_JOB_ARRAY_SIZE, and it is not set/,
    );
  });

  it("auto/N that disagrees with AWS Batch's array size is refused: some units would go to no child", () => {
    expect(() =>
      parseShard('auto/4', { AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '8' }),
    ).toThrow(/says 4 shards, but this AWS Batch array job has 8 children/);
  });

  it('auto/N reads the AWS Batch array index, else the Kubernetes completion index', () => {
    expect(parseShard('auto/8', { AWS_BATCH_JOB_ARRAY_INDEX: '5' })).toEqual({ index: 5, count: 8 });
    expect(parseShard('auto/8', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 8 });
  });

  it.each([
    ['4/4', {}, /I must be below N/],
    ['1/0', {}, /N must be 1 to/],
    ['x/2', {}, /is not I\/N/],
    ['2', {}, /is not I\/N/],
    ['auto/4', {}, /AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX, and neither is set/],
    [
      'auto/4',
      { JOB_COMPLETION_INDEX: '4' },
      /JOB_COMPLETION_INDEX is 4, but --shard auto\/4 has shards 0 to 3/,
    ],
    [
      'auto/4',
      { AWS_BATCH_JOB_ARRAY_INDEX: 'one' },
      /AWS_BATCH_JOB_ARRAY_INDEX is "one", not a whole number/,
    ],
  ])('refuses %s (%o) with a fix', (value, env, message) => {
    expect(() => parseShard(value, env)).toThrow(message);
  });
});
