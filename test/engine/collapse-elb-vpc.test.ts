import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { flowLogObjects } from '../../source/demo/flow-logs.js';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { loadBalancerObjects } from '../../source/demo/load-balancer-logs.js';
import { parseManifest } from '../../source/engine/manifest.js';
import type { LayoutId } from '../../source/layouts/index.js';
import type { Granularity } from '../../source/periods.js';
import { collapseRange } from '../support/collapse.js';
import { contextFor, getBytes, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const DAY2 = new Date('2024-05-02T00:00:00Z');
const NOW = new Date('2024-05-03T10:00:00Z');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const byKey = (a: SeedObject, b: SeedObject) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

/**
 * Seeds, collapses through the real engine, and checks every output against its inputs: the output's
 * bytes are the inputs' bytes in key order, its manifest is complete and locates each, the inputs
 * are gone, and every other key is left.
 */
async function collapseAndCheck(options: {
  label: string;
  layout: LayoutId;
  by?: Granularity;
  objects: readonly SeedObject[];
  /** The inputs of each output, by output key. */
  outputs: (inputs: readonly SeedObject[]) => Map<string, SeedObject[]>;
  inputs: readonly SeedObject[];
}): Promise<void> {
  const bucket = await newBucket(s3, options.label);
  await putObjects(s3, bucket, options.objects);
  const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
    layout: options.layout,
    root: '',
    from: '2024-05-01',
    to: options.by === 'hour' ? '2024-05-02T23:00:00Z' : '2024-05-02',
    by: options.by,
  });
  const outputs = options.outputs(options.inputs);
  expect(result.periods.filter((period) => period.status === 'collapsed')).toHaveLength(outputs.size);
  for (const [outputKey, members] of outputs) {
    const sorted = [...members].sort(byKey);
    const output = await getBytes(s3, bucket, outputKey);
    // Each input ends with a newline, so no separator comes between them.
    expect(output.equals(Buffer.concat(sorted.map((object) => object.body))), outputKey).toBe(true);
    const slash = outputKey.lastIndexOf('/') + 1;
    const manifestKey = `${outputKey.slice(0, slash)}_${outputKey.slice(slash)}.manifest.json`;
    const parsed = parseManifest((await getBytes(s3, bucket, manifestKey)).toString());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.manifest).toMatchObject({
      state: 'complete',
      layout: options.layout,
      output: { key: outputKey, size: output.length, sha256: sha256(output) },
    });
    expect(parsed.manifest.members.map((member) => member.key)).toEqual(sorted.map((object) => object.key));
  }
  const left = await listKeys(s3, bucket);
  const manifests = [...outputs.keys()].map((key) => {
    const slash = key.lastIndexOf('/') + 1;
    return `${key.slice(0, slash)}_${key.slice(slash)}.manifest.json`;
  });
  const inputKeys = new Set(options.inputs.map((object) => object.key));
  expect(left.sort()).toEqual(
    [
      ...options.objects.filter((object) => !inputKeys.has(object.key)).map((object) => object.key),
      ...outputs.keys(),
      ...manifests,
    ].sort(),
  );
}

/** Groups inputs by the output key a function names for each. */
const groupBy = (inputs: readonly SeedObject[], outputOf: (key: string) => string) => {
  const groups = new Map<string, SeedObject[]>();
  for (const object of inputs) {
    const key = outputOf(object.key);
    groups.set(key, [...(groups.get(key) ?? []), object]);
  }
  return groups;
};

/** `…/YYYY/MM/DD/<stem>_YYYYMMDDTHHmmZ_…` → `…/YYYY/MM/DD/<stem>_YYYYMMDD_collapsed<ext>`. */
const dayOutput = (extension: string) => (key: string) =>
  key.replace(/_(\d{8})T\d{4}Z_.*$/, `_$1_collapsed${extension}`);

describe('Elastic Load Balancing access logs', () => {
  const objects = [
    ...loadBalancerObjects({
      prefix: '',
      account: '111122223333',
      region: 'eu-west-1',
      loadBalancers: [
        { kind: 'application', name: 'shop' },
        { kind: 'network', name: 'tls-edge' },
        { kind: 'classic', name: 'legacy' },
      ],
      days: [DAY1, DAY2],
      filesPerDay: 6,
      seed: 81,
    }),
    // An unfinished day: never collapsed.
    ...loadBalancerObjects({
      prefix: '',
      account: '111122223333',
      region: 'eu-west-1',
      loadBalancers: [{ kind: 'application', name: 'shop' }],
      days: [new Date('2024-05-03T00:00:00Z')],
      filesPerDay: 2,
      seed: 81,
    }).filter((object) => !object.key.endsWith('/ELBAccessLogTestFile')),
  ];
  const finished = objects.filter((object) => !object.key.includes('/2024/05/03/'));

  it('collapses each ALB and NLB by day beside its inputs, leaving Classic files and the test file', async () => {
    await collapseAndCheck({
      label: 'elb',
      layout: 'elb',
      objects,
      inputs: finished.filter((object) => object.key.endsWith('.log.gz')),
      outputs: (inputs) => groupBy(inputs, dayOutput('.log.gz')),
    });
  });

  it('collapses a Classic Load Balancer into plain text by hour', async () => {
    await collapseAndCheck({
      label: 'elb-classic',
      layout: 'elb-classic',
      by: 'hour',
      objects,
      inputs: finished.filter((object) => object.key.endsWith('.log')),
      outputs: (inputs) =>
        groupBy(inputs, (key) => key.replace(/_(\d{8}T\d{2})\d{2}Z_.*$/, '_$1_collapsed.log')),
    });
  });
});

describe('VPC Flow Logs', () => {
  const flowLogIds = ['fl-032a163fae170ae52', 'fl-1234abcd'];

  it('collapses each flow log by day into its day folder, never the Parquet files', async () => {
    const objects = flowLogObjects({
      prefix: '',
      account: '123456789012',
      region: 'us-east-1',
      flowLogIds,
      days: [DAY1, DAY2],
      filesPerDay: 5,
      seed: 91,
    });
    await collapseAndCheck({
      label: 'vpc-flow',
      layout: 'vpc-flow',
      objects,
      inputs: objects.filter((object) => object.key.endsWith('.log.gz')),
      outputs: (inputs) => groupBy(inputs, dayOutput('.log.gz')),
    });
  });

  it('collapses Hive-compatible, hourly partitioned flow logs by hour into each hour partition', async () => {
    const objects = flowLogObjects({
      prefix: '',
      account: '123456789012',
      region: 'eu-west-3',
      flowLogIds,
      days: [DAY1],
      filesPerDay: 48,
      seed: 92,
      hive: true,
      hourFolders: true,
    });
    await collapseAndCheck({
      label: 'vpc-flow-hive',
      layout: 'vpc-flow-hive',
      by: 'hour',
      objects,
      inputs: objects.filter((object) => object.key.endsWith('.log.gz')),
      outputs: (inputs) =>
        groupBy(inputs, (key) => key.replace(/_(\d{8}T\d{2})\d{2}Z_.*$/, '_$1_collapsed.log.gz')),
    });
  });

  it('collapses hourly partitioned flow logs by day into the day partition', async () => {
    const objects = flowLogObjects({
      prefix: 'flows/',
      account: '123456789012',
      region: 'eu-west-3',
      flowLogIds: ['fl-00000000000000001'],
      days: [DAY1],
      filesPerDay: 12,
      seed: 93,
      hive: true,
      hourFolders: true,
    });
    const bucket = await newBucket(s3, 'vpc-hive-day');
    await putObjects(s3, bucket, objects);
    await collapseRange(contextFor(s3, bucket, NOW), {
      layout: 'vpc-flow-hive',
      root: 'flows/',
      from: '2024-05-01',
    });
    const inputs = objects.filter((object) => object.key.endsWith('.log.gz')).sort(byKey);
    const outputKey =
      'flows/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-3/year=2024/month=05/day=01/123456789012_vpcflowlogs_eu-west-3_fl-00000000000000001_20240501_collapsed.log.gz';
    expect(
      (await getBytes(s3, bucket, outputKey)).equals(Buffer.concat(inputs.map((object) => object.body))),
    ).toBe(true);
    const left = await listKeys(s3, bucket);
    for (const object of inputs) expect(left).not.toContain(object.key);
    expect(left.filter((key) => key.endsWith('.parquet'))).toHaveLength(1);
  });
});
