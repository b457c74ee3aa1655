import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowLogObjects } from '../../source/demo/flow-logs.js';
import { cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { loadBalancerObjects } from '../../source/demo/load-balancer-logs.js';
import { detectLayouts } from '../../source/engine/detect-bucket.js';
import { UserError } from '../../source/errors.js';
import { chooseCandidate, scoreSample } from '../../source/layouts/detect.js';
import { LAYOUTS } from '../../source/layouts/index.js';
import { runCli } from '../support/run-cli.js';
import {
  contextFor,
  endpoint,
  getBytes,
  listKeys,
  newBucket,
  putObjects,
  snapshot,
  testClient,
} from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY1 = new Date('2024-05-01T00:00:00Z');
const ACCOUNT = '111122223333';

/**
 * One `AWSLogs/` holding a trail busy enough that a page under `AWSLogs/` shows nothing else, load
 * balancers of every kind, flow logs in both folder shapes: what one logging bucket looks like.
 */
const trail = cloudTrailObjects({
  prefix: '',
  accounts: [{ account: ACCOUNT }, { account: '444455556666', org: 'o-a1b2c3d4e5' }],
  regions: ['eu-west-1', 'us-east-1'],
  days: [DAY1],
  filesPerDay: 120,
  seed: 101,
});
const balancers = loadBalancerObjects({
  prefix: '',
  account: ACCOUNT,
  region: 'eu-west-1',
  loadBalancers: [
    { kind: 'application', name: 'shop' },
    { kind: 'classic', name: 'legacy' },
  ],
  days: [DAY1],
  filesPerDay: 4,
  seed: 102,
});
const flows = flowLogObjects({
  prefix: '',
  account: ACCOUNT,
  region: 'eu-west-1',
  flowLogIds: ['fl-032a163fae170ae52'],
  days: [DAY1],
  filesPerDay: 4,
  seed: 103,
});
const hiveFlows = flowLogObjects({
  prefix: '',
  account: '777788889999',
  region: 'eu-west-1',
  flowLogIds: ['fl-0123456789abcdef0'],
  days: [DAY1],
  filesPerDay: 4,
  seed: 104,
  hive: true,
  hourFolders: true,
});
const everything: SeedObject[] = [...trail, ...balancers, ...flows, ...hiveFlows];

describe('a bucket holding several services under one AWSLogs/', () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await newBucket(s3, 'awslogs');
    await putObjects(s3, bucket, everything);
  });

  it('detects each service, org trails and Hive folders included', async () => {
    const detection = await detectLayouts(contextFor(s3, bucket), '', LAYOUTS);
    const found = new Map(detection.candidates.map((c) => [c.layout, c]));
    expect([...found.keys()].sort()).toEqual([
      'cloudtrail',
      'elb',
      'elb-classic',
      'vpc-flow',
      'vpc-flow-hive',
    ]);
    for (const candidate of detection.candidates) expect(candidate.root).toBe('');
    expect(found.get('elb')?.matched).toBe(4);
    expect(found.get('elb-classic')?.matched).toBe(4);
    expect(found.get('vpc-flow')?.matched).toBe(4);
    expect(found.get('vpc-flow-hive')?.matched).toBe(4);
    // Both accounts' trails were reached, the organization's too.
    expect(found.get('cloudtrail')?.seriesSeen).toBeGreaterThanOrEqual(2);
    // The test file and the Parquet files are sampled and left alone.
    expect(detection.other).toBeGreaterThan(0);
  });

  it('non-interactively refuses to guess, naming the flags that pick each (exit 2)', async () => {
    const before = await snapshot(s3, bucket);
    for (const json of [[], ['--json']]) {
      const run = await runCli([
        '--endpoint',
        endpoint(),
        '--bucket',
        bucket,
        '--from',
        '2024-05-01',
        '--yes',
        ...json,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Found 5 log layouts under s3:\/\/\S+\/; a run collapses one\./);
      for (const [layout, title] of [
        ['cloudtrail', 'CloudTrail logs'],
        ['elb', 'Elastic Load Balancing access logs \\(ALB, NLB\\)'],
        ['elb-classic', 'Classic Load Balancer access logs'],
        ['vpc-flow', 'VPC Flow Logs'],
        ['vpc-flow-hive', 'VPC Flow Logs, Hive-compatible folders'],
      ])
        expect(run.stderr).toMatch(
          new RegExp(`\\n {4}--layout ${layout} --prefix "" +\\(\\d+ keys sampled\\) +${title}\\n`),
        );
    }
    expect(await snapshot(s3, bucket)).toEqual(before);
  });

  it('--layout elb --prefix "" collapses only the ALB keys', async () => {
    const run = await runCli([
      '--endpoint',
      endpoint(),
      '--bucket',
      bucket,
      '--layout',
      'elb',
      '--prefix',
      '',
      '--from',
      '2024-05-01',
      '--yes',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const left = new Set(await listKeys(s3, bucket));
    const alb = balancers.filter((object) => object.key.endsWith('.log.gz'));
    for (const object of alb) expect(left.has(object.key)).toBe(false);
    for (const object of [...trail, ...flows, ...hiveFlows, ...balancers.filter((o) => !alb.includes(o))])
      expect(left.has(object.key), object.key).toBe(true);
    const outputKey = alb[0]!.key.replace(/_(\d{8})T\d{4}Z_.*$/, '_$1_collapsed.log.gz');
    const output = await getBytes(s3, bucket, outputKey);
    const inputs = [...alb].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(output.equals(Buffer.concat(inputs.map((object) => object.body)))).toBe(true);
    expect(left.size).toBe(everything.length - alb.length + 2);
  });
});

describe('the message for many layouts', () => {
  const keys = [
    ...trail
      .filter((object) => object.key.includes('/CloudTrail/'))
      .slice(0, 5)
      .map((object) => object.key),
    ...balancers.map((object) => object.key),
    ...flows.map((object) => object.key),
    ...hiveFlows.map((object) => object.key),
  ];

  it('lines up the flags, the counts and what each layout is', () => {
    const error = (() => {
      try {
        chooseCandidate(scoreSample(keys, LAYOUTS), 's3://b/');
      } catch (caught) {
        return caught as UserError;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toBe('Found 5 log layouts under s3://b/; a run collapses one.');
    expect(error?.fix).toBe(
      [
        'Pick one with --layout and --prefix:',
        '    --layout cloudtrail --prefix ""      (5 keys sampled)  CloudTrail logs',
        '    --layout elb --prefix ""             (4 keys sampled)  Elastic Load Balancing access logs (ALB, NLB)',
        '    --layout elb-classic --prefix ""     (4 keys sampled)  Classic Load Balancer access logs',
        '    --layout vpc-flow --prefix ""        (4 keys sampled)  VPC Flow Logs',
        '    --layout vpc-flow-hive --prefix ""   (4 keys sampled)  VPC Flow Logs, Hive-compatible folders',
      ].join('\n'),
    );
  });

  it('names every supported layout when none matches', () => {
    expect(() => chooseCandidate(scoreSample(['a.csv'], LAYOUTS), 's3://b/')).toThrow(UserError);
    try {
      chooseCandidate(scoreSample(['a.csv'], LAYOUTS), 's3://b/');
    } catch (caught) {
      expect((caught as UserError).fix).toMatch(
        /S3 server access logs, CloudTrail, Elastic Load Balancing \(ALB, NLB, Classic\), VPC Flow Logs, CloudFront standard logs, Redshift audit logs and AWS WAF logs/,
      );
    }
  });
});
