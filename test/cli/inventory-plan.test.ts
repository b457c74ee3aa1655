import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudTrailObjects } from '../../source/demo/log-generator.js';
import { parsePlanFile, type PlanFile } from '../../source/job/plan-file.js';
import { startFaultProxy, type ProxiedRequest } from '../support/fault-proxy.js';
import { entriesOf, listedObjects, writeInventory } from '../support/inventory.js';
import { auditBucket, finishedProblems } from '../support/invariant.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * `plan --inventory`: the units come from an S3 Inventory delivery written into the local server, with
 * no LIST of the logs; the plan is the one LIST would make, and running it ends exact.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const DAYS = [1, 2, 3].map((day) => new Date(Date.UTC(2024, 4, day)));
const originals = cloudTrailObjects({
  prefix: '',
  accounts: [{ account: '111122223333' }],
  regions: ['eu-west-1', 'us-east-1'],
  days: DAYS,
  filesPerDay: 5,
  seed: 81,
}).filter((object) => object.key.includes('/CloudTrail/'));
const RANGE = ['--layout', 'cloudtrail', '--prefix', '', '--from', '2024-05-01', '--to', '2024-05-03'];

async function planVia(proxyEndpoint: string, bucket: string, extra: readonly string[]) {
  const path = join(mkdtempSync(join(tmpdir(), 's3collapse-inv-')), 'plan.json');
  const result = await runCli([
    'plan',
    '--endpoint',
    proxyEndpoint,
    '--bucket',
    bucket,
    ...RANGE,
    ...extra,
    '--out',
    path,
  ]);
  return { result, path };
}

const unitsOf = (file: PlanFile) =>
  file.units.map(({ id, keys, bytes, output }) => ({ id, keys, bytes, output }));

describe('plan --inventory', () => {
  it.each(['CSV', 'Parquet'] as const)(
    '%s: the same units as a LIST plan, no ListObjectsV2 of the logs; the plan runs exact',
    async (format) => {
      const bucket = await newBucket(s3, 'inv-plan');
      const reports = await newBucket(s3, 'inv-reports');
      await putObjects(s3, bucket, originals);
      const inventory = await writeInventory(s3, reports, entriesOf(await listedObjects(s3, bucket)), {
        format,
        sourceBucket: bucket,
        files: 3,
      });
      const requests: ProxiedRequest[] = [];
      const proxy = await startFaultProxy(endpoint(), (request) => {
        requests.push(request);
        return { kind: 'pass' };
      });
      try {
        const fromInventory = await planVia(proxy.endpoint, bucket, ['--inventory', inventory.manifestUrl]);
        expect(fromInventory.result.code, fromInventory.result.stderr).toBe(0);
        const logLists = requests.filter((r) => r.operation === 'ListObjectsV2' && r.bucket === bucket);
        expect(logLists).toEqual([]);
        const inventoryFile = parsePlanFile(readFileSync(fromInventory.path, 'utf8'), fromInventory.path);
        expect(inventoryFile.source).toEqual({ kind: 'inventory', manifest: inventory.manifestUrl });

        const listed = await planVia(endpoint(), bucket, []);
        const listFile = parsePlanFile(readFileSync(listed.path, 'utf8'), listed.path);
        expect(unitsOf(inventoryFile)).toEqual(unitsOf(listFile));
        expect(inventoryFile.units).toHaveLength(6);
      } finally {
        await proxy.close();
      }

      const run = await runCli([
        'run',
        '--endpoint',
        endpoint(),
        '--plan',
        (await planVia(endpoint(), bucket, ['--inventory', inventory.manifestUrl])).path,
        '--yes',
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(finishedProblems(await auditBucket(s3, bucket, originals), originals)).toEqual([]);
    },
  );

  it('an inventory of another bucket is refused, and nothing is written', async () => {
    const bucket = await newBucket(s3, 'inv-other');
    const reports = await newBucket(s3, 'inv-reports');
    await putObjects(s3, bucket, originals.slice(0, 3));
    const inventory = await writeInventory(s3, reports, entriesOf(await listedObjects(s3, bucket)), {
      format: 'CSV',
      sourceBucket: 'someone-elses-logs',
    });
    const { result, path } = await planVia(endpoint(), bucket, ['--inventory', inventory.manifestUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is an inventory of someone-elses-logs, not of ${bucket}`);
    expect(() => readFileSync(path)).toThrow();
  });
});
