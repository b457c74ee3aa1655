import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { collapseRange } from '../support/collapse.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { failuresAfterKills, killPoints, type KillPoint } from '../support/kill-run.js';
import { runCli } from '../support/run-cli.js';
import { contextFor, endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * SIGKILL of `--by month` over day outputs at every write, delete and verification (and a spread of
 * reads), then the same command again: nothing lost at the kill, and after the second run every
 * original exactly once — in the month output, no day output or day manifest left (a day manifest
 * left would count its originals twice), nothing pending, no multipart upload open.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-06-10T10:00:00Z');
const day = (n: number) => new Date(Date.UTC(2024, 4, n));
const small = accessLogObjects({
  prefix: 'logs/',
  days: [day(1), day(2), day(4)],
  objectsPerDay: 3,
  sourceBucket: 'site',
  seed: 41,
});
// Day 3: 6 MiB in 1 MiB objects, so with 5 MiB parts its output and the month's are multipart.
const large: SeedObject[] = Array.from({ length: 6 }, (_, index) => ({
  key: `logs/2024-05-03-10-00-0${index}-${'K'.repeat(16)}`,
  body: Buffer.alloc(1024 * 1024, `record ${index} of a large day\n`),
}));
const late: SeedObject[] = [
  { key: 'logs/2024-05-02-23-59-59-LATELATELATELAT1', body: Buffer.from('late on day two\n') },
  { key: 'logs/2024-05-05-12-00-00-LATELATELATELAT2', body: Buffer.from('late on day five\n') },
];
const simple = { layout: 's3-access-simple', root: 'logs/', options: { partSize: 5 * 1024 * 1024 } } as const;

const flags = (url: string, bucket: string) => [
  '--endpoint',
  url,
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
  '--part-size',
  '5',
  '--yes',
  '--json',
];

async function byDay(bucket: string, from: string, to: string): Promise<void> {
  const { result } = await collapseRange(contextFor(s3, bucket, NOW), { ...simple, from, to });
  expect(result.periods.every((period) => period.status !== 'failed')).toBe(true);
}

interface Scenario {
  readonly name: string;
  readonly originals: readonly SeedObject[];
  readonly mustCover: readonly string[];
  prepare(bucket: string): Promise<void>;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'first rollup of day outputs (one multipart) and originals',
    originals: [...small, ...large],
    mustCover: [
      'PutObject',
      'CreateMultipartUpload',
      'UploadPart',
      'CompleteMultipartUpload',
      'DeleteObjects',
    ],
    async prepare(bucket) {
      await putObjects(s3, bucket, [...small, ...large]);
      await byDay(bucket, '2024-05-01', '2024-05-03');
    },
  },
  {
    name: 'rollup appending a later day output and a late original to the month output',
    originals: [...small, ...late],
    mustCover: ['PutObject', 'DeleteObjects', 'HeadObject'],
    async prepare(bucket) {
      await putObjects(s3, bucket, small);
      await byDay(bucket, '2024-05-01', '2024-05-02');
      const month = await collapseRange(contextFor(s3, bucket, NOW), {
        ...simple,
        from: '2024-05',
        by: 'month',
      });
      expect(month.result.periods[0]!.status).toBe('collapsed');
      await putObjects(s3, bucket, late);
      await byDay(bucket, '2024-05-02', '2024-05-02');
    },
  },
];

describe.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
  'SIGKILL during a %s',
  (_, scenario) => {
    let points: KillPoint[] = [];

    beforeAll(async () => {
      const bucket = await newBucket(s3, 'kill-log');
      await scenario.prepare(bucket);
      const proxy = await startFaultProxy(endpoint());
      try {
        const run = await runCli(flags(proxy.endpoint, bucket));
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout).periods[0]).toMatchObject({ status: 'collapsed' });
      } finally {
        await proxy.close();
      }
      points = killPoints(proxy.seen);
    }, 120_000);

    it('has enough points spread over the protocol', () => {
      const operations = new Set(points.map((point) => point.operation));
      for (const operation of scenario.mustCover) expect(operations).toContain(operation);
      expect(points.length).toBeGreaterThanOrEqual(12);
    });

    it('then the same command: nothing lost, the rollup finished exactly', async () => {
      expect(await failuresAfterKills(s3, points, scenario.prepare, flags, scenario.originals)).toEqual([]);
    }, 900_000);
  },
);
