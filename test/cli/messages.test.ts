import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, listKeys, newBucket, putObjects, snapshot, testClient } from '../support/s3.js';

/**
 * Each message here was wrong once (it named no key, blamed a flag, or claimed what did not happen):
 * the text and the exit code a user meets, through the built CLI against the local server.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const DAYS = [new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z')];
const logs = (prefix = 'logs/', seed = 3) =>
  accessLogObjects({ prefix, days: DAYS, objectsPerDay: 4, sourceBucket: 'site', seed });
const args = (bucket: string, url = endpoint()) => [
  '--endpoint',
  url,
  '--bucket',
  bucket,
  '--from',
  '2024-05-01',
  '--to',
  '2024-05-02',
];
const run = (bucket: string, ...flags: string[]) => runCli([...args(bucket), ...flags]);

describe('a range that is already collapsed', () => {
  it('says so and exits 0 without --yes, claiming no collapse, verification or object count', async () => {
    const bucket = await newBucket(s3, 'again');
    await putObjects(s3, bucket, logs());
    expect((await run(bucket, '--yes')).code).toBe(0);
    const before = await snapshot(s3, bucket);

    const again = await run(bucket);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('done in');
    expect(again.stdout).toContain('0 collapsed, 2 already collapsed, 0 failed');
    expect(again.stdout).toContain('nothing new to collapse: every period with logs was collapsed before');
    expect(again.stdout).not.toMatch(/verified|objects in|Refusing/);
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('by day after by hour: the hour outputs are named, nothing is done, exit 0', async () => {
    const bucket = await newBucket(s3, 'byhour');
    await putObjects(s3, bucket, logs());
    expect((await run(bucket, '--by', 'hour', '--yes')).code).toBe(0);
    const before = await snapshot(s3, bucket);

    const byDay = await run(bucket, '--by', 'day', '--json');
    expect(byDay.code).toBe(0);
    expect(byDay.stderr).toMatch(
      /No S3 server access logs, simple layout keys are left from 2024-05-01 to 2024-05-02 \(UTC\): \d+ outputs of other periods hold them \(e\.g\. logs\/2024-05-01-\d\d_collapsed\)\. Nothing to do by day\./,
    );
    expect(JSON.parse(byDay.stdout)).toMatchObject({ exitCode: 0, totals: { collapsed: 0, failed: 0 } });
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('by hour after by day: the day outputs are found by their manifests', async () => {
    const bucket = await newBucket(s3, 'byday');
    await putObjects(s3, bucket, logs());
    expect((await run(bucket, '--yes')).code).toBe(0);
    const byHour = await run(bucket, '--by', 'hour');
    expect(byHour.code).toBe(0);
    expect(byHour.stdout).toMatch(
      /2 outputs of other periods hold them \(e\.g\. logs\/2024-05-01_collapsed\)/,
    );
  });
});

describe('detection and prefixes', () => {
  it('one layout under several prefixes: names the prefixes, one a line', async () => {
    const bucket = await newBucket(s3, 'prefixes');
    await putObjects(s3, bucket, [...logs('logs/'), ...logs('other/', 4)]);
    const before = await snapshot(s3, bucket);
    const result = await run(bucket, '--yes');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /✖ Found S3 server access logs, simple layout under 2 prefixes of s3:\/\/\S+\/; a run collapses one\./,
    );
    expect(result.stderr).toMatch(
      /Pick one with --prefix:\n {4}--prefix logs\/ +\(8 keys sampled\)\n {4}--prefix other\/ /,
    );
    expect(result.stderr).not.toContain('Several');
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a --prefix without its "/" says so', async () => {
    const bucket = await newBucket(s3, 'slash');
    await putObjects(s3, bucket, logs());
    const result = await run(bucket, '--prefix', 'logs', '--layout', 's3-access-simple', '--yes');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The prefix logs does not end with "/"');
    expect(result.stderr).toContain('Try --prefix logs/.');
    expect((await listKeys(s3, bucket)).length).toBe(8);
  });
});

describe('inputs that cannot be collapsed as they are', () => {
  it('a day of gzipped access logs is refused as not what AWS writes, not as "mixed"', async () => {
    const bucket = await newBucket(s3, 'gzipped');
    await putObjects(
      s3,
      bucket,
      logs().map((object) => ({ key: object.key, body: gzipSync(object.body) })),
    );
    const before = await snapshot(s3, bucket);
    const result = await run(bucket, '--yes', '--json');
    expect(result.code).toBe(1);
    const day = JSON.parse(result.stdout).periods[0];
    expect(day.error).toMatchObject({ stage: 'download', code: 'unexpected-encoding', originalsKept: true });
    expect(day.error.message).toMatch(
      /^logs\/2024-05-01-\S+ is gzip, but S3 server access logs, simple layout are plain text as AWS writes them/,
    );
    expect(result.stderr).not.toContain('the others');
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('a key deleted by someone else after the plan is named', async () => {
    const bucket = await newBucket(s3, 'gone');
    const originals = logs();
    await putObjects(s3, bucket, originals);
    const victim = originals[1]!.key;
    let deleted = false;
    const proxy = await startFaultProxy(endpoint(), (request) => {
      if (request.operation !== 'GetObject' || request.key !== victim || deleted) return { kind: 'pass' };
      deleted = true;
      return { kind: 'hold', until: s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: victim })) };
    });
    try {
      const result = await runCli([...args(bucket, proxy.endpoint), '--yes', '--json']);
      expect(result.code).toBe(1);
      const day = JSON.parse(result.stdout).periods[0];
      expect(day.error).toMatchObject({ code: 'object-gone', originalsKept: true });
      expect(day.error.message).toBe(`${victim} was deleted by someone else after the plan listed it.`);
      expect(result.stderr).not.toContain('The specified key does not exist');
    } finally {
      await proxy.close();
    }
  });
});
