import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { failuresAfterKills, killPoints, type KillPoint } from '../support/kill-run.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * SIGKILL at many points of a real run — before a request reaches the server, or after the server
 * acted but before the client heard — then the same command again. Whatever the point, nothing may be
 * lost, and the second run must finish the job: every original exactly once, no manifest pending, no
 * multipart upload open. The points are taken from a clean run's own request log, so they follow the
 * protocol wherever it goes.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const small = accessLogObjects({
  prefix: 'logs/',
  days: [DAY1],
  objectsPerDay: 6,
  sourceBucket: 'site',
  seed: 5,
});
// Day 2: 6 MiB in 1 MiB objects, so with 5 MiB parts its output is a multipart upload.
const large: SeedObject[] = Array.from({ length: 6 }, (_, index) => ({
  key: `logs/2024-05-02-10-00-0${index}-${'K'.repeat(16)}`,
  body: Buffer.alloc(1024 * 1024, `record ${index} of a large day\n`),
}));
const late: SeedObject[] = [
  { key: 'logs/2024-05-01-23-59-58-LATELATELATELAT1', body: Buffer.from('late one\n') },
  { key: 'logs/2024-05-01-23-59-59-LATELATELATELAT2', body: Buffer.from('late two\n') },
];

const flags = (url: string, bucket: string) => [
  '--endpoint',
  url,
  '--bucket',
  bucket,
  '--from',
  '2024-05-01',
  '--to',
  '2024-05-02',
  '--part-size',
  '5',
  '--yes',
  '--json',
];

interface Scenario {
  readonly name: string;
  readonly originals: readonly SeedObject[];
  /** Operations the kill points must include for this scenario. */
  readonly mustCover: readonly string[];
  /** Brings a fresh bucket to the state the killed run starts from. */
  prepare(bucket: string): Promise<void>;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'first collapse',
    originals: [...small, ...large],
    mustCover: [
      'PutObject',
      'CreateMultipartUpload',
      'UploadPart',
      'CompleteMultipartUpload',
      'HeadObject',
      'DeleteObjects',
      'GetObject',
    ],
    prepare: (bucket) => putObjects(s3, bucket, [...small, ...large]),
  },
  {
    name: 're-run appending late keys',
    originals: [...small, ...large, ...late],
    mustCover: ['PutObject', 'HeadObject', 'DeleteObjects', 'GetObject'],
    async prepare(bucket) {
      await putObjects(s3, bucket, [...small, ...large]);
      const first = await runCli(flags(endpoint(), bucket));
      expect(first.code, first.stdout + first.stderr).toBe(0);
      await putObjects(s3, bucket, late);
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
        expect((await runCli(flags(proxy.endpoint, bucket))).code).toBe(0);
      } finally {
        await proxy.close();
      }
      points = killPoints(proxy.seen);
    });

    it('has enough points spread over the protocol', () => {
      const operations = new Set(points.map((point) => point.operation));
      for (const operation of scenario.mustCover) expect(operations).toContain(operation);
      expect(points.length).toBeGreaterThanOrEqual(12);
    });

    it('then the same command: nothing lost, the job finished exactly', async () => {
      expect(
        await failuresAfterKills(s3, points, (bucket) => scenario.prepare(bucket), flags, scenario.originals),
      ).toEqual([]);
    }, 600_000);
  },
);
