import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { parsePlanFile, type PlanFile } from '../../source/job/plan-file.js';
import { startFaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems } from '../support/invariant.js';
import { runCli, startCli } from '../support/run-cli.js';
import { endpoint, getBytes, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * Plan files end to end through the built CLI: `plan --out` writes the units of a range and changes
 * nothing; `run --plan` collapses them, one machine or n shards at once, each unit listed again.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const DAYS = [1, 2, 3].map((day) => new Date(Date.UTC(2024, 4, day)));
const seeded = (seed: number): SeedObject[] =>
  cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }, { account: '444455556666' }],
    regions: ['eu-west-1', 'us-east-1'],
    days: DAYS,
    filesPerDay: 4,
    seed,
  }).filter((object) => object.key.includes('/CloudTrail/'));

const where = (bucket: string) => ['--endpoint', endpoint(), '--bucket', bucket];
const RANGE = ['--layout', 'cloudtrail', '--prefix', '', '--from', '2024-05-01', '--to', '2024-05-03'];
const scratch = () => mkdtempSync(join(tmpdir(), 's3collapse-plan-'));

async function planned(
  bucket: string,
  originals: readonly SeedObject[],
): Promise<{ path: string; file: PlanFile }> {
  await putObjects(s3, bucket, originals);
  const path = join(scratch(), 'plan.json');
  const result = await runCli(['plan', ...where(bucket), ...RANGE, '--out', path]);
  expect(result.code, result.stderr).toBe(0);
  return { path, file: parsePlanFile(readFileSync(path, 'utf8'), path) };
}

const periodsOf = (stdout: string): string[] =>
  (JSON.parse(stdout) as { periods: { series: string; period: string; status: string }[] }).periods
    .filter((period) => period.status === 'collapsed')
    .map((period) => `${period.series} ${period.period}`);

describe('plan --out', () => {
  it('writes one unit per series and day with its keys and bytes, and changes nothing', async () => {
    const bucket = await newBucket(s3, 'plan-write');
    const originals = seeded(71);
    const before = (await listKeys(s3, bucket)).sort();
    const { file, path } = await planned(bucket, originals);
    expect(file).toMatchObject({
      format: 's3collapse-plan/1',
      bucket,
      layout: 'cloudtrail',
      by: 'day',
      alreadyCollapsed: 0,
    });
    expect(file.units).toHaveLength(12);
    expect(file.units.reduce((total, unit) => total + unit.keys, 0)).toBe(originals.length);
    expect(file.units.reduce((total, unit) => total + unit.bytes, 0)).toBe(
      originals.reduce((total, object) => total + Buffer.byteLength(object.body), 0),
    );
    expect((await listKeys(s3, bucket)).sort()).toEqual([...before, ...originals.map((o) => o.key)].sort());
    expect(readFileSync(path, 'utf8')).toContain('AWSLogs/111122223333/CloudTrail/eu-west-1/|2024-05-01');
  });

  it('writes to and runs from s3://, with the items array for a Distributed Map', async () => {
    const bucket = await newBucket(s3, 'plan-s3');
    const plans = await newBucket(s3, 'plans');
    const originals = seeded(72);
    await putObjects(s3, bucket, originals);
    const url = `s3://${plans}/nightly/plan.json`;
    const written = await runCli([
      'plan',
      ...where(bucket),
      ...RANGE,
      '--out',
      url,
      '--items',
      `s3://${plans}/nightly/items.json`,
    ]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain(`written to ${url}`);
    const items = JSON.parse((await getBytes(s3, plans, 'nightly/items.json')).toString()) as {
      period: string;
    }[];
    expect(items).toHaveLength(12);
    // One Distributed Map child: exactly its unit, nothing else.
    const one = await runCli([
      'run',
      '--endpoint',
      endpoint(),
      '--plan',
      url,
      '--period',
      items[0]!.period,
      '--yes',
      '--json',
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(periodsOf(one.stdout)).toHaveLength(1);
    const left = originals.filter(
      (object) =>
        !object.key.startsWith(items[0]!.period.split('|')[0]!) || !object.key.includes('/2024/05/01/'),
    );
    expect((await listKeys(s3, bucket)).filter((key) => originals.some((o) => o.key === key)).sort()).toEqual(
      left.map((object) => object.key).sort(),
    );
  });
});

describe('run --plan --shard', () => {
  it('three shards at once end exact: every unit once, in no two shards, nothing lost', async () => {
    const bucket = await newBucket(s3, 'plan-shards');
    const originals = seeded(73);
    const { path, file } = await planned(bucket, originals);
    const runs = await Promise.all(
      [0, 1, 2].map(
        (index) =>
          startCli([
            'run',
            '--endpoint',
            endpoint(),
            '--plan',
            path,
            '--shard',
            `${index}/3`,
            '--yes',
            '--json',
          ]).done,
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const done = runs.map((run) => periodsOf(run.stdout));
    expect(done.flat()).toHaveLength(file.units.length);
    expect(new Set(done.flat()).size).toBe(file.units.length);
    for (const shard of done) expect(shard.length).toBeGreaterThanOrEqual(3);
    expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
  });

  it('--shard auto/N takes its index from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX', async () => {
    const bucket = await newBucket(s3, 'plan-auto');
    const { path } = await planned(bucket, seeded(74));
    const dry = (shard: string, env: Record<string, string> = {}) =>
      runCli(['run', '--endpoint', endpoint(), '--plan', path, '--shard', shard, '--dry-run', '--json'], env);
    const explicit = await dry('1/3');
    const k8s = await dry('auto/3', { JOB_COMPLETION_INDEX: '1' });
    const batch = await dry('auto/3', { AWS_BATCH_JOB_ARRAY_INDEX: '1' });
    expect(k8s.code, k8s.stderr).toBe(0);
    const planOf = (stdout: string) => (JSON.parse(stdout) as { periods: unknown[] }).periods;
    expect(planOf(k8s.stdout)).toEqual(planOf(explicit.stdout));
    expect(planOf(batch.stdout)).toEqual(planOf(explicit.stdout));
    expect(k8s.stderr).toContain('shard 1/3:');
  });

  it('lists each unit again: a key deleted since the plan is skipped, one added since is collapsed', async () => {
    const bucket = await newBucket(s3, 'plan-recheck');
    const originals = seeded(75);
    const { path } = await planned(bucket, originals);
    const [gone, ...kept] = originals;
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: gone!.key }));
    const late = {
      ...kept[0]!,
      key: kept[0]!.key.replace(/_[0-9A-F]{16}\.json\.gz$/, '_FFFFFFFFFFFFFFFF.json.gz'),
    };
    await putObjects(s3, bucket, [late]);
    const run = await runCli(['run', '--endpoint', endpoint(), '--plan', path, '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const now = [...kept, late];
    expect(finishedProblems(await auditBucket(s3, bucket, now), now)).toEqual([]);
  });

  it('--max-periods bounds a run; the same command again finishes the rest', async () => {
    const bucket = await newBucket(s3, 'plan-budget');
    const originals = seeded(76);
    const { path } = await planned(bucket, originals);
    const report = join(scratch(), 'report.json');
    const args = [
      'run',
      '--endpoint',
      endpoint(),
      '--plan',
      path,
      '--yes',
      '--json',
      '--concurrency',
      '1',
      '--max-periods',
      '5',
      '--report',
      report,
    ];
    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    const document = JSON.parse(first.stdout) as {
      periods: { status: string; error: { code: string; message: string } | null }[];
    };
    expect(document.periods.filter((period) => period.status === 'collapsed')).toHaveLength(5);
    const waiting = document.periods.filter((period) => period.status === 'skipped');
    expect(waiting).toHaveLength(7);
    expect(waiting[0]?.error).toMatchObject({
      code: 'not-started',
      message: expect.stringContaining('--max-periods 5'),
    });
    // The report file is the document the scheduler's log keeps.
    expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual(document);

    // The five finished units are marked beside the plan file: the next runs skip them unlisted.
    expect(readdirSync(`${path}.done`)).toHaveLength(5);
    const second = await runCli(args);
    expect(second.stderr).toContain('5 of them finished before');
    const third = await runCli(args);
    expect(periodsOf(second.stdout)).toHaveLength(5);
    expect(periodsOf(third.stdout)).toHaveLength(2);
    expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
    const fourth = await runCli(args);
    expect(fourth.code, fourth.stderr).toBe(0);
    expect(fourth.stderr).toContain('12 of them finished before');
    expect(JSON.parse(fourth.stdout)).toMatchObject({ periods: [], totals: { collapsed: 0 } });
  });

  it('a unit whose deletes did not all succeed is not marked: the next run plans it and finishes it', async () => {
    const bucket = await newBucket(s3, 'plan-marks');
    const originals = seeded(78);
    const { path, file } = await planned(bucket, originals);
    const victim = originals[0]!.key;
    const proxy = await startFaultProxy(endpoint(), (request) =>
      request.operation === 'DeleteObjects'
        ? { kind: 'delete-errors', keys: (key) => key === victim }
        : { kind: 'pass' },
    );
    try {
      const first = await runCli(['run', '--endpoint', proxy.endpoint, '--plan', path, '--yes', '--json']);
      expect(first.code).toBe(1);
    } finally {
      await proxy.close();
    }
    expect(readdirSync(`${path}.done`)).toHaveLength(file.units.length - 1);
    const requests: ProxiedRequest[] = [];
    const counting = await startFaultProxy(endpoint(), (request) => {
      requests.push(request);
      return { kind: 'pass' };
    });
    try {
      const second = await runCli([
        'run',
        '--endpoint',
        counting.endpoint,
        '--plan',
        path,
        '--yes',
        '--json',
      ]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain(`${file.units.length - 1} of them finished before`);
    } finally {
      await counting.close();
    }
    // Only the unmarked unit was listed again.
    const lists = requests.filter(
      (request) => request.operation === 'ListObjectsV2' && request.bucket === bucket,
    );
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists)
      expect(victim.startsWith(list.query.get('prefix') ?? '\u0000'), list.query.get('prefix') ?? '').toBe(
        true,
      );
    expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
  });
});

describe('plan and run --help', () => {
  it.each(['plan', 'run'])('%s --help prints the help, naming the plan flags, exit 0', async (verb) => {
    const result = await runCli([verb, '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('s3collapse-tui plan [options] --out FILE');
    expect(result.stdout).toMatch(/--shard I\/N +with --plan: only shard I of N/);
  });
});

describe('plan files: bad input changes nothing', () => {
  it.each([
    [['--shard', '0/2'], '--shard picks units of a plan file, and no --plan is given.'],
    [['--out', 'x.json'], '--out is for writing a plan file.'],
    [['plan'], 'plan needs --out FILE'],
    [['--plan', '/nonexistent/plan.json'], 'Cannot read /nonexistent/plan.json'],
    [['--plan', 'PLAN', '--from', '2024-05-01'], '--from is set by the plan file'],
    [['--plan', 'PLAN', '--shard', '3/3'], 'I must be below N'],
    [['--plan', 'PLAN', '--shard', 'auto/3'], 'neither is set'],
    [['--plan', 'PLAN', '--period', 'nope|2024-05-01'], '--period nope|2024-05-01 is not a unit of'],
    [['--plan', 'PLAN', '--bucket', 'other-bucket'], 'is not the bucket of'],
    [['--plan', 'NOT-JSON'], 'is not a plan file: it is not JSON.'],
  ])('%j: exit 2, named, the bucket untouched', async (flags, message) => {
    const bucket = await newBucket(s3, 'plan-bad');
    const { path } = await planned(bucket, seeded(77).slice(0, 4));
    const notJson = join(scratch(), 'not.json');
    (await import('node:fs')).writeFileSync(notJson, 'hello');
    const before = (await listKeys(s3, bucket)).sort();
    const words = flags.map((flag) => (flag === 'PLAN' ? path : flag === 'NOT-JSON' ? notJson : flag));
    const [first, ...rest] = words;
    const args =
      first === 'plan'
        ? ['plan', ...where(bucket), ...RANGE, ...rest]
        : ['--endpoint', endpoint(), ...words, '--yes'];
    const result = await runCli(args, {
      JOB_COMPLETION_INDEX: undefined,
      AWS_BATCH_JOB_ARRAY_INDEX: undefined,
    });
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await listKeys(s3, bucket)).sort()).toEqual(before);
  });
});
