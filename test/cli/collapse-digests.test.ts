import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects } from '../../source/demo/log-generator.js';
import { digestObjects } from '../support/cloudtrail-digests.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY = new Date('2024-05-01T00:00:00Z');
const logs = cloudTrailObjects({
  prefix: '',
  accounts: [{ account: '111122223333' }],
  regions: ['eu-west-1'],
  days: [DAY],
  filesPerDay: 5,
  seed: 71,
}).filter((object) => object.key.includes('/CloudTrail/'));
const keys = logs.map((log) => log.key).sort();

const collapse = (bucket: string, ...args: string[]) =>
  runCli(['--endpoint', endpoint(), '--bucket', bucket, '--from', '2024-05-01', '--check-digests', ...args]);

describe('collapse --check-digests', () => {
  it('is refused for a layout other than CloudTrail, exit 2', async () => {
    const bucket = await newBucket(s3, 'cli-cd-access');
    await putObjects(
      s3,
      bucket,
      accessLogObjects({ prefix: 'logs/', days: [DAY], objectsPerDay: 3, sourceBucket: 'site', seed: 72 }),
    );
    const run = await collapse(bucket, '--yes');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--check-digests works only with CloudTrail logs/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--dry-run: the plan says how many keys wait for their digest', async () => {
    const bucket = await newBucket(s3, 'cli-cd-plan');
    await putObjects(s3, bucket, [...logs, ...digestObjects(logs, { bucket, omit: [keys[1]!, keys[3]!] })]);
    const run = await collapse(bucket, '--dry-run');
    expect(run.code).toBe(0);
    const text = run.stdout + run.stderr;
    expect(text).toContain('2 keys waiting for their digest (kept)');
    expect(text).toContain(
      'digests: 2 keys no CloudTrail digest lists yet: left in place, not collapsed, not deleted',
    );
    const json = await collapse(bucket, '--dry-run', '--json');
    expect(JSON.parse(json.stdout).periods[0]).toMatchObject({
      keys: 3,
      newKeys: 3,
      waitingForDigestKeys: 2,
    });
  });

  it('a key that differs from its digest: the period fails with digest-mismatch, exit 1', async () => {
    const bucket = await newBucket(s3, 'cli-cd-wrong');
    await putObjects(s3, bucket, [...logs, ...digestObjects(logs, { bucket, wrong: [keys[4]!] })]);
    const run = await collapse(bucket, '--yes', '--json');
    expect(run.code).toBe(1);
    const period = JSON.parse(run.stdout).periods[0];
    expect(period).toMatchObject({
      status: 'failed',
      keysDeleted: 0,
      error: { code: 'digest-mismatch', originalsKept: true },
    });
    expect(period.error.message).toContain(keys[4]);
  });
});
