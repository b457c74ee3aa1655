import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { startFaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems, lostOriginals } from '../support/invariant.js';
import { runCli, startCli, type StartedCli } from '../support/run-cli.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * Ctrl-C (SIGINT) at the moments that matter: while the output's single PUT or its multipart
 * Complete is on the wire, and as the first delete goes out. The run exits 130 without losing
 * anything, and the same command then exits 0 with the job done.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const smallDay = accessLogObjects({
  prefix: 'logs/',
  days: [DAY1],
  objectsPerDay: 8,
  sourceBucket: 'site',
  seed: 9,
});
const largeDay: SeedObject[] = Array.from({ length: 6 }, (_, index) => ({
  key: `logs/2024-05-01-11-00-0${index}-${'C'.repeat(16)}`,
  body: Buffer.alloc(1024 * 1024, `record ${index}\n`),
}));

const flags = (url: string, bucket: string, json: boolean) => [
  '--endpoint',
  url,
  '--bucket',
  bucket,
  '--from',
  '2024-05-01',
  '--part-size',
  '5',
  '--yes',
  ...(json ? ['--json'] : []),
];

const CASES: ReadonlyArray<{
  name: string;
  originals: readonly SeedObject[];
  at: (r: ProxiedRequest) => boolean;
}> = [
  {
    name: 'the output’s single PUT',
    originals: smallDay,
    at: (r) => r.operation === 'PutObject' && r.key === 'logs/2024-05-01_collapsed',
  },
  {
    name: 'the output’s multipart Complete',
    originals: largeDay,
    at: (r) => r.operation === 'CompleteMultipartUpload',
  },
  {
    name: 'the first delete (single-PUT output)',
    originals: smallDay,
    at: (r) => r.operation === 'DeleteObjects',
  },
  {
    name: 'the first delete (multipart output)',
    originals: largeDay,
    at: (r) => r.operation === 'DeleteObjects',
  },
];

describe('Ctrl-C while a write is on the wire', () => {
  it.each(CASES.map((one) => [one.name, one] as const))(
    'at %s: exit 130, nothing lost; the same command then exits 0',
    async (_, one) => {
      const bucket = await newBucket(s3, 'ctrlc');
      await putObjects(s3, bucket, one.originals);
      let child: StartedCli | undefined;
      let hit = false;
      // The signal arrives while the request is held on its way, so the write is in flight when it comes.
      const proxy = await startFaultProxy(endpoint(), (r) => {
        if (hit || !one.at(r)) return { kind: 'pass' };
        hit = true;
        child!.process.kill('SIGINT');
        return { kind: 'delay', ms: 300 };
      });
      try {
        child = startCli(flags(proxy.endpoint, bucket, true));
        const run = await child.done;
        expect(hit).toBe(true);
        expect(run.code).toBe(130);
        expect(run.stderr).toMatch(/Stopping safely/);
        const document = JSON.parse(run.stdout);
        expect(document.exitCode).toBe(130);
      } finally {
        await proxy.close();
      }
      expect(lostOriginals(await auditBucket(s3, bucket, one.originals), one.originals)).toEqual([]);

      const again = await runCli(flags(endpoint(), bucket, false));
      expect(again.code).toBe(0);
      expect(finishedProblems(await auditBucket(s3, bucket, one.originals), one.originals)).toEqual([]);
    },
  );

  it('during planning: the JSON document still comes, with exitCode 130, and nothing is written', async () => {
    const bucket = await newBucket(s3, 'ctrlc-plan');
    await putObjects(s3, bucket, smallDay);
    let child: StartedCli | undefined;
    const proxy = await startFaultProxy(endpoint(), (r) => {
      if (r.operation !== 'ListObjectsV2') return { kind: 'pass' };
      child!.process.kill('SIGINT');
      return { kind: 'delay', ms: 200 };
    });
    try {
      child = startCli(flags(proxy.endpoint, bucket, true));
      const run = await child.done;
      expect(run.code).toBe(130);
      expect(JSON.parse(run.stdout)).toMatchObject({
        exitCode: 130,
        error: { message: expect.stringMatching(/nothing was changed/) },
      });
    } finally {
      await proxy.close();
    }
    expect(
      proxy.seen.filter((r) => ['PutObject', 'DeleteObjects', 'CreateMultipartUpload'].includes(r.operation)),
    ).toEqual([]);
    const audit = await auditBucket(s3, bucket, smallDay);
    expect(audit.asThemselves.sort()).toEqual(smallDay.map((object) => object.key).sort());
  });
});
