import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { parseManifest } from '../../source/engine/manifest.js';
import { collapseRange, gunzipText } from '../support/collapse.js';
import { contextFor, getBytes, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const DAY2 = new Date('2024-05-02T00:00:00Z');
const NOW = new Date('2024-05-03T10:00:00Z');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const byKey = (a: SeedObject, b: SeedObject) => (a.key < b.key ? -1 : 1);

describe('S3 access logs, simple layout', () => {
  let bucket: string;
  const day1 = accessLogObjects({
    prefix: 'logs/',
    days: [DAY1],
    objectsPerDay: 6,
    sourceBucket: 'site',
    seed: 11,
  });
  const day2 = accessLogObjects({
    prefix: 'logs/',
    days: [DAY2],
    objectsPerDay: 4,
    sourceBucket: 'site',
    seed: 12,
  });
  // An input without a final newline: the output must get one so its last record does not fuse.
  const unterminated = {
    key: 'logs/2024-05-01-23-59-59-FFFFFFFFFFFFFFFF',
    body: Buffer.from('last record without newline'),
  };
  const traps = [
    { key: 'logs/README.txt', body: Buffer.from('not a log') },
    { key: 'logs/2024-05-03-09-00-00-AAAAAAAAAAAAAAAA', body: Buffer.from('today, still being written\n') },
    { key: 'other/2024-05-01-10-00-00-BBBBBBBBBBBBBBBB', body: Buffer.from('another series\n') },
  ];
  let result: Awaited<ReturnType<typeof collapseRange>>;

  beforeAll(async () => {
    bucket = await newBucket(s3, 'simple');
    await putObjects(s3, bucket, [...day1, unterminated, ...day2, ...traps]);
    result = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 's3-access-simple',
      root: 'logs/',
      from: '2024-05-01',
      to: '2024-05-02',
    });
  });

  it('writes one output per day holding the inputs verbatim, in key order, with a newline where one was missing', async () => {
    const expected = Buffer.concat([
      ...[...day1, unterminated].sort(byKey).map((object) => object.body),
      Buffer.from('\n'),
    ]);
    expect((await getBytes(s3, bucket, 'logs/2024-05-01_collapsed')).equals(expected)).toBe(true);
    const expected2 = Buffer.concat([...day2].sort(byKey).map((object) => object.body));
    expect((await getBytes(s3, bucket, 'logs/2024-05-02_collapsed')).equals(expected2)).toBe(true);
  });

  it('deletes exactly the collapsed originals and leaves everything else', async () => {
    expect((await listKeys(s3, bucket)).sort()).toEqual(
      [
        'logs/2024-05-01_collapsed',
        'logs/_2024-05-01_collapsed.manifest.json',
        'logs/2024-05-02_collapsed',
        'logs/_2024-05-02_collapsed.manifest.json',
        ...traps.map((trap) => trap.key),
      ].sort(),
    );
    expect(result.result.periods.map((period) => [period.label, period.status, period.keysDeleted])).toEqual([
      ['2024-05-01', 'collapsed', 7],
      ['2024-05-02', 'collapsed', 4],
    ]);
  });

  it('writes a complete manifest that locates every member byte-exactly', async () => {
    const output = await getBytes(s3, bucket, 'logs/2024-05-01_collapsed');
    const parsed = parseManifest(
      (await getBytes(s3, bucket, 'logs/_2024-05-01_collapsed.manifest.json')).toString(),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const manifest = parsed.manifest;
    expect(manifest).toMatchObject({
      format: 's3collapse-manifest/1',
      state: 'complete',
      layout: 's3-access-simple',
      series: 'logs/',
      encoding: 'plain',
      period: { by: 'day', start: '2024-05-01T00:00:00.000Z', end: '2024-05-02T00:00:00.000Z' },
      output: { key: 'logs/2024-05-01_collapsed', size: output.length, sha256: sha256(output) },
    });
    const originals = new Map([...day1, unterminated].map((object) => [object.key, object.body]));
    expect(manifest.members.map((member) => member.key)).toEqual([...originals.keys()].sort());
    for (const member of manifest.members) {
      expect(
        output.subarray(member.offset, member.offset + member.size).equals(originals.get(member.key)!),
      ).toBe(true);
    }
    expect(manifest.members.find((member) => member.key === unterminated.key)?.separator).toBe(1);
  });
});

describe('CloudTrail, per account and region, organization trails too', () => {
  let bucket: string;
  const objects = cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }, { account: '444455556666', org: 'o-a1b2c3d4e5' }],
    regions: ['eu-west-1', 'us-east-1'],
    days: [DAY1],
    filesPerDay: 5,
    seed: 21,
  });
  const today = cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }],
    regions: ['eu-west-1'],
    days: [new Date('2024-05-03T00:00:00Z')],
    filesPerDay: 2,
    seed: 22,
  }).filter((object) => object.key.includes('/CloudTrail/'));
  const logs = objects.filter((object) => object.key.includes('/CloudTrail/'));
  const others = objects.filter((object) => !object.key.includes('/CloudTrail/'));

  beforeAll(async () => {
    bucket = await newBucket(s3, 'trail');
    await putObjects(s3, bucket, [...objects, ...today]);
    await collapseRange(contextFor(s3, bucket, NOW), { layout: 'cloudtrail', root: '', from: '2024-05-01' });
  });

  it('writes one gzip output per account × region whose records read one document per line', async () => {
    const series = [
      ['AWSLogs/111122223333/CloudTrail/eu-west-1/', '111122223333', 'eu-west-1'],
      ['AWSLogs/111122223333/CloudTrail/us-east-1/', '111122223333', 'us-east-1'],
      ['AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/', '444455556666', 'eu-west-1'],
      ['AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1/', '444455556666', 'us-east-1'],
    ];
    for (const [base, account, region] of series) {
      const outputKey = `${base}2024/05/01/${account}_CloudTrail_${region}_20240501_collapsed.json.gz`;
      const inputs = logs.filter((object) => object.key.startsWith(base!)).sort(byKey);
      expect(inputs).toHaveLength(5);
      const text = gunzipText(await getBytes(s3, bucket, outputKey));
      expect(text).toBe(inputs.map((object) => `${gunzipSync(object.body).toString()}\n`).join(''));
      expect(
        text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line).Records.length),
      ).toHaveLength(5);
    }
  });

  it('never touches digest and Insights files or keys of an unfinished day', async () => {
    const left = await listKeys(s3, bucket);
    for (const object of [...others, ...today]) expect(left).toContain(object.key);
    for (const object of logs) expect(left).not.toContain(object.key);
  });
});

describe('S3 access logs, date-partitioned layout', () => {
  it('collapses each day into its own folder', async () => {
    const bucket = await newBucket(s3, 'partitioned');
    const objects = accessLogObjects({
      prefix: 'logs/',
      days: [DAY1, DAY2],
      objectsPerDay: 5,
      sourceBucket: 'my-site',
      partition: { account: '123456789012', region: 'eu-west-1' },
      seed: 31,
    });
    await putObjects(s3, bucket, objects);
    await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 's3-access-partitioned',
      root: 'logs/',
      from: '2024-05-01',
      to: '2024-05-02',
    });
    const base = 'logs/123456789012/eu-west-1/my-site/2024/05/';
    expect((await listKeys(s3, bucket)).sort()).toEqual([
      `${base}01/2024-05-01_collapsed`,
      `${base}01/_2024-05-01_collapsed.manifest.json`,
      `${base}02/2024-05-02_collapsed`,
      `${base}02/_2024-05-02_collapsed.manifest.json`,
    ]);
    const day2 = objects.filter((object) => object.key.includes('/2024/05/02/')).sort(byKey);
    expect(
      (await getBytes(s3, bucket, `${base}02/2024-05-02_collapsed`)).equals(
        Buffer.concat(day2.map((o) => o.body)),
      ),
    ).toBe(true);
  });
});

describe('a period of more than 1,000 keys', () => {
  it('lists past the first page and collapses every key', async () => {
    const bucket = await newBucket(s3, 'many');
    const objects = accessLogObjects({
      prefix: '',
      days: [DAY1],
      objectsPerDay: 1100,
      sourceBucket: 'site',
      seed: 41,
    });
    await putObjects(s3, bucket, objects);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 's3-access-simple',
      root: '',
      from: '2024-05-01',
      // A small window and part size make ordering and multipart paths do real work.
      options: { downloadConcurrency: 8, maxBytesInFlight: 64 * 1024, partSize: 5 * 1024 * 1024 },
    });
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keys: 1100, keysDeleted: 1100 });
    expect((await listKeys(s3, bucket)).sort()).toEqual([
      '2024-05-01_collapsed',
      '_2024-05-01_collapsed.manifest.json',
    ]);
    const expected = Buffer.concat([...objects].sort(byKey).map((object) => object.body));
    expect(sha256(await getBytes(s3, bucket, '2024-05-01_collapsed'))).toBe(sha256(expected));
  });
});

describe('gzip inputs without a final newline', () => {
  it('get a gzip member holding a newline, so the output stays one valid gzip stream', async () => {
    const bucket = await newBucket(s3, 'gz');
    const objects = cloudTrailObjects({
      prefix: 'x/',
      accounts: [{ account: '111122223333' }],
      regions: ['eu-west-1'],
      days: [DAY1],
      filesPerDay: 3,
      seed: 51,
    }).filter((object) => object.key.includes('/CloudTrail/'));
    // One input already ends its document with a newline: it needs no separator.
    objects[0] = { key: objects[0]!.key, body: gzipSync('{"Records":[]}\n') };
    await putObjects(s3, bucket, objects);
    await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 'cloudtrail',
      root: 'x/',
      from: '2024-05-01',
    });
    const manifestKey =
      'x/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/_111122223333_CloudTrail_eu-west-1_20240501_collapsed.json.gz.manifest.json';
    const manifest = JSON.parse((await getBytes(s3, bucket, manifestKey)).toString());
    const separators = manifest.members.map((member: { key: string; separator: number }) => [
      member.key === objects[0]!.key,
      member.separator,
    ]);
    expect(separators.filter(([first]: [boolean]) => first)).toEqual([[true, 0]]);
    expect(separators.filter(([first, size]: [boolean, number]) => !first && size > 0)).toHaveLength(2);
  });
});

describe('a failing period', () => {
  it('never stops the others', async () => {
    const bucket = await newBucket(s3, 'isolated');
    const day1 = accessLogObjects({
      prefix: 'logs/',
      days: [DAY1],
      objectsPerDay: 4,
      sourceBucket: 'site',
      seed: 61,
    });
    const day2 = accessLogObjects({
      prefix: 'logs/',
      days: [DAY2],
      objectsPerDay: 4,
      sourceBucket: 'site',
      seed: 62,
    });
    const gz = { key: 'logs/2024-05-01-12-00-00-0123456789ABCDEF', body: gzipSync('compressed\n') };
    await putObjects(s3, bucket, [...day1, gz, ...day2]);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 's3-access-simple',
      root: 'logs/',
      from: '2024-05-01',
      to: '2024-05-02',
    });
    expect(result.periods.map((period) => [period.label, period.status])).toEqual([
      ['2024-05-01', 'failed'],
      ['2024-05-02', 'collapsed'],
    ]);
    const left = await listKeys(s3, bucket);
    for (const object of [...day1, gz]) expect(left).toContain(object.key);
    expect(left).not.toContain('logs/2024-05-01_collapsed');
    expect(left).toContain('logs/2024-05-02_collapsed');
  });
});

describe('--out-prefix', () => {
  it('puts outputs and manifests under another prefix, and a re-run finds them there', async () => {
    const bucket = await newBucket(s3, 'outprefix');
    const day1 = accessLogObjects({
      prefix: 'logs/',
      days: [DAY1],
      objectsPerDay: 3,
      sourceBucket: 'site',
      seed: 71,
    });
    await putObjects(s3, bucket, day1);
    const request = {
      layout: 's3-access-simple',
      root: 'logs/',
      from: '2024-05-01',
      outPrefix: 'collapsed/',
    } as const;
    await collapseRange(contextFor(s3, bucket, NOW), request);
    expect((await listKeys(s3, bucket)).sort()).toEqual([
      'collapsed/logs/2024-05-01_collapsed',
      'collapsed/logs/_2024-05-01_collapsed.manifest.json',
    ]);
    const again = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(again.result.periods[0]!.status).toBe('already-collapsed');
  });
});
