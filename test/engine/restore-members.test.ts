import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import { restoreMembers, type RestoreRequest } from '../../source/engine/restore-members.js';
import { UserError } from '../../source/errors.js';
import {
  collapsedBucket,
  flipByte,
  GZIP_OUTPUT,
  PLAIN_OUTPUT,
  readManifest,
  rewrite,
  sha256,
  writeManifest,
  type CollapsedBucket,
} from '../support/collapsed-outputs.js';
import { getBytes, listKeys, putObjects, snapshot, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

async function restore(fixture: CollapsedBucket, outputKey: string, extra: Partial<RestoreRequest> = {}) {
  return restoreMembers(s3, fixture.bucket, {
    manifestKey: manifestKeyFor(outputKey),
    manifest: await readManifest(s3, fixture.bucket, outputKey),
    dryRun: false,
    concurrency: 4,
    checkMd5: true,
    ...extra,
  });
}

const hashOf = async (bucket: string, key: string) => sha256(await getBytes(s3, bucket, key));

describe('restore brings back byte-equal originals', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'restore-all');
  });

  it.each([
    ['plain', PLAIN_OUTPUT, () => fixture.plainKeys],
    ['gzip', GZIP_OUTPUT, () => fixture.gzipKeys],
  ])('every member of a %s output, where it was, checked by MD5', async (_kind, outputKey, keysOf) => {
    const keys = keysOf();
    // The collapse deleted them: they come back from the output alone.
    expect((await listKeys(s3, fixture.bucket)).filter((key) => keys.includes(key))).toEqual([]);
    const results = await restore(fixture, outputKey);
    expect(results.map((result) => [result.key, result.status, result.md5Checked])).toEqual(
      keys.map((key) => [key, 'restored', true]),
    );
    for (const key of keys) expect(await hashOf(fixture.bucket, key)).toBe(fixture.originals.get(key));
  });

  it('a second restore finds every member already there, byte-identical, and writes nothing', async () => {
    const before = await snapshot(s3, fixture.bucket);
    const results = await restore(fixture, PLAIN_OUTPUT);
    expect(new Set(results.map((result) => result.status))).toEqual(new Set(['identical']));
    expect(await snapshot(s3, fixture.bucket)).toEqual(before);
  });
});

describe('restore of chosen members, elsewhere', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'restore-some');
  });

  it('--member and --to-prefix: only those, under the prefix, byte-equal', async () => {
    const chosen = [fixture.gzipKeys[1]!, fixture.gzipKeys[3]!];
    const results = await restore(fixture, GZIP_OUTPUT, { members: chosen, toPrefix: 'audit/' });
    expect(results.map((result) => [result.target, result.status])).toEqual(
      chosen.map((key) => [`audit/${key}`, 'restored']),
    );
    expect(await listKeys(s3, fixture.bucket, 'audit/')).toEqual(chosen.map((key) => `audit/${key}`));
    for (const key of chosen)
      expect(await hashOf(fixture.bucket, `audit/${key}`)).toBe(fixture.originals.get(key));
    // Nothing at the original keys, and the output and manifest untouched.
    expect((await listKeys(s3, fixture.bucket, 'AWSLogs/')).filter((key) => chosen.includes(key))).toEqual(
      [],
    );
  });

  it('--dry-run checks every member and writes nothing', async () => {
    const before = await snapshot(s3, fixture.bucket);
    const results = await restore(fixture, PLAIN_OUTPUT, { dryRun: true });
    expect(new Set(results.map((result) => result.status))).toEqual(new Set(['would-restore']));
    expect(await snapshot(s3, fixture.bucket)).toEqual(before);
  });

  it('a --member the manifest does not hold is a UserError naming it and one that is', async () => {
    const error = await restore(fixture, PLAIN_OUTPUT, { members: ['logs/not-a-member'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      message: "--member logs/not-a-member is not in this output's manifest.",
      fix: `Give a member key exactly as the manifest lists it, e.g. --member ${fixture.plainKeys[0]}.`,
    });
  });
});

describe('restore never overwrites', () => {
  let fixture: CollapsedBucket;
  beforeAll(async () => {
    fixture = await collapsedBucket(s3, 'restore-safe');
  });

  it('a key that holds other bytes is skipped and left exactly as it was; the others are restored', async () => {
    const taken = fixture.plainKeys[2]!;
    await putObjects(s3, fixture.bucket, [{ key: taken, body: 'somebody else wrote this\n' }]);
    const results = await restore(fixture, PLAIN_OUTPUT);
    expect(results.find((result) => result.key === taken)).toMatchObject({ status: 'exists-different' });
    expect(results.filter((result) => result.status === 'restored')).toHaveLength(
      fixture.plainKeys.length - 1,
    );
    expect((await getBytes(s3, fixture.bucket, taken)).toString()).toBe('somebody else wrote this\n');
  });

  it('bytes that do not match the member (size or MD5) are never written', async () => {
    const fresh = await collapsedBucket(s3, 'restore-bad');
    const manifest = await readManifest(s3, fresh.bucket, GZIP_OUTPUT);
    const victim = manifest.members[0]!;
    await rewrite(s3, fresh.bucket, GZIP_OUTPUT, (bytes) => {
      flipByte(bytes, victim.offset + 12, 0xff);
    });
    const results = await restore(fresh, GZIP_OUTPUT);
    expect(results.find((result) => result.key === victim.key)).toMatchObject({ status: 'bytes-wrong' });
    expect(await listKeys(s3, fresh.bucket, victim.key)).toEqual([]);
    expect(results.filter((result) => result.status === 'restored')).toHaveLength(
      manifest.members.length - 1,
    );
  });

  it('refuses a pending manifest: a run is replacing that output', async () => {
    const fresh = await collapsedBucket(s3, 'restore-pending');
    const manifest = await readManifest(s3, fresh.bucket, PLAIN_OUTPUT);
    await writeManifest(s3, fresh.bucket, { ...manifest, state: 'pending' });
    await expect(restore(fresh, PLAIN_OUTPUT)).rejects.toThrow(/A run is replacing this output right now/);
    expect(await listKeys(s3, fresh.bucket, 'logs/2024-05-01-')).toEqual([]);
  });
});
