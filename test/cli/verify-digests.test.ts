import { afterAll, describe, expect, it } from 'vitest';
import { cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { digestObjects } from '../support/cloudtrail-digests.js';
import { collapseRange } from '../support/collapse.js';
import { runCli } from '../support/run-cli.js';
import { contextFor, endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const ACCOUNT = '111122223333';
const OUTPUT = `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2024/05/01/${ACCOUNT}_CloudTrail_eu-west-1_20240501_collapsed.json.gz`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const logs: SeedObject[] = cloudTrailObjects({
  prefix: '',
  accounts: [{ account: ACCOUNT }],
  regions: ['eu-west-1'],
  days: [new Date('2024-05-01T00:00:00Z')],
  filesPerDay: 6,
  seed: 51,
}).filter((object) => object.key.includes('/CloudTrail/'));
const keys = logs.map((log) => log.key).sort();

/** A bucket holding the day's collapsed output and digests written as asked. */
async function bucketWith(
  label: string,
  digests: { omit?: string[]; wrong?: string[] } = {},
): Promise<string> {
  const bucket = await newBucket(s3, label);
  await putObjects(s3, bucket, [...logs, ...digestObjects(logs, { bucket, ...digests })]);
  await collapseRange(contextFor(s3, bucket, new Date('2024-05-03T10:00:00Z')), {
    layout: 'cloudtrail',
    root: '',
    from: '2024-05-01',
  });
  return bucket;
}

const verify = (bucket: string, ...args: string[]) =>
  runCli(['verify', '--endpoint', endpoint(), '--bucket', bucket, '--check-digests', ...args]);

describe('verify --check-digests', () => {
  it('every member digest ok: said on the line and in the summary, exit 0', async () => {
    const run = await verify(await bucketWith('cli-digests-ok'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^✔ ${escaped(OUTPUT)}: ok \\(.*6 members, 6 by MD5, 6 digest ok\\)\\n`),
    );
    expect(run.stdout).toContain(
      'digests: 6 digest ok, 0 differ from their digest, 0 with no digest entry found (not checked).\n',
    );
  });

  it('a member that differs from its digest: named, exit 1 (text and --json)', async () => {
    const victim = keys[2]!;
    const bucket = await bucketWith('cli-digests-wrong', { wrong: [victim] });
    const run = await verify(bucket);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✖ ${OUTPUT}: member ${victim}: differs from its digest\n`);
    expect(run.stdout).toContain('1 output: 0 ok, 1 wrong.\n');
    expect(run.stdout).toContain('digests: 5 digest ok, 1 differ from their digest, 0 with no digest');
    const json = await verify(bucket, '--json');
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.totals.digests).toEqual({ ok: 5, differ: 1, unchecked: 0 });
    expect(document.outputs[0].problems).toEqual([
      expect.objectContaining({
        kind: 'digest',
        member: victim,
        text: `member ${victim}: differs from its digest`,
      }),
    ]);
  });

  it('a log file no digest lists: reported as not checked, exit 0', async () => {
    const missing = keys[4]!;
    const run = await verify(await bucketWith('cli-digests-missing', { omit: [missing] }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `5 digest ok); no digest entry found for 1 member (${missing}); not checked\n`,
    );
    expect(run.stdout).toContain(
      'digests: 5 digest ok, 0 differ from their digest, 1 with no digest entry found',
    );
  });

  it('without the flag no digest is read; --help names the flag', async () => {
    const bucket = await bucketWith('cli-digests-off', { wrong: [keys[0]!] });
    const run = await runCli(['verify', '--endpoint', endpoint(), '--bucket', bucket]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/digest ok|differs from its digest|^digests:/m);
    const help = await runCli(['verify', '--help']);
    expect(help.stdout).toMatch(/--check-digests\s+CloudTrail outputs/);
  });
});
