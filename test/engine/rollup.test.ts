import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import {
  manifestKeyFor,
  parseManifest,
  serializeManifest,
  type Manifest,
} from '../../source/engine/manifest.js';
import { exitCodeOf } from '../../source/engine/run.js';
import { GZIP_NEWLINE } from '../../source/engine/separators.js';
import { collapseRange, gunzipText } from '../support/collapse.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems } from '../support/invariant.js';
import {
  contextFor,
  endpoint,
  getBytes,
  listKeys,
  newBucket,
  putObjects,
  snapshot,
  testClient,
} from '../support/s3.js';

/**
 * `--by month` over days already collapsed: the day outputs are inputs, their members the month's
 * (offsets rebased), and the day outputs and manifests go once the month is recorded — all checked
 * on the bucket's real bytes.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-06-10T10:00:00Z');
const DAYS = [1, 2, 3, 4, 5].map((day) => new Date(Date.UTC(2024, 4, day)));
const simple = { layout: 's3-access-simple', root: 'logs/' } as const;
const MONTH = 'logs/2024-05_collapsed';
const MONTH_MANIFEST = manifestKeyFor(MONTH);
const dayOutput = (day: number) => `logs/2024-05-0${day}_collapsed`;

const byKey = (a: { key: string }, b: { key: string }) =>
  Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function manifestAt(bucket: string, key: string): Promise<Manifest> {
  const parsed = parseManifest((await getBytes(s3, bucket, key)).toString());
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.manifest;
}

/** Every original is a member exactly once, and its byte range in the output is its bytes. */
async function expectHoldsEveryOriginal(bucket: string, outputKey: string, originals: readonly SeedObject[]) {
  const output = await getBytes(s3, bucket, outputKey);
  const manifest = await manifestAt(bucket, manifestKeyFor(outputKey));
  expect(manifest.state).toBe('complete');
  expect(manifest.output).toMatchObject({ key: outputKey, size: output.length, sha256: sha(output) });
  expect(manifest.members.map((member) => member.key).sort()).toEqual(originals.map((o) => o.key).sort());
  const bodies = new Map(originals.map((original) => [original.key, original.body]));
  let next = 0;
  for (const member of manifest.members) {
    expect(member.offset).toBe(next);
    next += member.size + member.separator;
    const range = output.subarray(member.offset, member.offset + member.size);
    expect(sha(range), member.key).toBe(sha(bodies.get(member.key)!));
  }
  expect(next).toBe(output.length);
  return { output, manifest };
}

function accessLogs(seed: number, days = DAYS, perDay = 4): SeedObject[] {
  return accessLogObjects({ prefix: 'logs/', days, objectsPerDay: perDay, sourceBucket: 'site', seed });
}

/** Days 1–3 collapsed by day; days 4 and 5 left as originals. */
async function daysCollapsed(label: string, originals: readonly SeedObject[]) {
  const bucket = await newBucket(s3, label);
  await putObjects(s3, bucket, originals);
  const ctx = contextFor(s3, bucket, NOW);
  const days = await collapseRange(ctx, { ...simple, from: '2024-05-01', to: '2024-05-03' });
  expect(days.result.periods.map((period) => period.status)).toEqual(['collapsed', 'collapsed', 'collapsed']);
  return { bucket, ctx };
}

describe('--by month over day outputs (plain)', () => {
  it('rolls the day outputs and the originals left into one output, every original at its rebased offset', async () => {
    const originals = accessLogs(11);
    const { bucket, ctx } = await daysCollapsed('roll-plain', originals);
    const inputs = [
      ...(await Promise.all(
        [1, 2, 3].map(async (day) => ({
          key: dayOutput(day),
          body: await getBytes(s3, bucket, dayOutput(day)),
        })),
      )),
      ...originals.filter((original) => original.key >= 'logs/2024-05-04'),
    ].sort(byKey);
    const dayManifests = await Promise.all(
      [1, 2, 3].map((day) => manifestAt(bucket, manifestKeyFor(dayOutput(day)))),
    );

    const { result } = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({
      status: 'collapsed',
      outputKey: MONTH,
      outputsRolledUp: 3,
      keysDeleted: 8,
      rolledDeleted: 6,
      deleteFailed: [],
    });
    expect(exitCodeOf(result)).toBe(0);

    const { output, manifest } = await expectHoldsEveryOriginal(bucket, MONTH, originals);
    expect(output.equals(Buffer.concat(inputs.map((input) => input.body)))).toBe(true);
    expect((await listKeys(s3, bucket)).sort()).toEqual([MONTH, MONTH_MANIFEST].sort());
    // Each rolled-in day is recorded: its bytes sit at its offset, with the SHA-256 its manifest had.
    expect(manifest.rolledUp?.map((rolled) => rolled.key)).toEqual([1, 2, 3].map(dayOutput));
    for (const [index, rolled] of (manifest.rolledUp ?? []).entries()) {
      const day = dayManifests[index]!;
      expect(rolled).toMatchObject({
        size: day.output!.size,
        etag: day.output!.etag,
        sha256: day.output!.sha256,
      });
      expect(sha(output.subarray(rolled.offset, rolled.offset + rolled.size))).toBe(rolled.sha256);
      expect(rolled.period).toEqual(day.period);
    }
    expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);

    // Again: nothing to do, nothing changes.
    const before = await snapshot(s3, bucket);
    const again = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(again.result.periods[0]).toMatchObject({ status: 'already-collapsed', keysDeleted: 0 });
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('appends late originals and later day outputs to the month output, never a byte twice', async () => {
    const originals = accessLogs(12);
    const { bucket, ctx } = await daysCollapsed('roll-late', originals);
    await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    const first = await getBytes(s3, bucket, MONTH);

    // A late key of day 2 (whose output was rolled in and deleted) and of day 6, collapsed by day.
    const late = [
      { key: 'logs/2024-05-02-23-59-59-LATELATELATELATE', body: Buffer.from('late on day two\n') },
      { key: 'logs/2024-05-06-12-00-00-LATELATELATELATE', body: Buffer.from('late on day six\n') },
      { key: 'logs/2024-05-07-12-00-00-LATELATELATELATE', body: Buffer.from('late, left as it is\n') },
    ];
    await putObjects(s3, bucket, late);
    const days = await collapseRange(ctx, { ...simple, from: '2024-05-02', to: '2024-05-06' });
    expect(days.result.periods.map((period) => [period.label, period.status])).toEqual([
      ['2024-05-02', 'collapsed'],
      ['2024-05-03', 'skipped'],
      ['2024-05-04', 'skipped'],
      ['2024-05-05', 'skipped'],
      ['2024-05-06', 'collapsed'],
    ]);
    const newDays = await Promise.all(
      ['logs/2024-05-02_collapsed', 'logs/2024-05-06_collapsed'].map((key) => getBytes(s3, bucket, key)),
    );

    const { result } = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', outputsRolledUp: 2, keysDeleted: 1 });
    const everything = [...originals, ...late];
    const { output, manifest } = await expectHoldsEveryOriginal(bucket, MONTH, everything);
    expect(output.equals(Buffer.concat([first, ...newDays, late[2]!.body]))).toBe(true);
    expect(manifest.rolledUp?.map((rolled) => rolled.key)).toEqual([
      ...[1, 2, 3].map(dayOutput),
      'logs/2024-05-02_collapsed',
      'logs/2024-05-06_collapsed',
    ]);
    expect((await listKeys(s3, bucket)).sort()).toEqual([MONTH, MONTH_MANIFEST].sort());
    expect(finishedProblems(await auditBucket(s3, bucket, everything), everything)).toEqual([]);
  });

  it('leaves a tampered day output and its manifest where they are, and says so', async () => {
    const originals = accessLogs(13);
    const { bucket, ctx } = await daysCollapsed('roll-tampered', originals);
    const tampered = Buffer.from((await getBytes(s3, bucket, dayOutput(2))).toString().replace('GET', 'PUT'));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: dayOutput(2), Body: tampered }));
    const before = await snapshot(s3, bucket);

    const { result } = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(result.periods[0]!.error).toMatchObject({
      stage: 'plan',
      code: 'rolled-input-unverified',
      originalsKept: true,
    });
    expect(result.periods[0]!.error!.message).toContain(
      `${dayOutput(2)} (2024-05-02) is not rolled in: it changed since its manifest was written`,
    );
    expect(exitCodeOf(result)).toBe(1);
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a day output whose bytes are not the SHA-256 its manifest records: stopped while streaming, nothing kept of the run', async () => {
    const originals = accessLogs(17);
    const { bucket, ctx } = await daysCollapsed('roll-sha', originals);
    const manifestKey = manifestKeyFor(dayOutput(3));
    const manifest = await manifestAt(bucket, manifestKey);
    await putObjects(s3, bucket, [
      {
        key: manifestKey,
        body: serializeManifest({ ...manifest, output: { ...manifest.output!, sha256: '0'.repeat(64) } }),
      },
    ]);
    const before = await snapshot(s3, bucket);

    const { result } = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(result.periods[0]!.error).toMatchObject({
      stage: 'download',
      code: 'rolled-input-unverified',
      left: 'unchanged',
    });
    expect(result.periods[0]!.error!.message).toContain(
      `${dayOutput(3)} does not have the SHA-256 its manifest`,
    );
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a run stopped after recording the month: the next deletes what is left, rolling in nothing twice', async () => {
    const originals = accessLogs(14);
    const { bucket, ctx } = await daysCollapsed('roll-leftover', originals);
    // Every DeleteObjects after the originals' fails: the day outputs (and so their manifests) stay.
    let deletes = 0;
    const proxy = await startFaultProxy(endpoint(), (seen) =>
      seen.operation === 'DeleteObjects' && ++deletes >= 2 ? { kind: 'delete-errors' } : { kind: 'pass' },
    );
    try {
      const viaProxy = testClient(proxy.endpoint);
      const { result } = await collapseRange(contextFor(viaProxy, bucket, NOW), {
        ...simple,
        from: '2024-05',
        by: 'month',
      });
      viaProxy.destroy();
      expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 8, outputsRolledUp: 3 });
      expect(result.periods[0]!.deleteFailed.map((failure) => failure.key).sort()).toEqual(
        [1, 2, 3].map(dayOutput),
      );
    } finally {
      await proxy.close();
    }
    const month = await getBytes(s3, bucket, MONTH);

    // Meanwhile a day run over day 1 with a late key: the day's output is the month's to finish.
    await putObjects(s3, bucket, [
      { key: 'logs/2024-05-01-23-59-59-LATELATELATELATE', body: Buffer.from('late\n') },
    ]);
    const day = await collapseRange(ctx, { ...simple, from: '2024-05-01' });
    expect(day.result.periods[0]!.error).toMatchObject({ code: 'in-longer-output' });
    expect(day.result.periods[0]!.error!.fix).toContain('--by month for 2024-05');

    const { result } = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({
      status: 'collapsed',
      keysDeleted: 1,
      rolledDeleted: 6,
      deleteFailed: [],
    });
    expect((await getBytes(s3, bucket, MONTH)).subarray(0, month.length).equals(month)).toBe(true);
    expect((await listKeys(s3, bucket)).sort()).toEqual([MONTH, MONTH_MANIFEST].sort());
    const everything = [
      ...originals,
      { key: 'logs/2024-05-01-23-59-59-LATELATELATELATE', body: Buffer.from('late\n') },
    ];
    expect(finishedProblems(await auditBucket(s3, bucket, everything), everything)).toEqual([]);
  });

  it('deletes a day manifest left after its output, when the month records it', async () => {
    const originals = accessLogs(15);
    const { bucket, ctx } = await daysCollapsed('roll-manifests', originals);
    // The third DeleteObjects (the day manifests, after originals and outputs) fails.
    let deletes = 0;
    const proxy = await startFaultProxy(endpoint(), (seen) =>
      seen.operation === 'DeleteObjects' && ++deletes === 3 ? { kind: 'delete-errors' } : { kind: 'pass' },
    );
    try {
      const viaProxy = testClient(proxy.endpoint);
      await collapseRange(contextFor(viaProxy, bucket, NOW), { ...simple, from: '2024-05', by: 'month' });
      viaProxy.destroy();
    } finally {
      await proxy.close();
    }
    expect((await listKeys(s3, bucket)).filter((key) => key.includes('/_2024-05-0'))).toHaveLength(3);
    // A day run sees its manifest without its output: the month's to finish, not a lost output.
    const day = await collapseRange(ctx, { ...simple, from: '2024-05-02' });
    expect(day.result.periods[0]).toMatchObject({ status: 'failed' });
    expect(day.result.periods[0]!.error).toMatchObject({ code: 'in-longer-output' });

    const { result } = await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({
      status: 'already-collapsed',
      rolledDeleted: 3,
      deleteFailed: [],
    });
    expect((await listKeys(s3, bucket)).sort()).toEqual([MONTH, MONTH_MANIFEST].sort());
  });

  it('--by day inside a rolled-up month: nothing left to do, and the month output is named', async () => {
    const originals = accessLogs(16);
    const { bucket, ctx } = await daysCollapsed('roll-by-day', originals);
    await collapseRange(ctx, { ...simple, from: '2024-05', by: 'month' });
    const before = await snapshot(s3, bucket);
    const { result, plan } = await collapseRange(ctx, { ...simple, from: '2024-05-01', to: '2024-05-05' });
    expect(result.periods.map((period) => period.status)).toEqual(Array(5).fill('skipped'));
    expect(plan.periods.every((period) => period.otherOutputs.length === 0)).toBe(true);
    expect(await snapshot(s3, bucket)).toEqual(before);
  });
});

describe('--by month over day outputs (gzip, CloudTrail)', () => {
  const base = 'AWSLogs/111122223333/CloudTrail/eu-west-1/';
  const monthKey = `${base}2024/05/111122223333_CloudTrail_eu-west-1_202405_collapsed.json.gz`;

  it('rolls gzip day outputs in byte for byte; every original is at its rebased offset', async () => {
    const seeded = cloudTrailObjects({
      prefix: '',
      accounts: [{ account: '111122223333' }],
      regions: ['eu-west-1'],
      days: DAYS.slice(0, 3),
      filesPerDay: 4,
      seed: 21,
    });
    const originals = seeded.filter((object) => object.key.includes('/CloudTrail/'));
    const bucket = await newBucket(s3, 'roll-gzip');
    await putObjects(s3, bucket, seeded);
    const ctx = contextFor(s3, bucket, NOW);
    const trail = { layout: 'cloudtrail', root: '' } as const;
    await collapseRange(ctx, { ...trail, from: '2024-05-01', to: '2024-05-02' });
    const dayKeys = [1, 2].map(
      (day) => `${base}2024/05/0${day}/111122223333_CloudTrail_eu-west-1_2024050${day}_collapsed.json.gz`,
    );
    const inputs = [
      ...(await Promise.all(dayKeys.map(async (key) => ({ key, body: await getBytes(s3, bucket, key) })))),
      // CloudTrail files end without a newline: each is followed by a gzip member holding one.
      ...originals
        .filter((original) => original.key.includes('/2024/05/03/'))
        .map(({ key, body }) => ({ key, body: Buffer.concat([body, GZIP_NEWLINE]) })),
    ].sort(byKey);

    const { result } = await collapseRange(ctx, { ...trail, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({
      status: 'collapsed',
      outputKey: monthKey,
      outputsRolledUp: 2,
      keysDeleted: 4,
    });
    const { output, manifest } = await expectHoldsEveryOriginal(bucket, monthKey, originals);
    expect(manifest.encoding).toBe('gzip');
    // The last original of each day ends without a newline: its separator, a gzip member, came along.
    expect(manifest.members.filter((member) => member.separator > 0).length).toBeGreaterThanOrEqual(8);
    expect(output.equals(Buffer.concat(inputs.map((input) => input.body)))).toBe(true);
    expect(gunzipText(output).split('\n').filter(Boolean)).toHaveLength(originals.length);
    // Digest and Insights files are never inputs, never deleted.
    const left = await listKeys(s3, bucket);
    expect(
      left.filter((key) => key.includes('/CloudTrail-Digest/') || key.includes('/CloudTrail-Insight/')),
    ).toHaveLength(seeded.length - originals.length);
    expect(left.filter((key) => key.includes('_collapsed'))).toEqual(
      [
        `${base}2024/05/_111122223333_CloudTrail_eu-west-1_202405_collapsed.json.gz.manifest.json`,
        monthKey,
      ].sort(),
    );
  });
});
