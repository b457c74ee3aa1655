import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudFrontObjects } from '../../source/demo/cloudfront-logs.js';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { redshiftObjects } from '../../source/demo/redshift-logs.js';
import { wafObjects } from '../../source/demo/waf-logs.js';
import { manifestKeyFor, parseManifest } from '../../source/engine/manifest.js';
import { collapseRange, gunzipText } from '../support/collapse.js';
import { contextFor, getBytes, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const DAY2 = new Date('2024-05-02T00:00:00Z');
const TODAY = new Date('2024-05-03T00:00:00Z');
const NOW = new Date('2024-05-03T10:00:00Z');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** S3's order: UTF-8 bytes (the keys here are ASCII, where it is JavaScript's order too). */
const byKey = (a: SeedObject, b: SeedObject) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

/**
 * The output holds exactly the inputs' bytes in key order (they all end in a newline, so no separator
 * is added), and its complete manifest places every member at its byte offset.
 */
async function expectCollapsedExactly(bucket: string, outputKey: string, inputs: readonly SeedObject[]) {
  expect(inputs.length).toBeGreaterThan(1);
  const sorted = [...inputs].sort(byKey);
  const output = await getBytes(s3, bucket, outputKey);
  expect(output.equals(Buffer.concat(sorted.map((object) => object.body)))).toBe(true);
  expect(gunzipText(output)).toBe(sorted.map((object) => gunzipSync(object.body).toString()).join(''));
  const parsed = parseManifest((await getBytes(s3, bucket, manifestKeyFor(outputKey))).toString());
  expect(parsed.ok).toBe(true);
  if (!parsed.ok) return;
  expect(parsed.manifest).toMatchObject({
    state: 'complete',
    encoding: 'gzip',
    output: { key: outputKey, size: output.length, sha256: sha256(output) },
  });
  expect(parsed.manifest.members.map((member) => member.key)).toEqual(sorted.map((object) => object.key));
  let offset = 0;
  for (const [index, member] of parsed.manifest.members.entries()) {
    expect([member.offset, member.size, member.separator]).toEqual([offset, sorted[index]!.body.length, 0]);
    offset += member.size;
  }
}

describe('CloudFront standard logs, by day', () => {
  let bucket: string;
  const distributions = ['E2ABCDEF123456', 'EMLARXS9EXAMPLE'];
  const logs = cloudFrontObjects({ prefix: 'cdn/', distributions, days: [DAY1], filesPerDay: 6, seed: 81 });
  const neighbours: SeedObject[] = [
    ...cloudFrontObjects({ prefix: 'cdn/', distributions, days: [DAY2], filesPerDay: 2, seed: 82 }),
    // Today's hours are still being delivered.
    ...cloudFrontObjects({
      prefix: 'cdn/',
      distributions: ['E2ABCDEF123456'],
      days: [TODAY],
      filesPerDay: 1,
      seed: 83,
    }),
    ...cloudFrontObjects({
      prefix: 'other/',
      distributions: ['E3OTHER0000000'],
      days: [DAY1],
      filesPerDay: 2,
      seed: 84,
    }),
    { key: 'cdn/README.txt', body: Buffer.from('CloudFront logs for the demo site.\n') },
    { key: 'cdn/E2ABCDEF123456.2024-05-01-13.notours', body: Buffer.from('not a log\n') },
  ].filter((object) => !object.key.startsWith('cdn/E2ABCDEF123456.2024-05-03-1'));
  let result: Awaited<ReturnType<typeof collapseRange>>;

  beforeAll(async () => {
    bucket = await newBucket(s3, 'cloudfront');
    await putObjects(s3, bucket, [...logs, ...neighbours]);
    result = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 'cloudfront',
      root: 'cdn/',
      from: '2024-05-01',
    });
  });

  it('writes one output per distribution holding its inputs byte for byte', async () => {
    for (const distribution of distributions) {
      const inputs = logs.filter((object) => object.key.startsWith(`cdn/${distribution}.`));
      await expectCollapsedExactly(bucket, `cdn/${distribution}.2024-05-01_collapsed.gz`, inputs);
    }
    expect(result.result.periods.map((period) => [period.label, period.status, period.keysDeleted])).toEqual([
      ['2024-05-01', 'collapsed', 6],
      ['2024-05-01', 'collapsed', 6],
    ]);
  });

  it('deletes the originals and leaves every neighbour', async () => {
    const left = await listKeys(s3, bucket);
    for (const object of logs) expect(left).not.toContain(object.key);
    for (const object of neighbours) expect(left).toContain(object.key);
  });
});

describe('Redshift audit logs, by day (keys with a colon)', () => {
  let bucket: string;
  const options = {
    prefix: 'audit/',
    account: '111122223333',
    region: 'eu-west-1',
    clusters: ['analytics', 'etl-prod'],
  };
  const logs = redshiftObjects({ ...options, days: [DAY1], filesPerDay: 3, seed: 91 });
  const neighbours: SeedObject[] = [
    ...redshiftObjects({ ...options, clusters: ['analytics'], days: [DAY2], filesPerDay: 1, seed: 92 }),
    {
      key: 'audit/AWSLogs/111122223333/redshift/eu-west-1/2024/05/01/111122223333_redshift_eu-west-1_analytics_querylog_2024-05-01T10:00.gz',
      body: Buffer.from('unknown log type\n'),
    },
    {
      key: 'audit/AWSLogs/111122223333/redshift/eu-west-1/2024/05/01/notes.txt',
      body: Buffer.from('notes\n'),
    },
  ];

  beforeAll(async () => {
    bucket = await newBucket(s3, 'redshift');
    await putObjects(s3, bucket, [...logs, ...neighbours]);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 'redshift',
      root: 'audit/',
      from: '2024-05-01',
    });
    expect(result.periods.map((period) => period.status)).toEqual(Array(6).fill('collapsed'));
  });

  it('writes one output per cluster and log type in the day folder, byte for byte', async () => {
    const folder = 'audit/AWSLogs/111122223333/redshift/eu-west-1/2024/05/01/';
    for (const cluster of options.clusters) {
      for (const type of ['connectionlog', 'userlog', 'useractivitylog']) {
        const stem = `111122223333_redshift_eu-west-1_${cluster}_${type}_`;
        const inputs = logs.filter((object) => object.key.startsWith(`${folder}${stem}`));
        expect(inputs).toHaveLength(3);
        await expectCollapsedExactly(bucket, `${folder}${stem}2024-05-01_collapsed.gz`, inputs);
      }
    }
  });

  it('deletes the originals and leaves every neighbour', async () => {
    const left = await listKeys(s3, bucket);
    for (const object of logs) expect(left).not.toContain(object.key);
    for (const object of neighbours) expect(left).toContain(object.key);
  });
});

describe('AWS WAF logs', () => {
  const options = {
    prefix: '',
    account: '111122223333',
    webAcls: [
      { name: 'site-acl', region: 'cloudfront' },
      { name: 'api_acl', region: 'eu-west-1' },
    ],
  };
  const base = (acl: { name: string; region: string }) =>
    `AWSLogs/111122223333/WAFLogs/${acl.region}/${acl.name}/`;
  const name = (acl: { name: string; region: string }) => `111122223333_waflogs_${acl.region}_${acl.name}_`;

  it('by day: one output per web ACL in the day folder, above its hour folders; neighbours left', async () => {
    const bucket = await newBucket(s3, 'waf-day');
    const logs = wafObjects({ ...options, days: [DAY1], filesPerDay: 8, seed: 101 });
    const neighbours: SeedObject[] = [
      ...wafObjects({ ...options, days: [DAY2], filesPerDay: 2, seed: 102 }),
      // Its minute folder disagrees with its name: not a file AWS wrote.
      {
        key: 'AWSLogs/111122223333/WAFLogs/eu-west-1/api_acl/2024/05/01/13/55/111122223333_waflogs_eu-west-1_api_acl_20240501T1350Z_0a7915da.log.gz',
        body: Buffer.from('misplaced\n'),
      },
    ];
    await putObjects(s3, bucket, [...logs, ...neighbours]);
    await collapseRange(contextFor(s3, bucket, NOW), { layout: 'waf', root: '', from: '2024-05-01' });
    for (const acl of options.webAcls) {
      const inputs = logs.filter((object) => object.key.startsWith(base(acl)));
      await expectCollapsedExactly(
        bucket,
        `${base(acl)}2024/05/01/${name(acl)}20240501_collapsed.log.gz`,
        inputs,
      );
    }
    const left = await listKeys(s3, bucket);
    for (const object of logs) expect(left).not.toContain(object.key);
    for (const object of neighbours) expect(left).toContain(object.key);
  });

  it('by hour: the output goes into the hour folder, and other hours are left', async () => {
    const bucket = await newBucket(s3, 'waf-hour');
    const acl = options.webAcls[1]!;
    const logs = wafObjects({ ...options, webAcls: [acl], days: [DAY1], filesPerDay: 96, seed: 103 });
    const hour = logs.filter((object) => object.key.startsWith(`${base(acl)}2024/05/01/13/`));
    await putObjects(s3, bucket, logs);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 'waf',
      root: '',
      from: '2024-05-01T13:00:00Z',
      by: 'hour',
    });
    expect(result.periods.map((period) => [period.label, period.status])).toEqual([
      ['2024-05-01T13', 'collapsed'],
    ]);
    await expectCollapsedExactly(
      bucket,
      `${base(acl)}2024/05/01/13/${name(acl)}20240501T13_collapsed.log.gz`,
      hour,
    );
    const left = await listKeys(s3, bucket);
    for (const object of logs) expect(left.includes(object.key)).toBe(!hour.includes(object));
  });
});
