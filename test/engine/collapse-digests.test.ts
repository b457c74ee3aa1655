import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import { planRun } from '../../source/engine/plan.js';
import { executePlan } from '../../source/engine/run.js';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from '../../source/engine/types.js';
import { cloudTrail } from '../../source/layouts/cloudtrail.js';
import { periodsCovering } from '../../source/periods.js';
import { digestObjects } from '../support/cloudtrail-digests.js';
import { readManifest } from '../support/collapsed-outputs.js';
import {
  contextFor,
  getBytes,
  listKeys,
  newBucket,
  putObjects,
  snapshot,
  testClient,
} from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-05-03T10:00:00Z');
const ACCOUNT = '111122223333';
const BASE = `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/`;
const OUTPUT = `${BASE}2024/05/01/${ACCOUNT}_CloudTrail_eu-west-1_20240501_collapsed.json.gz`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const logs: SeedObject[] = cloudTrailObjects({
  prefix: '',
  accounts: [{ account: ACCOUNT }],
  regions: ['eu-west-1'],
  days: [new Date('2024-05-01T00:00:00Z')],
  filesPerDay: 8,
  seed: 61,
}).filter((object) => object.key.includes('/CloudTrail/'));
const keys = logs.map((log) => log.key).sort();

/** Plans (with --check-digests) and runs the day through the real engine. */
async function collapseWithDigests(bucket: string, options: Partial<RunOptions> = {}) {
  const ctx = contextFor(s3, bucket, NOW);
  const plan = await planRun(ctx, {
    layout: cloudTrail,
    root: '',
    by: 'day',
    periods: periodsCovering(new Date('2024-05-01'), new Date('2024-05-01'), 'day'),
    checkDigests: true,
  });
  const result = await executePlan(ctx, plan, { ...DEFAULT_RUN_OPTIONS, ...options }, () => undefined);
  return { plan, result, period: plan.periods[0]!, outcome: result.periods[0]! };
}

async function bucketWith(
  label: string,
  objects: SeedObject[],
  digests: { omit?: string[]; wrong?: string[] } = {},
) {
  const bucket = await newBucket(s3, label);
  const digestFiles = digestObjects(objects, { bucket, ...digests });
  await putObjects(s3, bucket, [...objects, ...digestFiles]);
  return { bucket, digestKeys: digestFiles.map((file) => file.key).sort() };
}

describe('collapse --check-digests', () => {
  it('every key matches its digest: the period collapses and the manifest records each uncompressed SHA-256', async () => {
    const { bucket, digestKeys } = await bucketWith('collapse-digests-ok', logs);
    const { period, outcome } = await collapseWithDigests(bucket);
    expect(period.waitingForDigest).toEqual([]);
    expect(outcome).toMatchObject({ status: 'collapsed', keysDeleted: 8 });
    const manifest = await readManifest(s3, bucket, OUTPUT);
    const byKey = new Map(logs.map((log) => [log.key, log.body]));
    expect(manifest.members.map((member) => [member.key, member.sha256Uncompressed])).toEqual(
      keys.map((key) => [key, sha256(gunzipSync(byKey.get(key)!))]),
    );
    // The originals are gone, the digests are not.
    expect(await listKeys(s3, bucket, BASE)).toEqual([manifestKeyFor(OUTPUT), OUTPUT].sort());
    expect(await listKeys(s3, bucket, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`)).toEqual(digestKeys);
  });

  it('a key that differs from its digest: the period fails naming it, and nothing is deleted or written', async () => {
    const victim = keys[5]!;
    const { bucket } = await bucketWith('collapse-digests-wrong', logs, { wrong: [victim] });
    const before = await snapshot(s3, bucket);
    const { outcome } = await collapseWithDigests(bucket);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({
      code: 'digest-mismatch',
      stage: 'download',
      left: 'unchanged',
      originalsKept: true,
    });
    expect(outcome.error?.message).toContain(victim);
    expect(outcome.error?.fix).toMatch(/validate-logs/);
    expect(outcome.keysDeleted).toBe(0);
    // Every original in place with its bytes, and neither output nor manifest left behind.
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a key no digest lists waits in the bucket; the rest of its period collapses', async () => {
    const waiting = keys[2]!;
    const { bucket } = await bucketWith('collapse-digests-wait', logs, { omit: [waiting] });
    const { period, outcome } = await collapseWithDigests(bucket);
    expect(period.waitingForDigest?.map((member) => member.key)).toEqual([waiting]);
    expect(period.incoming.map((member) => member.key)).toEqual(keys.filter((key) => key !== waiting));
    expect(period.keys).toBe(7);
    expect(outcome).toMatchObject({ status: 'collapsed', keysDeleted: 7 });
    const left = await listKeys(s3, bucket, `${BASE}2024/05/01/${ACCOUNT}_CloudTrail_eu-west-1_2024`);
    expect(left).toEqual([waiting, OUTPUT].sort());
    expect(await getBytes(s3, bucket, waiting)).toEqual(logs.find((log) => log.key === waiting)!.body);
    const manifest = await readManifest(s3, bucket, OUTPUT);
    expect(manifest.members.map((member) => member.key)).not.toContain(waiting);

    // Once its digest arrives, the next run appends it (after the bytes the output holds, as any late key).
    await putObjects(
      s3,
      bucket,
      digestObjects(
        logs.filter((log) => log.key === waiting),
        { bucket, trail: 'late' },
      ),
    );
    const again = await collapseWithDigests(bucket);
    expect(again.period.waitingForDigest).toEqual([]);
    expect(again.outcome).toMatchObject({ status: 'collapsed', keysDeleted: 1 });
    expect((await readManifest(s3, bucket, OUTPUT)).members.map((member) => member.key)).toEqual([
      ...keys.filter((key) => key !== waiting),
      waiting,
    ]);
  });

  it('every key waiting: the period is skipped and touched in no way', async () => {
    const { bucket } = await bucketWith('collapse-digests-none', logs, { omit: keys });
    const before = await snapshot(s3, bucket);
    const { period, outcome } = await collapseWithDigests(bucket);
    expect(period.status).toBe('skipped');
    expect(period.waitingForDigest).toHaveLength(8);
    expect(outcome.status).toBe('skipped');
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a log file larger than a part is checked as it streams', async () => {
    // Random bytes do not compress: the member is over 5 MiB and is read in ranges, not whole.
    const at = `${BASE}2024/05/01/${ACCOUNT}_CloudTrail_eu-west-1_20240501T1200Z_BIGBIGBIGBIGBIG0.json.gz`;
    const big = { key: at, body: gzipSync(randomBytes(6 * 1024 * 1024).toString('base64')) };
    expect(big.body.length).toBeGreaterThan(5 * 1024 * 1024);
    const objects = [...logs, big];
    const { bucket } = await bucketWith('collapse-digests-big', objects);
    const { outcome } = await collapseWithDigests(bucket, { partSize: 5 * 1024 * 1024 });
    expect(outcome).toMatchObject({ status: 'collapsed', keysDeleted: 9 });
    const manifest = await readManifest(s3, bucket, OUTPUT);
    expect(manifest.members.find((member) => member.key === at)?.sha256Uncompressed).toBe(
      sha256(gunzipSync(big.body)),
    );

    const wrong = await bucketWith('collapse-digests-big-wrong', objects, { wrong: [at] });
    const before = await snapshot(s3, wrong.bucket);
    const failed = await collapseWithDigests(wrong.bucket, { partSize: 5 * 1024 * 1024 });
    expect(failed.outcome.error).toMatchObject({ code: 'digest-mismatch', originalsKept: true });
    expect(failed.outcome.error?.message).toContain(at);
    expect(await snapshot(s3, wrong.bucket)).toEqual(before);
  });
});
