import { describe, expect, it } from 'vitest';
import {
  getsInFlightFor,
  machineModel,
  periodRequests,
  shardRows,
  type Latencies,
  type ModelWorkload,
  type ToolShape,
} from '../../bench/s3-model.js';

/**
 * The model's arithmetic on one case worked by hand: 2,500 keys a period of 0.01 MiB each (25 MiB a
 * period: a multipart output), one connection moving 1 MiB/s, all keys under one prefix.
 */
const MiB = 1024 * 1024;
const latencies: Latencies = {
  getFirstByteMs: 30,
  headMs: 20,
  putMs: 50,
  listPageMs: 100,
  deleteBatchMs: 400,
  mibPerSecond: 1,
};
const tool: ToolShape = {
  getsInFlight: 20,
  periodsStreaming: 2,
  periodsInFlight: 8,
  deleteBatchesInFlight: 2,
  partSize: 8 * MiB,
  cpuMsPerObject: 2,
};
const workload: ModelWorkload = {
  name: 'hand',
  keysPerPeriod: 2500,
  bytesPerObject: 0.01 * MiB,
  prefixes: 'shared',
};

describe('s3-model', () => {
  it('counts the requests of a period the way the protocol sends them', () => {
    // 25 MiB > one 8 MiB part: create + ceil(25 / 8) = 4 parts + complete, and the two manifests.
    expect(periodRequests(workload, tool)).toEqual({
      listPages: 3,
      logGets: 2500,
      otherGetHead: 3,
      puts: 2 + 1 + 4 + 1,
      deleteRequests: 3,
      deletedKeys: 2500,
    });
  });

  it('bounds one machine by its slots, its CPU and the prefix rates', () => {
    const machine = machineModel(workload, latencies, tool);
    // GET: 30 ms + 0.01 MiB at 1 MiB/s = 40 ms.
    expect(machine.getSeconds).toBeCloseTo(0.04, 9);
    // Stream: pending manifest 0.05 + 2,500 × 0.04 / 20 slots = 5 + the last part 0.05 + 8 MiB / 1 = 8.05.
    expect(machine.streamSeconds).toBeCloseTo(13.1, 9);
    // Tail: HEAD 0.02 + manifest 0.05 + ceil(3 batches / 2) = 2 rounds × 0.4.
    expect(machine.tailSeconds).toBeCloseTo(0.87, 9);
    expect(machine.bounds['GETs in flight']).toBeCloseTo(20 / 0.04, 6);
    expect(machine.bounds['periods streaming']).toBeCloseTo((2 * 2500) / 13.1, 6);
    expect(machine.bounds['periods in flight']).toBeCloseTo((8 * 2500) / 13.97, 6);
    expect(machine.bounds.CPU).toBeCloseTo(500, 9);
    // GET/HEAD: (3 + 2,500 + 3) / 2,500 a key → 5,500 / 1.0024; writes: (8 + 2,500) / 2,500 → 3,500 / 1.0032.
    expect(machine.perPrefix).toBeCloseTo(3500 / 1.0032, 6);
    expect(machine.objectsPerSecond).toBeCloseTo(5000 / 13.1, 6);
    expect(machine.limitedBy).toBe('periods streaming');
    expect(machine.listPlanSecondsPerPeriod).toBeCloseTo(0.3, 9);
  });

  it('scales shards linearly until the one shared prefix caps them', () => {
    const machine = machineModel(workload, latencies, tool);
    const alone = 5000 / 13.1;
    const cap = 3500 / 1.0032;
    const rows = shardRows(workload, machine, tool, [1, 9, 10]);
    expect(rows.map((row) => row.prefixes)).toEqual([1, 1, 1]);
    expect(rows[0]!.objectsPerSecond).toBeCloseTo(alone, 6);
    expect(rows[0]!.efficiency).toBeCloseTo(1, 9);
    // 9 × 381.7 = 3,435 is still below the cap; 10 × 381.7 = 3,817 is not.
    expect(rows[1]!.objectsPerSecond).toBeCloseTo(9 * alone, 6);
    expect(rows[1]!.limitedBy).toBe('periods streaming');
    expect(rows[2]!.objectsPerSecond).toBeCloseTo(cap, 6);
    expect(rows[2]!.limitedBy).toBe('prefix rate');
    expect(rows[2]!.efficiency).toBeCloseTo(cap / (10 * alone), 9);
  });

  it('gives each streamed period a prefix of its own when the layout has a folder a day', () => {
    const perDay: ModelWorkload = { ...workload, prefixes: 'per-period' };
    const machine = machineModel(perDay, latencies, tool);
    const rows = shardRows(perDay, machine, tool, [10]);
    expect(rows[0]!.prefixes).toBe(20);
    expect(rows[0]!.objectsPerSecond).toBeCloseTo((10 * 5000) / 13.1, 6);
  });

  it("sizes the GET pool by Little's law", () => {
    const machine = machineModel(workload, latencies, tool);
    // 1,000 objects/s × 40 ms = 40 GETs in flight; 3,000/s needs 120.
    expect(getsInFlightFor(1000, machine)).toBe(40);
    expect(getsInFlightFor(3000, machine)).toBe(120);
  });
});
