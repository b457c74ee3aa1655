import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import { exitCodeOf } from '../../source/engine/run.js';
import type { RunResult } from '../../source/engine/types.js';
import { collapseRange } from '../support/collapse.js';
import { startFaultProxy, type Fault, type ProxiedRequest } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems, lostOriginals } from '../support/invariant.js';
import { contextFor, endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * Two `--by month` runs over the same day outputs at once (cron runs that overlap): run B goes from
 * start to end while run A is parked at a point of the rollup. A run may only fail with "another
 * run"; no byte is lost, and a later run finishes exactly (no day output rolled in twice).
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-06-10T10:00:00Z');
const MONTH = 'logs/2024-05_collapsed';
const MONTH_MANIFEST = manifestKeyFor(MONTH);
const days = { layout: 's3-access-simple', root: 'logs/', from: '2024-05-01', to: '2024-05-03' } as const;
const month = { layout: 's3-access-simple', root: 'logs/', from: '2024-05', by: 'month' } as const;
const originals = accessLogObjects({
  prefix: 'logs/',
  days: [1, 2, 3, 4].map((day) => new Date(Date.UTC(2024, 4, day))),
  objectsPerDay: 5,
  sourceBucket: 'site',
  seed: 51,
});

interface Offset {
  readonly name: string;
  readonly at: (request: ProxiedRequest) => boolean;
  readonly server?: 'before' | 'acted';
  readonly together?: true;
}

const manifestWrite = (nth: number) => (r: ProxiedRequest) =>
  r.operation === 'PutObject' && r.key === MONTH_MANIFEST && r.nthForKey === nth;
const deletes = (nth: number) => (r: ProxiedRequest) => r.operation === 'DeleteObjects' && r.nth === nth;

const OFFSETS: readonly Offset[] = [
  { name: 'A and B start together', at: () => false, together: true },
  { name: 'A is about to write its pending manifest', at: manifestWrite(1) },
  { name: 'A has written its pending manifest', at: manifestWrite(1), server: 'acted' },
  { name: 'A is about to write the month output', at: (r) => r.operation === 'PutObject' && r.key === MONTH },
  { name: 'A has completed its manifest', at: manifestWrite(2), server: 'acted' },
  { name: 'A is about to delete the originals left', at: deletes(1) },
  { name: 'A is about to delete the day outputs', at: deletes(2) },
  { name: 'A is about to delete the day manifests', at: deletes(3) },
];

async function overlap(
  bucket: string,
  offset: Offset,
): Promise<{ a: RunResult; b: RunResult; parked: boolean }> {
  let bDone!: () => void;
  const bFinished = new Promise<void>((resolve) => {
    bDone = resolve;
  });
  let reached!: () => void;
  const aReached = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let parked = false;
  const proxy = await startFaultProxy(endpoint(), (r): Fault => {
    if (parked || !offset.at(r)) return { kind: 'pass' };
    parked = true;
    reached();
    return offset.server === 'acted'
      ? { kind: 'forward-then', after: () => bFinished }
      : { kind: 'hold', until: bFinished };
  });
  const viaProxy = testClient(proxy.endpoint);
  try {
    const runA = collapseRange(contextFor(viaProxy, bucket, NOW), month);
    if (offset.together) reached();
    await Promise.race([aReached, runA]);
    const b = await collapseRange(contextFor(s3, bucket, NOW), month).finally(() => bDone());
    const a = await runA;
    return { a: a.result, b: b.result, parked };
  } finally {
    bDone();
    viaProxy.destroy();
    await proxy.close();
  }
}

function expectHonest(result: RunResult) {
  for (const period of result.periods) {
    if (period.status === 'failed') expect(period.error?.code).toBe('another-run');
    else expect(['collapsed', 'already-collapsed']).toContain(period.status);
  }
}

describe('two month rollups at once', () => {
  it.each(OFFSETS.map((offset) => [offset.name, offset] as const))(
    '%s: no byte is lost, and a later run finishes exactly',
    async (_, offset) => {
      const bucket = await newBucket(s3, 'roll-overlap');
      await putObjects(s3, bucket, originals);
      await collapseRange(contextFor(s3, bucket, NOW), days);
      const { a, b, parked } = await overlap(bucket, offset);
      expect(parked || offset.together === true).toBe(true);
      expectHonest(a);
      expectHonest(b);
      expect(lostOriginals(await auditBucket(s3, bucket, originals), originals)).toEqual([]);

      const after = await collapseRange(contextFor(s3, bucket, NOW), month);
      expect(exitCodeOf(after.result), JSON.stringify(after.result.periods[0]?.error)).toBe(0);
      expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
    },
  );
});
