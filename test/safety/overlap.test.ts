import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { exitCodeOf } from '../../source/engine/run.js';
import type { RunResult } from '../../source/engine/types.js';
import { collapseRange } from '../support/collapse.js';
import { startFaultProxy, type Fault, type ProxiedRequest } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems, lostOriginals } from '../support/invariant.js';
import { contextFor, endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-05-03T10:00:00Z');
const OUTPUT = 'logs/2024-05-01_collapsed';
const MANIFEST = 'logs/_2024-05-01_collapsed.manifest.json';
const request = { layout: 's3-access-simple', root: 'logs/', from: '2024-05-01' } as const;

const originals = accessLogObjects({
  prefix: 'logs/',
  days: [new Date('2024-05-01T00:00:00Z')],
  objectsPerDay: 30,
  sourceBucket: 'site',
  seed: 30,
});
const late: SeedObject[] = [
  { key: 'logs/2024-05-01-23-59-58-LATELATELATELAT1', body: Buffer.from('late one\n') },
  { key: 'logs/2024-05-01-23-59-59-LATELATELATELAT2', body: Buffer.from('late two\n') },
];

/** Where run A stops while run B runs from start to end. */
interface Offset {
  readonly name: string;
  readonly at: (request: ProxiedRequest) => boolean;
  /** Hold A's request before the server sees it, or let the server act and hold only the answer. */
  readonly server?: 'before' | 'acted';
  /** B starts at once, beside A. */
  readonly together?: true;
}

const manifestWrite = (nth: number) => (r: ProxiedRequest) =>
  r.operation === 'PutObject' && r.key === MANIFEST && r.nthForKey === nth;

const OFFSETS: readonly Offset[] = [
  { name: 'A and B start together', at: () => false, together: true },
  { name: 'A is about to write its pending manifest', at: manifestWrite(1) },
  { name: 'A has written its pending manifest', at: manifestWrite(1), server: 'acted' },
  { name: 'A is about to write its output', at: (r) => r.operation === 'PutObject' && r.key === OUTPUT },
  {
    name: 'A’s output has landed, its answer is slow',
    at: (r) => r.operation === 'PutObject' && r.key === OUTPUT,
    server: 'acted',
  },
  { name: 'A’s complete-manifest write is slow', at: manifestWrite(2) },
  { name: 'A has completed its manifest', at: manifestWrite(2), server: 'acted' },
  { name: 'A is about to delete', at: (r) => r.operation === 'DeleteObjects' },
];

/**
 * Runs A through a proxy that parks A at the offset, runs B to its end meanwhile, then lets A go on.
 * Both are the real engine with their own client, as two cron runs would be.
 */
async function overlap(bucket: string, offset: Offset): Promise<{ a: RunResult; b: RunResult }> {
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
    const runA = collapseRange(contextFor(viaProxy, bucket, NOW), request);
    if (offset.together) reached();
    await Promise.race([aReached, runA]);
    const b = await collapseRange(contextFor(s3, bucket, NOW), request).finally(() => bDone());
    const a = await runA;
    return { a: a.result, b: b.result };
  } finally {
    bDone();
    viaProxy.destroy();
    await proxy.close();
  }
}

/** Neither run may claim what did not happen, and a failure may only be the other run's doing. */
function expectHonest(result: RunResult) {
  for (const period of result.periods) {
    if (period.status === 'failed') expect(period.error?.code).toBe('another-run');
    else expect(['collapsed', 'already-collapsed']).toContain(period.status);
  }
}

describe('two runs on one period at once', () => {
  it.each(OFFSETS.map((offset) => [offset.name, offset] as const))(
    '%s: no byte is lost, and a later run finishes exactly',
    async (_, offset) => {
      const bucket = await newBucket(s3, 'overlap');
      await putObjects(s3, bucket, originals);
      const { a, b } = await overlap(bucket, offset);
      expectHonest(a);
      expectHonest(b);
      expect(lostOriginals(await auditBucket(s3, bucket, originals), originals)).toEqual([]);

      const after = await collapseRange(contextFor(s3, bucket, NOW), request);
      expect(exitCodeOf(after.result)).toBe(0);
      expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
    },
  );

  it.each(
    OFFSETS.filter((offset) => offset.together || /manifest/.test(offset.name)).map(
      (offset) => [offset.name, offset] as const,
    ),
  )('appending late keys, %s: no byte is lost or doubled', async (_, offset) => {
    const bucket = await newBucket(s3, 'overlap-late');
    await putObjects(s3, bucket, originals);
    await collapseRange(contextFor(s3, bucket, NOW), request);
    await putObjects(s3, bucket, late);
    const all = [...originals, ...late];
    const { a, b } = await overlap(bucket, offset);
    expectHonest(a);
    expectHonest(b);
    expect(lostOriginals(await auditBucket(s3, bucket, all), all)).toEqual([]);

    const after = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(exitCodeOf(after.result)).toBe(0);
    expect(finishedProblems(await auditBucket(s3, bucket, all), all)).toEqual([]);
  });
});
