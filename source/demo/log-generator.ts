import { gzipSync } from 'node:zlib';
import { utcParts } from '../periods.js';

/** One object to seed: its key, bytes, and why it is there. */
export interface SeedObject {
  readonly key: string;
  readonly body: Buffer;
}

/** A small deterministic PRNG (mulberry32): the same demo every run, no dependency. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (random: () => number, length: number): string =>
  Array.from({ length }, () => '0123456789ABCDEF'[Math.floor(random() * 16)]).join('');

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const OPERATIONS = [
  'REST.GET.OBJECT',
  'REST.PUT.OBJECT',
  'REST.HEAD.OBJECT',
  'REST.GET.BUCKET',
  'REST.GET.VERSIONING',
];
const PATHS = [
  'index.html',
  'assets/app.js',
  'assets/site.css',
  'images/logo.png',
  'api/health',
  'docs/guide.pdf',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function accessLogTime(date: Date): string {
  const { yyyy, dd, hh } = utcParts(date);
  const mi = String(date.getUTCMinutes()).padStart(2, '0');
  const ss = String(date.getUTCSeconds()).padStart(2, '0');
  return `[${dd}/${MONTHS[date.getUTCMonth()]}/${yyyy}:${hh}:${mi}:${ss} +0000]`;
}

/** One S3 server access log record, in the documented field order. */
function accessLogLine(random: () => number, bucket: string, at: Date): string {
  const operation = pick(random, OPERATIONS);
  const path = pick(random, PATHS);
  const status = random() < 0.9 ? 200 : pick(random, [304, 403, 404]);
  const bytes = Math.floor(random() * 50_000);
  const ip = `192.0.2.${Math.floor(random() * 250) + 1}`;
  return (
    `${OWNER} ${bucket} ${accessLogTime(at)} ${ip} ${OWNER} ${hex(random, 16)} ${operation} ${path} ` +
    `"GET /${bucket}/${path} HTTP/1.1" ${status} - ${bytes} ${bytes} ${Math.floor(random() * 90)} ${Math.floor(random() * 30)} ` +
    `"-" "Mozilla/5.0 (X11; Linux x86_64)" - ${hex(random, 40)}= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader ` +
    `${bucket}.s3.us-east-1.amazonaws.com TLSv1.2 - -`
  );
}

const stamp = (date: Date): string => {
  const { yyyy, mm, dd, hh } = utcParts(date);
  const mi = String(date.getUTCMinutes()).padStart(2, '0');
  const ss = String(date.getUTCSeconds()).padStart(2, '0');
  return `${yyyy}-${mm}-${dd}-${hh}-${mi}-${ss}`;
};

export interface AccessLogOptions {
  readonly prefix: string;
  readonly days: readonly Date[];
  readonly objectsPerDay: number;
  readonly sourceBucket: string;
  readonly seed: number;
  /** `account/region` for the date-partitioned layout; simple layout when absent. */
  readonly partition?: { readonly account: string; readonly region: string } | undefined;
}

/** S3 server access log objects: a few records each, newline-terminated, delivered through the day. */
export function accessLogObjects(options: AccessLogOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const objects: SeedObject[] = [];
  for (const day of options.days) {
    for (let index = 0; index < options.objectsPerDay; index += 1) {
      const at = new Date(
        day.getTime() + Math.floor(((index + random()) / options.objectsPerDay) * 86_400_000),
      );
      const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        accessLogLine(random, options.sourceBucket, at),
      );
      const { yyyy, mm, dd } = utcParts(at);
      const folder = options.partition
        ? `${options.partition.account}/${options.partition.region}/${options.sourceBucket}/${yyyy}/${mm}/${dd}/`
        : '';
      objects.push({
        key: `${options.prefix}${folder}${stamp(at)}-${hex(random, 16)}`,
        body: Buffer.from(`${lines.join('\n')}\n`),
      });
    }
  }
  return objects;
}

export interface CloudTrailOptions {
  readonly prefix: string;
  readonly accounts: ReadonlyArray<{ readonly account: string; readonly org?: string }>;
  readonly regions: readonly string[];
  readonly days: readonly Date[];
  readonly filesPerDay: number;
  readonly seed: number;
}

const EVENTS = [
  ['s3.amazonaws.com', 'GetObject'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['iam.amazonaws.com', 'ListRoles'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['kms.amazonaws.com', 'Decrypt'],
] as const;

/** CloudTrail log files (gzipped JSON, no trailing newline) and, as traps, digest and Insights files. */
export function cloudTrailObjects(options: CloudTrailOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const objects: SeedObject[] = [];
  for (const { account, org } of options.accounts) {
    const base = `${options.prefix}AWSLogs/${org ? `${org}/` : ''}${account}`;
    for (const region of options.regions) {
      for (const day of options.days) {
        const { yyyy, mm, dd } = utcParts(day);
        for (let index = 0; index < options.filesPerDay; index += 1) {
          const at = new Date(
            day.getTime() + Math.floor(((index + random()) / options.filesPerDay) * 86_400_000),
          );
          const { hh } = utcParts(at);
          const mi = String(at.getUTCMinutes()).padStart(2, '0');
          const records = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
            const [source, name] = pick(random, EVENTS);
            return {
              eventVersion: '1.09',
              eventTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
              eventSource: source,
              eventName: name,
              awsRegion: region,
              sourceIPAddress: `198.51.100.${Math.floor(random() * 250) + 1}`,
              userIdentity: {
                type: 'AssumedRole',
                accountId: account,
                arn: `arn:aws:sts::${account}:assumed-role/Admin/ana`,
              },
              eventID:
                `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`.toLowerCase(),
              recipientAccountId: account,
            };
          });
          const file = `${account}_CloudTrail_${region}_${yyyy}${mm}${dd}T${hh}${mi}Z_${hex(random, 16)}.json.gz`;
          objects.push({
            key: `${base}/CloudTrail/${region}/${yyyy}/${mm}/${dd}/${file}`,
            body: gzipSync(JSON.stringify({ Records: records })),
          });
        }
        objects.push({
          key: `${base}/CloudTrail-Digest/${region}/${yyyy}/${mm}/${dd}/${account}_CloudTrail-Digest_${region}_demo-trail_${region}_${yyyy}${mm}${dd}T235959Z.json.gz`,
          body: gzipSync(JSON.stringify({ awsAccountId: account, digestStartTime: day.toISOString() })),
        });
      }
    }
    const first = options.days[0];
    if (first) {
      const { yyyy, mm, dd } = utcParts(first);
      const region = options.regions[0] ?? 'us-east-1';
      objects.push({
        key: `${base}/CloudTrail-Insight/${region}/${yyyy}/${mm}/${dd}/${account}_CloudTrail-Insight_${region}_${yyyy}${mm}${dd}T1200Z_${hex(random, 16)}.json.gz`,
        body: gzipSync(JSON.stringify({ Records: [{ eventType: 'AwsCloudTrailInsight' }] })),
      });
    }
  }
  return objects;
}
