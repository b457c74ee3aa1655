import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { exitCodeOf } from '../../source/engine/run.js';
import { collapseRange, type CollapseRequest } from '../support/collapse.js';
import { startFaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems, lostOriginals } from '../support/invariant.js';
import { runCli } from '../support/run-cli.js';
import { contextFor, endpoint, getBytes, newBucket, putObjects, testClient } from '../support/s3.js';
import { errorText } from '../support/period-error.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-05-04T10:00:00Z');
const DAYS = [new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z')];
const request: CollapseRequest = {
  layout: 's3-access-simple',
  root: 'logs/',
  from: '2024-05-01',
  to: '2024-05-02',
};

const originals = accessLogObjects({
  prefix: 'logs/',
  days: DAYS,
  objectsPerDay: 40,
  sourceBucket: 'site',
  seed: 11,
});

async function seeded(label: string, objects: readonly SeedObject[] = originals): Promise<string> {
  const bucket = await newBucket(s3, label);
  await putObjects(s3, bucket, objects);
  return bucket;
}

/** One run of the real engine through the fault proxy. */
async function runThrough(bucket: string, rule: FaultRule, options: CollapseRequest['options'] = {}) {
  const proxy = await startFaultProxy(endpoint(), rule);
  const client = testClient(proxy.endpoint);
  try {
    const { result } = await collapseRange(contextFor(client, bucket, NOW), { ...request, options });
    return { result, seen: proxy.seen };
  } finally {
    client.destroy();
    await proxy.close();
  }
}

/** A clean run afterwards: exit 0, and every original exactly once, in an output. */
async function expectFinishedByRerun(bucket: string, objects: readonly SeedObject[] = originals) {
  const { result } = await collapseRange(contextFor(s3, bucket, NOW), request);
  expect(exitCodeOf(result)).toBe(0);
  expect(finishedProblems(await auditBucket(s3, bucket, objects), objects)).toEqual([]);
}

describe('trouble S3 and networks give every day', () => {
  it('throttling (503 SlowDown on 1 GET in 5) and bodies cut mid-stream: the run still finishes, exact', async () => {
    const bucket = await seeded('slowdown');
    // Counted over the logs' GETs only: the plan's manifest reads (how many, and when) do not move them.
    let logGets = 0;
    const { result, seen } = await runThrough(bucket, (r) => {
      if (r.operation !== 'GetObject' || r.key.endsWith('.json')) return { kind: 'pass' };
      logGets += 1;
      if (logGets % 5 === 0) return { kind: 'error', status: 503, code: 'SlowDown' };
      if ([3, 17, 29].includes(logGets)) return { kind: 'cut-body', afterBytes: 40 };
      return { kind: 'pass' };
    });
    expect(result.periods.map((period) => period.status)).toEqual(['collapsed', 'collapsed']);
    expect(exitCodeOf(result)).toBe(0);
    // The cut bodies were resumed from the byte they stopped at, not fetched whole again (a resumed
    // GET may itself be throttled and retried: count keys).
    const resumed = seen.filter((r) => r.operation === 'GetObject' && r.headers.range === 'bytes=40-');
    expect(new Set(resumed.map((r) => r.key)).size).toBe(3);
    expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
  });

  it('500s, resets and delays on writes are retried: the run finishes, exact', async () => {
    const bucket = await seeded('flaky-writes');
    const { result } = await runThrough(bucket, (r) => {
      if (r.operation === 'PutObject' && r.nthForKey === 1)
        return { kind: 'error', status: 500, code: 'InternalError' };
      if (r.operation === 'DeleteObjects' && r.nth === 1) return { kind: 'reset' };
      if (r.operation === 'HeadObject') return { kind: 'delay', ms: 50 };
      return { kind: 'pass' };
    });
    expect(exitCodeOf(result)).toBe(0);
    expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
  });

  it('a body that keeps being cut fails its period naming the network, keeps its originals; the other period finishes', async () => {
    const bucket = await seeded('cut-always');
    const victim = originals[0]!.key;
    const { result } = await runThrough(bucket, (r) =>
      r.operation === 'GetObject' && r.key === victim
        ? { kind: 'cut-body', afterBytes: 10 }
        : { kind: 'pass' },
    );
    expect(exitCodeOf(result)).toBe(1);
    const [first, second] = result.periods;
    expect(first).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(first!.error).toMatchObject({ stage: 'download', code: 'network', originalsKept: true });
    expect(errorText(first!.error)).toMatch(
      /^The connection to S3 dropped while reading logs\/2024-05-01-\S+, 7 times \(\w+\)\. Originals kept; nothing was changed\. Run again to finish\.$/,
    );
    expect(errorText(first!.error)).not.toMatch(/--region/);
    expect(second).toMatchObject({ status: 'collapsed', keysDeleted: 40 });
    expect(lostOriginals(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
    await expectFinishedByRerun(bucket);
  });

  it('DeleteObjects answering per-key errors: those keys are reported and kept, and the next run deletes them', async () => {
    const bucket = await seeded('delete-errors');
    const refused = new Set(originals.filter((_, index) => index % 7 === 0).map((object) => object.key));
    const { result } = await runThrough(bucket, (r) =>
      r.operation === 'DeleteObjects'
        ? { kind: 'delete-errors', code: 'InternalError', keys: (key) => refused.has(key) }
        : { kind: 'pass' },
    );
    expect(exitCodeOf(result)).toBe(1);
    const failedKeys = result.periods.flatMap((period) => period.deleteFailed.map((failure) => failure.key));
    expect(failedKeys.sort()).toEqual([...refused].sort());
    expect(result.periods.reduce((total, period) => total + period.keysDeleted, 0)).toBe(
      originals.length - refused.size,
    );
    await expectFinishedByRerun(bucket);
  });

  it('a failing output write for one period: that period is reported unchanged, the other finishes', async () => {
    const bucket = await seeded('deny-one-output');
    const { result } = await runThrough(bucket, (r) =>
      r.operation === 'PutObject' && r.key === 'logs/2024-05-02_collapsed'
        ? { kind: 'deny' }
        : { kind: 'pass' },
    );
    expect(exitCodeOf(result)).toBe(1);
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 40 });
    expect(result.periods[1]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(result.periods[1]!.error).toMatchObject({ stage: 'upload', code: 'denied', left: 'unchanged' });
    expect(errorText(result.periods[1]!.error)).toMatch(
      /^Access denied: PutObject on s3:\/\/deny-one-output-\w+\/logs\/2024-05-02_collapsed\. Originals kept; nothing was changed\. Grant s3:PutObject /,
    );
    // "Nothing was changed" is true: no manifest and no output for that day.
    const audit = await auditBucket(s3, bucket, originals);
    expect(audit.pendingManifests).toEqual([]);
    await expectFinishedByRerun(bucket);
  });

  it.each([
    ['a single PUT', 'PutObject', {}],
    ['a multipart upload', 'UploadPart', { partSize: 5 * 1024 * 1024 }],
  ] as const)(
    'one byte flipped on the way in %s: the server refuses it, no original is deleted',
    async (_, operation, options) => {
      // Multipart needs more than one 5 MiB part: 12 originals of 1 MiB.
      const objects: SeedObject[] =
        operation === 'UploadPart'
          ? Array.from({ length: 12 }, (__, index) => ({
              key: `logs/2024-05-01-10-00-${String(index).padStart(2, '0')}-${'F'.repeat(16)}`,
              body: Buffer.alloc(1024 * 1024, `record ${index}\n`),
            }))
          : originals;
      const bucket = await seeded('flip', objects);
      const { result } = await runThrough(
        bucket,
        (r) =>
          r.operation === operation && r.key === 'logs/2024-05-01_collapsed' && r.nthForKey === 1
            ? { kind: 'flip-byte' }
            : { kind: 'pass' },
        options,
      );
      expect(result.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
      expect(errorText(result.periods[0]!.error)).toMatch(/BadDigest|Content-MD5/);
      expect(lostOriginals(await auditBucket(s3, bucket, objects), objects)).toEqual([]);
      await expectFinishedByRerun(bucket, objects);
    },
  );
});

describe('keys rewritten after the plan', () => {
  it('a key rewritten before it is read: its period stops, nothing deleted', async () => {
    const bucket = await seeded('rewritten-early');
    const victim = originals[5]!.key;
    const { result } = await runThrough(bucket, (r) => {
      if (r.operation === 'GetObject' && r.key === victim && r.nthForKey === 1) {
        return {
          kind: 'hold',
          until: s3.send(new PutObjectCommand({ Bucket: bucket, Key: victim, Body: 'rewritten\n' })),
        };
      }
      return { kind: 'pass' };
    });
    expect(result.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(result.periods[0]!.error).toMatchObject({ stage: 'download', code: 'object-changed' });
    expect(result.periods[0]!.error?.message).toMatch(new RegExp(`${victim} changed since the plan`));
    expect((await getBytes(s3, bucket, victim)).toString()).toBe('rewritten\n');
  });

  it('a key rewritten after its output was verified is kept (conditional delete) and reported', async () => {
    const bucket = await seeded('rewritten-late');
    const victim = originals[5]!.key;
    // Both periods' deletes wait until both have come (each period verified its output first); then
    // the key is rewritten. Holding only the first to arrive raced: it may be the other period's, and
    // the victim's period may then have deleted the key before the rewrite put it back.
    let arrived = 0;
    let bothArrived!: () => void;
    const rewritten = new Promise<void>((resolve) => (bothArrived = resolve)).then(() =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: victim, Body: 'rewritten\n' })),
    );
    const { result } = await runThrough(bucket, (r) => {
      if (r.operation !== 'DeleteObjects') return { kind: 'pass' };
      arrived += 1;
      if (arrived === DAYS.length) bothArrived();
      return { kind: 'hold', until: rewritten };
    });
    expect(exitCodeOf(result)).toBe(1);
    const failures = result.periods.flatMap((period) => period.deleteFailed);
    expect(failures).toEqual([
      {
        key: victim,
        code: 'PreconditionFailed',
        message: 'kept: it was rewritten after the plan, and its new bytes are in no output',
      },
    ]);
    // Its new bytes are still there; every other original is collapsed.
    expect((await getBytes(s3, bucket, victim)).toString()).toBe('rewritten\n');
    const others = originals.filter((object) => object.key !== victim);
    expect(lostOriginals(await auditBucket(s3, bucket, others), others)).toEqual([]);
  });
});

describe('--expected-bucket-owner', () => {
  it('is sent on every request that names the bucket', async () => {
    const bucket = await seeded('owner');
    const proxy = await startFaultProxy(endpoint());
    try {
      const run = await runCli([
        '--endpoint',
        proxy.endpoint,
        '--bucket',
        bucket,
        '--from',
        '2024-05-01',
        '--to',
        '2024-05-02',
        '--yes',
        '--json',
        '--expected-bucket-owner',
        '111122223333',
      ]);
      expect(run.code).toBe(0);
      // The local server keeps no full-object checksum: the document says what was checked instead.
      expect(
        JSON.parse(run.stdout).periods.map((period: { verifiedBy: string }) => period.verifiedBy),
      ).toEqual(['size+content-md5', 'size+content-md5']);
    } finally {
      await proxy.close();
    }
    const operations = new Set(proxy.seen.map((r) => r.operation));
    for (const operation of [
      'HeadBucket',
      'ListObjectsV2',
      'GetObject',
      'HeadObject',
      'PutObject',
      'DeleteObjects',
    ])
      expect(operations).toContain(operation);
    const without = proxy.seen.filter((r) => r.headers['x-amz-expected-bucket-owner'] !== '111122223333');
    expect(without.map((r) => `${r.operation} ${r.key}`)).toEqual([]);
  });
});
