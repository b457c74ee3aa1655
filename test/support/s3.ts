import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import pMap from 'p-map';
import { inject } from 'vitest';
import { createS3Client } from '../../source/aws/s3-client.js';
import { LOCAL_S3_CREDENTIALS } from '../../source/demo/s3-server.js';
import type { EngineContext } from '../../source/engine/types.js';

/** The local S3 server the test run started (test/support/global-setup.ts). */
export const endpoint = (): string => inject('s3Endpoint');

export function testClient(url = endpoint()): S3Client {
  return createS3Client({ endpoint: url, credentials: LOCAL_S3_CREDENTIALS });
}

/** A fresh, uniquely named bucket: tests never share state. */
export async function newBucket(s3: S3Client, label: string): Promise<string> {
  const name = `${label}-${randomUUID().slice(0, 8)}`.toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

export async function putObjects(
  s3: S3Client,
  bucket: string,
  objects: ReadonlyArray<{ key: string; body: Buffer | string }>,
): Promise<void> {
  await pMap(
    objects,
    (object) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body })),
    {
      concurrency: 16,
    },
  );
}

export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/** Every object's bytes, by key: the whole bucket, to compare before and after. */
export async function snapshot(s3: S3Client, bucket: string): Promise<Map<string, string>> {
  const keys = await listKeys(s3, bucket);
  const entries = await pMap(
    keys,
    async (key) => [key, (await getBytes(s3, bucket, key)).toString('base64')] as const,
    {
      concurrency: 16,
    },
  );
  return new Map(entries);
}

export function contextFor(s3: S3Client, bucket: string, now = new Date()): EngineContext {
  return { s3, bucket, now: () => now };
}
