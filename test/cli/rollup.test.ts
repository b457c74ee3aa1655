import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { collapseRange } from '../support/collapse.js';
import { runCli } from '../support/run-cli.js';
import {
  contextFor,
  endpoint,
  listKeys,
  newBucket,
  putObjects,
  snapshot,
  testClient,
} from '../support/s3.js';

/** `--by month` from the command line over a month that holds only day outputs. */
const s3 = testClient();
afterAll(() => s3.destroy());

async function daysOnly(label: string): Promise<string> {
  const bucket = await newBucket(s3, label);
  await putObjects(
    s3,
    bucket,
    accessLogObjects({
      prefix: 'logs/',
      days: [new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z')],
      objectsPerDay: 3,
      sourceBucket: 'site',
      seed: 71,
    }),
  );
  await collapseRange(contextFor(s3, bucket, new Date('2024-06-10T00:00:00Z')), {
    layout: 's3-access-simple',
    root: 'logs/',
    from: '2024-05-01',
    to: '2024-05-02',
  });
  return bucket;
}

const month = (bucket: string, ...extra: string[]) => [
  '--endpoint',
  endpoint(),
  '--bucket',
  bucket,
  '--prefix',
  'logs/',
  '--by',
  'month',
  '--from',
  '2024-05',
  '--to',
  '2024-05',
  ...extra,
];

describe('--by month over day outputs', () => {
  it('a dry run shows the outputs it would roll in; without --yes it refuses, naming what it would delete', async () => {
    const bucket = await daysOnly('cli-roll');
    const before = await snapshot(s3, bucket);
    const dry = await runCli(month(bucket, '--dry-run', '--json'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).periods[0]).toMatchObject({ status: 'planned', keys: 0, rolledOutputs: 2 });

    const text = await runCli(month(bucket, '--dry-run'));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/2024-05 +0 +0 B +logs\/2024-05_collapsed +2 shorter outputs rolled in/);

    const refused = await runCli(month(bucket));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'Refusing to delete 4 outputs and manifests of shorter periods rolled into a month output without confirmation.',
    );
    expect(await snapshot(s3, bucket)).toEqual(before);

    const run = await runCli(month(bucket, '--yes', '--json'));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).periods[0]).toMatchObject({
      status: 'collapsed',
      rolledOutputs: 2,
      rolledDeleted: 4,
      keysDeleted: 0,
    });
    expect((await listKeys(s3, bucket)).sort()).toEqual(
      ['logs/2024-05_collapsed', 'logs/_2024-05_collapsed.manifest.json'].sort(),
    );
  });
});
