import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { DigestIndex, digestDayPrefixes, parseDigest } from '../../source/engine/cloudtrail-digests.js';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import { verifyBucket } from '../../source/engine/verify-bucket.js';
import { verifyOutput, type OutputCheck } from '../../source/engine/verify-output.js';
import { cloudTrail } from '../../source/layouts/cloudtrail.js';
import { periodOf } from '../../source/periods.js';
import { digestObjects } from '../support/cloudtrail-digests.js';
import { collapseRange } from '../support/collapse.js';
import { readManifest } from '../support/collapsed-outputs.js';
import { contextFor, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY = new Date('2024-05-01T00:00:00Z');
const NOW = new Date('2024-05-03T10:00:00Z');
const ACCOUNT = '111122223333';
const BASE = `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/`;
const OUTPUT = `${BASE}2024/05/01/${ACCOUNT}_CloudTrail_eu-west-1_20240501_collapsed.json.gz`;
const HASH = 'a'.repeat(64);

const seriesOf = (key: string) => cloudTrail.parse(key)!.series;

describe('parseDigest', () => {
  const entry = (s3Object: string, hashValue = HASH, hashAlgorithm = 'SHA-256') => ({
    s3Bucket: 'b',
    s3Object,
    hashValue,
    hashAlgorithm,
  });
  it.each([
    [
      'entries, hex lowercased',
      { logFiles: [entry('k1'), entry('k2', 'B'.repeat(64))] },
      [
        { key: 'k1', sha256: HASH },
        { key: 'k2', sha256: 'b'.repeat(64) },
      ],
    ],
    ['an empty digest (no deliveries in its hour)', { awsAccountId: ACCOUNT, logFiles: [] }, []],
    [
      'another algorithm or a hash that is no SHA-256: left out',
      {
        logFiles: [entry('k1', HASH, 'MD5'), entry('k2', 'abc'), entry('k3')],
      },
      [{ key: 'k3', sha256: HASH }],
    ],
  ])('%s', (_name, document, entries) => {
    expect(parseDigest(JSON.stringify(document))).toEqual({ ok: true, entries });
  });

  it.each([
    ['not JSON', '{"logFiles": ['],
    ["no logFiles (the demo's placeholder digest)", JSON.stringify({ awsAccountId: ACCOUNT })],
    ['logFiles entries without hashValue', JSON.stringify({ logFiles: [{ s3Object: 'k' }] })],
  ])('refuses %s', (_name, text) => {
    expect(parseDigest(text).ok).toBe(false);
  });
});

describe('digestDayPrefixes', () => {
  const digest = (prefix: string, day: string, region = 'eu-west-1') =>
    `${prefix}/CloudTrail-Digest/${region}/${day}/${ACCOUNT}_CloudTrail-Digest_${region}_`;
  const logKey = (prefix: string, region = 'eu-west-1') =>
    `${prefix}/CloudTrail/${region}/2024/02/29/${ACCOUNT}_CloudTrail_${region}_20240229T2355Z_0123456789abcdef.json.gz`;
  const plain = `AWSLogs/${ACCOUNT}`;
  const org = `root/AWSLogs/o-abcdefghij/${ACCOUNT}`;
  const at = new Date('2024-02-29T23:55:00Z');
  it.each([
    [
      'a day: it and the next (a leap day, into March)',
      plain,
      periodOf(at, 'day'),
      ['2024/02/29', '2024/03/01'],
    ],
    ['an hour: its day and the next', plain, periodOf(at, 'hour'), ['2024/02/29', '2024/03/01']],
    ['an organization trail under a prefix', org, periodOf(at, 'day'), ['2024/02/29', '2024/03/01']],
  ])('%s', (_name, prefix, period, days) => {
    expect(digestDayPrefixes(seriesOf(logKey(prefix)), period)).toEqual(
      days.map((day) => digest(prefix, day)),
    );
  });

  it('a month: every day of it and the first of the next', () => {
    const prefixes = digestDayPrefixes(seriesOf(logKey(plain)), periodOf(at, 'month'));
    expect(prefixes).toHaveLength(30);
    expect(prefixes[0]).toBe(digest(plain, '2024/02/01'));
    expect(prefixes.at(-1)).toBe(digest(plain, '2024/03/01'));
  });
});

/** A day of CloudTrail logs, one file about every hour (so the last hour's digest is the next day's). */
function dayOfLogs(seed: number): SeedObject[] {
  return cloudTrailObjects({
    prefix: '',
    accounts: [{ account: ACCOUNT }],
    regions: ['eu-west-1'],
    days: [DAY],
    filesPerDay: 24,
    seed,
  }).filter((object) => object.key.includes('/CloudTrail/'));
}

/** A bucket whose day of logs was collapsed, with digests written for them as `request` says. */
async function collapsedWithDigests(
  label: string,
  seed: number,
  digests: { omit?: string[]; wrong?: string[] } = {},
): Promise<{ bucket: string; logs: SeedObject[]; digestKeys: string[] }> {
  const bucket = await newBucket(s3, label);
  const logs = dayOfLogs(seed);
  const digestFiles = digestObjects(logs, { bucket, ...digests });
  await putObjects(s3, bucket, [...logs, ...digestFiles]);
  const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
    layout: 'cloudtrail',
    root: '',
    from: '2024-05-01',
  });
  expect(result.periods.map((period) => period.status)).toEqual(['collapsed']);
  return { bucket, logs, digestKeys: digestFiles.map((file) => file.key).sort() };
}

async function checkWithDigests(bucket: string): Promise<OutputCheck> {
  const manifest = await readManifest(s3, bucket, OUTPUT);
  return verifyOutput(s3, bucket, manifestKeyFor(OUTPUT), manifest, { digests: new DigestIndex(s3, bucket) });
}

describe('verify with digests, on outputs the collapse wrote', () => {
  it("every member matches its digest entry, the last hour's from the next day's folder; digests are left alone", async () => {
    const { bucket, logs, digestKeys } = await collapsedWithDigests('digests-ok', 41);
    // The trap this proves: a log of 23:xx is listed only in a digest filed under 2024/05/02.
    const lastLog = logs
      .map((log) => log.key)
      .sort()
      .at(-1)!;
    expect(lastLog).toMatch(/_20240501T23\d\dZ_/);
    expect(digestKeys.at(-1)).toContain('/CloudTrail-Digest/eu-west-1/2024/05/02/');

    const result = await checkWithDigests(bucket);
    expect(result).toMatchObject({
      status: 'ok',
      problems: [],
      digests: { ok: 24, unchecked: [], unreadable: [], digestFiles: digestKeys.length },
    });
    // The collapse never takes, and never deletes, a digest file.
    expect(await listKeys(s3, bucket, `AWSLogs/${ACCOUNT}/CloudTrail-Digest/`)).toEqual(digestKeys);
  });

  it('a digest entry with another hash: that member is a problem, and only it', async () => {
    const victim = dayOfLogs(42)[7]!.key;
    const { bucket } = await collapsedWithDigests('digests-wrong', 42, { wrong: [victim] });
    const result = await checkWithDigests(bucket);
    expect(result.status).toBe('wrong');
    expect(result.status !== 'in-progress' && result.problems).toEqual([
      {
        kind: 'digest',
        member: victim,
        expected: expect.stringMatching(/^[0-9a-f]{64}$/),
        actual: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(result).toMatchObject({ digests: { ok: 23, unchecked: [] } });
  });

  it('a log file absent from every digest is reported unchecked, not wrong', async () => {
    const missing = dayOfLogs(43)[3]!.key;
    const { bucket } = await collapsedWithDigests('digests-missing', 43, { omit: [missing] });
    const result = await checkWithDigests(bucket);
    expect(result).toMatchObject({ status: 'ok', problems: [], digests: { ok: 23, unchecked: [missing] } });
  });

  it('an unreadable digest file is reported, and its log files count as unchecked', async () => {
    const { bucket, logs, digestKeys } = await collapsedWithDigests('digests-broken', 44);
    const broken = digestKeys[0]!;
    await putObjects(s3, bucket, [{ key: broken, body: gzipSync('{"awsAccountId": "x"}') }]);
    const result = await checkWithDigests(bucket);
    expect(result.status).toBe('ok');
    expect(result.status !== 'in-progress' && result.digests?.unreadable).toEqual([
      { key: broken, reason: 'it has no logFiles list' },
    ]);
    expect(result.status !== 'in-progress' && result.digests?.unchecked).toEqual([
      logs.map((log) => log.key).sort()[0],
    ]);
  });

  it('verifyBucket passes the index on; without one no digest is read', async () => {
    const { bucket } = await collapsedWithDigests('digests-bucket', 45);
    const { findings } = await verifyBucket(s3, bucket, {
      prefix: '',
      concurrency: 4,
      digests: new DigestIndex(s3, bucket),
    });
    expect(findings).toMatchObject([{ kind: 'checked', check: { status: 'ok', digests: { ok: 24 } } }]);
    const without = await verifyBucket(s3, bucket, { prefix: '', concurrency: 4 });
    expect(without.findings[0]!.kind === 'checked' && 'digests' in without.findings[0]!.check).toBe(false);
  });
});
