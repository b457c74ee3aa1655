import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { createS3Client } from '../aws/s3-client.js';
import { periodOf } from '../periods.js';
import { cloudFrontObjects } from './cloudfront-logs.js';
import { flowLogObjects } from './flow-logs.js';
import { loadBalancerObjects } from './load-balancer-logs.js';
import { accessLogObjects, cloudTrailObjects, type SeedObject } from './log-generator.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3Server } from './s3-server.js';

export interface DemoBucket {
  readonly name: string;
  readonly what: string;
  readonly objects: readonly SeedObject[];
}

export const DEMO_DAYS = 3;
export const DEMO_IDENTITY = 'arn:aws:iam::000000000000:user/demo (local S3 server, no AWS account involved)';

const DAY = 86_400_000;

/** A key whose `YYYYMMDDTHHmmZ` stamp is before `now`: today's files delivered so far. */
function stampedBefore(key: string, now: Date): boolean {
  const stamp = /_(\d{8}T\d{4}Z)_/.exec(key)?.[1];
  const current = now.toISOString().replace(/[-:]/g, '').slice(0, 13);
  return stamp !== undefined && stamp.slice(0, 13) < current;
}

/**
 * The demo's buckets: several finished days of logs, plus the traps a careful tool must leave alone —
 * today's keys (still arriving), CloudTrail digest and Insights files, and a non-log object.
 */
export function demoBuckets(now: Date, scale = 1): DemoBucket[] {
  const today = periodOf(now, 'day').start;
  const days = Array.from(
    { length: DEMO_DAYS },
    (_, index) => new Date(today.getTime() - (DEMO_DAYS - index) * DAY),
  );
  const access = accessLogObjects({
    prefix: 'logs/',
    days,
    objectsPerDay: 300 * scale,
    sourceBucket: 'demo-website',
    seed: 1,
  });
  const accessToday = accessLogObjects({
    prefix: 'logs/',
    days: [today],
    objectsPerDay: 12,
    sourceBucket: 'demo-website',
    seed: 2,
  }).filter(
    (object) => object.key < `logs/${now.toISOString().slice(0, 10)}-${now.toISOString().slice(11, 13)}`,
  );
  const partition = { account: '123456789012', region: 'us-east-1' };
  const partitioned = accessLogObjects({
    prefix: 'logs/',
    days,
    objectsPerDay: 120 * scale,
    sourceBucket: 'demo-website',
    partition,
    seed: 3,
  });
  const trail = {
    prefix: '',
    accounts: [{ account: '111122223333' }, { account: '444455556666', org: 'o-a1b2c3d4e5' }],
    regions: ['eu-west-1', 'us-east-1'],
  };
  const cloudTrail = cloudTrailObjects({ ...trail, days, filesPerDay: 48 * scale, seed: 4 });
  const cloudTrailToday = cloudTrailObjects({ ...trail, days: [today], filesPerDay: 2, seed: 5 }).filter(
    (object) => !object.key.includes('-Digest/') && !object.key.includes('-Insight/'),
  );
  const distributions = { prefix: 'cdn/', distributions: ['E2ABCDEF123456', 'E3DEMO0SHOP1XY'] };
  const cloudFront = cloudFrontObjects({ ...distributions, days, filesPerDay: 48 * scale, seed: 6 });
  // Today's hours before the current one: still open periods, CloudFront may deliver more.
  const thisHour = `${now.toISOString().slice(0, 10)}-${now.toISOString().slice(11, 13)}`;
  const cloudFrontToday = cloudFrontObjects({
    ...distributions,
    days: [today],
    filesPerDay: 24,
    seed: 7,
  }).filter((object) => object.key.split('.')[1]! < thisHour);
  const account = { prefix: '', account: '123456789012', region: 'eu-west-1' };
  const balancers = {
    ...account,
    loadBalancers: [
      { kind: 'application', name: 'demo-shop-alb' },
      { kind: 'network', name: 'demo-db-nlb' },
    ] as const,
  };
  const loadBalancers = loadBalancerObjects({ ...balancers, days, filesPerDay: 48 * scale, seed: 8 });
  const loadBalancersToday = loadBalancerObjects({
    ...balancers,
    days: [today],
    filesPerDay: 24,
    seed: 9,
  }).filter((object) => stampedBefore(object.key, now));
  const flowLogs = { ...account, flowLogIds: ['fl-0a1b2c3d4e5f60718', 'fl-0f9e8d7c6b5a49382'] };
  const flows = flowLogObjects({ ...flowLogs, days, filesPerDay: 48 * scale, seed: 10 });
  const flowsToday = flowLogObjects({ ...flowLogs, days: [today], filesPerDay: 24, seed: 11 }).filter(
    (object) => stampedBefore(object.key, now),
  );
  return [
    {
      name: 'demo-access-logs',
      what: 'S3 server access logs under logs/ (simple layout)',
      objects: [
        ...access,
        ...accessToday,
        { key: 'logs/README.txt', body: Buffer.from('Access logs for demo-website.\n') },
      ],
    },
    {
      name: 'demo-partitioned-logs',
      what: 'S3 server access logs under logs/ (date-partitioned layout)',
      objects: partitioned,
    },
    {
      name: 'demo-cloudtrail',
      what: 'CloudTrail: 2 accounts (one organization trail) × 2 regions, with digest and Insights files',
      objects: [...cloudTrail, ...cloudTrailToday],
    },
    {
      name: 'demo-cloudfront',
      what: 'CloudFront standard logs of 2 distributions under cdn/',
      objects: [
        ...cloudFront,
        ...cloudFrontToday,
        { key: 'cdn/README.txt', body: Buffer.from('CloudFront logs for the demo shop.\n') },
      ],
    },
    {
      name: 'demo-load-balancers',
      what: 'Elastic Load Balancing access logs of an ALB and an NLB, with the test file AWS writes',
      objects: [...loadBalancers, ...loadBalancersToday],
    },
    {
      name: 'demo-vpc-flow-logs',
      what: 'VPC Flow Logs of 2 flow logs, with a Parquet file beside them',
      objects: [...flows, ...flowsToday],
    },
  ];
}

export async function seedBuckets(
  s3: S3Client,
  buckets: readonly DemoBucket[],
  onObject?: () => void,
): Promise<void> {
  for (const bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
  const all = buckets.flatMap((bucket) => bucket.objects.map((object) => ({ bucket: bucket.name, object })));
  await pMap(
    all,
    async ({ bucket, object }) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
      onObject?.();
    },
    { concurrency: 16 },
  );
}

export interface Demo {
  readonly server: LocalS3Server;
  readonly buckets: readonly DemoBucket[];
  readonly credentials: typeof LOCAL_S3_CREDENTIALS;
  stop(): Promise<void>;
}

/** Starts the local S3 server and seeds it. Nothing here talks to AWS. */
export async function startDemo(
  now: Date,
  onProgress?: (done: number, total: number) => void,
): Promise<Demo> {
  const server = await startLocalS3();
  try {
    const buckets = demoBuckets(now);
    const total = buckets.reduce((count, bucket) => count + bucket.objects.length, 0);
    const s3 = createS3Client({ endpoint: server.endpoint, credentials: LOCAL_S3_CREDENTIALS });
    let done = 0;
    await seedBuckets(s3, buckets, () => onProgress?.((done += 1), total));
    s3.destroy();
    return { server, buckets, credentials: LOCAL_S3_CREDENTIALS, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
