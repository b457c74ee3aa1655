import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import { restoreMembers } from '../../source/engine/restore-members.js';
import { verifyOutput } from '../../source/engine/verify-output.js';
import { collapseRange } from '../support/collapse.js';
import { readManifest, rewrite, sha256 } from '../support/collapsed-outputs.js';
import { runCli } from '../support/run-cli.js';
import {
  contextFor,
  endpoint,
  getBytes,
  listKeys,
  newBucket,
  putObjects,
  testClient,
} from '../support/s3.js';

/**
 * A rolled-up month output is an output like any other to `verify` and `restore`: its manifest lists
 * every original at its offset in the month's bytes, so both work on it unchanged.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-06-10T10:00:00Z');
const DAYS = [1, 2, 3].map((day) => new Date(Date.UTC(2024, 4, day)));
const PLAIN_MONTH = 'logs/2024-05_collapsed';
const GZIP_MONTH =
  'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/111122223333_CloudTrail_eu-west-1_202405_collapsed.json.gz';

interface RolledBucket {
  readonly bucket: string;
  readonly plain: readonly SeedObject[];
  readonly gzip: readonly SeedObject[];
}

/** Days 1–2 collapsed by day, then May by month: day 3's originals go in as themselves. */
async function rolledBucket(label: string): Promise<RolledBucket> {
  const bucket = await newBucket(s3, label);
  const plain = [
    ...accessLogObjects({ prefix: 'logs/', days: DAYS, objectsPerDay: 4, sourceBucket: 'site', seed: 61 }),
    { key: 'logs/2024-05-02-23-59-59-FFFFFFFFFFFFFFFF', body: Buffer.from('last record without newline') },
  ];
  const gzip = cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }],
    regions: ['eu-west-1'],
    days: DAYS,
    filesPerDay: 3,
    seed: 62,
  }).filter((object) => object.key.includes('/CloudTrail/'));
  await putObjects(s3, bucket, [...plain, ...gzip]);
  const ctx = contextFor(s3, bucket, NOW);
  for (const layout of [
    { layout: 's3-access-simple', root: 'logs/' },
    { layout: 'cloudtrail', root: '' },
  ] as const) {
    await collapseRange(ctx, { ...layout, from: '2024-05-01', to: '2024-05-02' });
    const { result } = await collapseRange(ctx, { ...layout, from: '2024-05', by: 'month' });
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', outputsRolledUp: 2 });
  }
  expect((await listKeys(s3, bucket)).filter((key) => key.includes('_collapsed'))).toHaveLength(4);
  return { bucket, plain, gzip };
}

describe('verify and restore on rolled-up month outputs', () => {
  let fixture: RolledBucket;
  beforeAll(async () => {
    fixture = await rolledBucket('roll-audit');
  });

  it.each([
    ['plain', PLAIN_MONTH, () => fixture.plain],
    ['gzip', GZIP_MONTH, () => fixture.gzip],
  ])('verify passes on a %s month output, every member checked by MD5', async (_, outputKey, originals) => {
    const manifest = await readManifest(s3, fixture.bucket, outputKey);
    const check = await verifyOutput(s3, fixture.bucket, manifestKeyFor(outputKey), manifest);
    expect(check).toMatchObject({ status: 'ok', problems: [], members: originals().length });
    expect(check.status === 'ok' && check.md5Checked).toBe(originals().length);
    // Days 1 and 2 went in as their outputs: each checked at its recorded offset.
    expect(check.status === 'ok' && check.rolledUpChecked).toBe(2);
  });

  it.each([
    ['plain', PLAIN_MONTH, () => fixture.plain],
    ['gzip', GZIP_MONTH, () => fixture.gzip],
  ])(
    'restore brings back every original of a %s month output, byte-equal',
    async (_, outputKey, originals) => {
      const results = await restoreMembers(s3, fixture.bucket, {
        manifestKey: manifestKeyFor(outputKey),
        manifest: await readManifest(s3, fixture.bucket, outputKey),
        toPrefix: 'audit/',
        dryRun: false,
        concurrency: 4,
        checkMd5: true,
      });
      const keys = originals()
        .map((original) => original.key)
        .sort();
      expect(results.map((result) => [result.key, result.status, result.md5Checked])).toEqual(
        keys.map((key) => [key, 'restored', true]),
      );
      for (const original of originals())
        expect(sha256(await getBytes(s3, fixture.bucket, `audit/${original.key}`))).toBe(
          sha256(original.body),
        );
    },
  );

  it('the CLI: verify over the bucket passes, restore of one rolled-in original writes it back', async () => {
    const on = ['--endpoint', endpoint(), '--bucket', fixture.bucket];
    const verify = await runCli(['verify', ...on]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`✔ ${PLAIN_MONTH}: ok \\(.*2 rolled-in outputs\\)`));
    expect(verify.stdout).toContain(`✔ ${GZIP_MONTH}: ok`);

    // From day 1, so it came into the month inside the day's output.
    const member = fixture.gzip[0]!;
    const restore = await runCli(['restore', ...on, '--output', GZIP_MONTH, '--member', member.key]);
    expect(restore.code, restore.stderr).toBe(0);
    expect((await getBytes(s3, fixture.bucket, member.key)).equals(member.body)).toBe(true);
  });
});

describe('verify catches a rolled-up output that differs', () => {
  it('one byte flipped in the month output: verify names the member it falls in', async () => {
    const fixture = await rolledBucket('roll-audit-flip');
    const manifest = await readManifest(s3, fixture.bucket, PLAIN_MONTH);
    const victim = manifest.members[1]!;
    await rewrite(s3, fixture.bucket, PLAIN_MONTH, (bytes) => {
      bytes[victim.offset] = bytes[victim.offset]! ^ 0x20;
    });
    const check = await verifyOutput(s3, fixture.bucket, manifestKeyFor(PLAIN_MONTH), manifest);
    expect(check.status).toBe('wrong');
    expect(check.status !== 'in-progress' && check.problems.map((problem) => problem.kind)).toEqual([
      'sha256',
      'rolled-up',
      'member-md5',
    ]);
  });

  it("a rolled-up record whose SHA-256 or range does not fit the month's bytes is named", async () => {
    const fixture = await rolledBucket('roll-audit-record');
    const manifest = await readManifest(s3, fixture.bucket, PLAIN_MONTH);
    const [first, second] = manifest.rolledUp!;
    const tampered = {
      ...manifest,
      rolledUp: [
        { ...first!, sha256: 'f'.repeat(64) },
        { ...second!, offset: second!.offset + 1 },
      ],
    };
    const check = await verifyOutput(s3, fixture.bucket, manifestKeyFor(PLAIN_MONTH), tampered);
    expect(check.status !== 'in-progress' && check.problems).toEqual([
      { kind: 'rolled-up-range', output: second!.key },
      { kind: 'rolled-up', output: first!.key, expected: 'f'.repeat(64), actual: first!.sha256 },
    ]);
  });
});
