import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { accessLogObjects, cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import {
  manifestKeyFor,
  parseManifest,
  serializeManifest,
  type Manifest,
} from '../../source/engine/manifest.js';
import { collapseRange } from './collapse.js';
import { contextFor, getBytes, newBucket, putObjects } from './s3.js';

export const DAY = new Date('2024-05-01T00:00:00Z');
export const NOW = new Date('2024-05-03T10:00:00Z');

export const PLAIN_OUTPUT = 'logs/2024-05-01_collapsed';
export const GZIP_OUTPUT =
  'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501_collapsed.json.gz';

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** A plain input without a final newline: its output gets a `\n` separator after it. */
const UNTERMINATED: SeedObject = {
  key: 'logs/2024-05-01-23-59-59-FFFFFFFFFFFFFFFF',
  body: Buffer.from('last record without newline'),
};

export interface CollapsedBucket {
  readonly bucket: string;
  /** Every original's SHA-256, taken before the collapse deleted it. */
  readonly originals: ReadonlyMap<string, string>;
  readonly plainKeys: readonly string[];
  readonly gzipKeys: readonly string[];
}

/**
 * A fresh bucket holding one plain output (S3 access logs, one member with a `\n` separator) and one
 * gzip output (CloudTrail: every member gets a gzip separator), made by the real collapse; the
 * originals are gone, their hashes kept aside.
 */
export async function collapsedBucket(s3: S3Client, label: string): Promise<CollapsedBucket> {
  const bucket = await newBucket(s3, label);
  const access = [
    ...accessLogObjects({ prefix: 'logs/', days: [DAY], objectsPerDay: 6, sourceBucket: 'site', seed: 31 }),
    UNTERMINATED,
  ];
  const trail = cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }],
    regions: ['eu-west-1'],
    days: [DAY],
    filesPerDay: 5,
    seed: 32,
  }).filter((object) => object.key.includes('/CloudTrail/'));
  await putObjects(s3, bucket, [...access, ...trail]);
  const ctx = contextFor(s3, bucket, NOW);
  await collapseRange(ctx, { layout: 's3-access-simple', root: 'logs/', from: '2024-05-01' });
  await collapseRange(ctx, { layout: 'cloudtrail', root: '', from: '2024-05-01' });
  return {
    bucket,
    originals: new Map([...access, ...trail].map((object) => [object.key, sha256(object.body)])),
    plainKeys: access.map((object) => object.key).sort(),
    gzipKeys: trail.map((object) => object.key).sort(),
  };
}

export async function readManifest(s3: S3Client, bucket: string, outputKey: string): Promise<Manifest> {
  const parsed = parseManifest((await getBytes(s3, bucket, manifestKeyFor(outputKey))).toString('utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.manifest;
}

export async function writeManifest(s3: S3Client, bucket: string, manifest: Manifest): Promise<void> {
  await putObjects(s3, bucket, [
    { key: manifestKeyFor(manifest.output!.key), body: serializeManifest(manifest) },
  ]);
}

/** Rewrites an object with `change` applied to a copy of its bytes (plain PutObject: a tamperer's write). */
export async function rewrite(
  s3: S3Client,
  bucket: string,
  key: string,
  change: (bytes: Buffer) => Buffer | void,
): Promise<void> {
  const bytes = Buffer.from(await getBytes(s3, bucket, key));
  const changed = change(bytes) ?? bytes;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: changed }));
}

/** Flips the bits of `mask` in the byte at `at`. */
export function flipByte(bytes: Buffer, at: number, mask = 0x01): void {
  bytes.writeUInt8(bytes.readUInt8(at) ^ mask, at);
}
