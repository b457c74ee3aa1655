import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects } from '../../source/demo/log-generator.js';
import { endpoint, newBucket, putObjects, snapshot, testClient } from '../support/s3.js';
import { runCli } from '../support/run-cli.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
let bucket: string;
let before: Map<string, string>;
const args = (...extra: string[]) => [
  '--endpoint',
  endpoint(),
  '--bucket',
  bucket,
  '--from',
  '2024-05-01',
  ...extra,
];

beforeAll(async () => {
  bucket = await newBucket(s3, 'badinput');
  await putObjects(
    s3,
    bucket,
    accessLogObjects({ prefix: 'logs/', days: [DAY1], objectsPerDay: 5, sourceBucket: 'site', seed: 7 }),
  );
  before = await snapshot(s3, bucket);
});

/** One clear line (and a fix), exit 2, no stack trace, and the bucket exactly as it was. */
async function expectRefused(run: { code: number; stderr: string }, message: RegExp): Promise<void> {
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(2);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
  expect(await snapshot(s3, bucket)).toEqual(before);
}

describe('bad flags', () => {
  it.each([
    [['--from', '2024-13-01'], /--from "2024-13-01" is not a date/],
    [['--from', '2024-02-30'], /is not a date/],
    [['--from', '2024-05-03', '--to', '2024-05-01'], /--from 2024-05-03 is after --to 2024-05-01/],
    [['--from', '2024-05-01', '--to', '2999-01-01'], /--to 2999-01-01 is in the future/],
    [['--layout', 'syslog'], /--layout "syslog" is not a layout/],
    [['--by', 'week'], /--by "week" is not a granularity/],
    [['--concurrency', '0'], /--concurrency 0 is not a whole number/],
    [
      ['--concurrency', '-1'],
      /--concurrency -1 is not a whole number from 1 to 64\.\n\s+For example --concurrency 4/,
    ],
    [['--concurrency', '0x10'], /--concurrency 0x10 is not a whole number from 1 to 64/],
    [['--part-size', '0x10'], /--part-size 0x10 is not a whole number of MiB from 5 to 5120/],
    [
      ['--endpoint', 'not-a-url'],
      /--endpoint "not-a-url" is not an http:\/\/ or https:\/\/ URL\.\n\s+.*e\.g\. --endpoint http:\/\/127\.0\.0\.1:9000/,
    ],
    [['--endpoint', 'ftp://host'], /--endpoint "ftp:\/\/host" is not an http:\/\/ or https:\/\/ URL/],
    [
      ['--region', 'not a region'],
      /--region "not a region" is not a region name\.\n\s+For example --region eu-west-1/,
    ],
    [
      ['--out-prefix', '/abs/'],
      /--out-prefix \/abs\/ starts with "\/": S3 keys do not\.\n\s+Use --out-prefix abs\//,
    ],
    [['--frm', '2024-05-01'], /Unknown option '--frm'/],
  ])('%j', async (flags, message) => {
    await expectRefused(
      await runCli(['--endpoint', endpoint(), '--bucket', bucket, '--yes', ...flags]),
      message,
    );
  });

  it('refuses --endpoint-url that is not a URL, naming the flag as typed', async () => {
    await expectRefused(
      await runCli(['--endpoint-url', 'ftp://host', '--bucket', bucket, '--from', '2024-05-01', '--yes']),
      /--endpoint-url "ftp:\/\/host" is not an http:\/\/ or https:\/\/ URL/,
    );
  });

  it.each(['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'])('refuses %s that is not a URL', async (name) => {
    await expectRefused(
      await runCli(['--bucket', bucket, '--from', '2024-05-01', '--yes'], { [name]: 'not-a-url' }),
      new RegExp(
        `${name}="not-a-url" is not an http:// or https:// URL\\.\\n\\s+Set it to the S3 server's URL`,
      ),
    );
  });

  it('refuses an unfinished period unless --include-open', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await expectRefused(
      await runCli(['--endpoint', endpoint(), '--bucket', bucket, '--from', today, '--yes']),
      /is not finished yet/,
    );
  });
});

describe('credentials and buckets', () => {
  it('names an unknown profile and the ones that exist', async () => {
    const run = await runCli([...args('--yes'), '--profile', 'nope']);
    await expectRefused(run, /Profile nope is not in ~\/.aws\/config or ~\/.aws\/credentials/);
    expect(run.stderr).toMatch(/Use one of: dev/);
  });

  it('says when there are no credentials at all', async () => {
    const run = await runCli(args('--yes'), {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    });
    await expectRefused(run, /No AWS credentials found/);
  });

  it.each([
    [
      { AWS_SECRET_ACCESS_KEY: '' },
      /AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is empty\.\n\s+Set AWS_SECRET_ACCESS_KEY too/,
    ],
    [
      { AWS_ACCESS_KEY_ID: '' },
      /AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is empty\.\n\s+Set AWS_ACCESS_KEY_ID too/,
    ],
  ])('names the half of the key pair that is missing: %j', async (env, message) => {
    const run = await runCli(args('--yes'), env);
    await expectRefused(run, message);
    expect(run.stderr).not.toMatch(/No AWS credentials found/);
  });

  it('says when the credentials are rejected', async () => {
    await expectRefused(
      await runCli(args('--yes'), { AWS_ACCESS_KEY_ID: 'WRONG' }),
      /credentials were rejected \(InvalidAccessKeyId\)/,
    );
  });

  it('says when the bucket does not exist', async () => {
    await expectRefused(
      await runCli([
        '--endpoint',
        endpoint(),
        '--bucket',
        'no-such-bucket-here',
        '--from',
        '2024-05-01',
        '--yes',
      ]),
      /Bucket no-such-bucket-here does not exist/,
    );
  });

  it('says when the endpoint cannot be reached', async () => {
    await expectRefused(
      await runCli(['--endpoint', 'http://127.0.0.1:9', '--bucket', bucket, '--from', '2024-05-01', '--yes']),
      /Cannot reach http:\/\/127.0.0.1:9 \(ECONNREFUSED\)/,
    );
  });
});

describe('layouts and prefixes', () => {
  it('says when a prefix holds no logs of the layout', async () => {
    await expectRefused(
      await runCli(args('--layout', 's3-access-simple', '--prefix', 'nothing/', '--yes')),
      /No S3 server access logs, simple layout keys under s3:\/\/badinput-[a-z0-9]+\/nothing\//,
    );
  });

  it('says when no layout can be detected, showing sample keys', async () => {
    const other = await newBucket(s3, 'unknown');
    await putObjects(s3, other, [
      { key: 'exports/2024/report.csv', body: 'a,b\n' },
      { key: 'exports/2024/summary.json', body: '{}' },
    ]);
    const run = await runCli(['--endpoint', endpoint(), '--bucket', other, '--from', '2024-05-01', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /No known log layout under s3:\/\/unknown-[a-z0-9]+\/ \(sampled 2 keys\)\. Sample keys: exports\/2024\/report.csv/,
    );
  });

  it('names the flags that pick each layout when a bucket holds several', async () => {
    const mixed = await newBucket(s3, 'mixed');
    await putObjects(s3, mixed, [
      ...accessLogObjects({ prefix: 'logs/', days: [DAY1], objectsPerDay: 3, sourceBucket: 'site', seed: 8 }),
      ...cloudTrailObjects({
        prefix: '',
        accounts: [{ account: '111122223333' }],
        regions: ['eu-west-1'],
        days: [DAY1],
        filesPerDay: 3,
        seed: 9,
      }),
    ]);
    const run = await runCli(['--endpoint', endpoint(), '--bucket', mixed, '--from', '2024-05-01', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Found 2 log layouts under s3:\/\/\S+\/; a run collapses one/);
    expect(run.stderr).toMatch(/\n {4}--layout s3-access-simple --prefix logs\/ +\(3 keys sampled\)/);
    expect(run.stderr).toMatch(/\n {4}--layout cloudtrail --prefix "" +\(3 keys sampled\)/);
  });
});

describe('confirmation', () => {
  it('refuses to delete without --yes when there is no terminal', async () => {
    await expectRefused(await runCli(args()), /Refusing to delete 5 originals .* without confirmation/);
  });

  it('--dry-run prints the plan as JSON and changes nothing', async () => {
    const run = await runCli(args('--dry-run', '--json'));
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      dryRun: true,
      layout: 's3-access-simple',
      prefix: 'logs/',
      exitCode: 0,
    });
    expect(document.periods).toEqual([
      expect.objectContaining({
        period: '2024-05-01',
        status: 'planned',
        keys: 5,
        outputKey: 'logs/2024-05-01_collapsed',
      }),
    ]);
    expect(await snapshot(s3, bucket)).toEqual(before);
  });
});

describe('no terminal and answers missing', () => {
  it('names the flag to give', async () => {
    const run = await runCli(['--endpoint', endpoint(), '--from', '2024-05-01', '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No bucket given\.\n\s+Pass --bucket NAME/);
  });
});
