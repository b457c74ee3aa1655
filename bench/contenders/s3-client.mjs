// The S3 client and the spec both plain-JS contenders use. Plain JavaScript run by node: no tsx
// start-up in their timings. The spec (a JSON file) names the endpoint, the bucket and one group per
// output: the listing prefix of its inputs and the key it goes to.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';

export async function readSpec(path) {
  return JSON.parse(await readFile(path, 'utf8'));
}

export function clientFor(endpoint) {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    // s3rver refuses the SDK's default aws-chunked uploads with flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) }),
  });
}

/** Every object under a prefix, in key order (S3 lists in key order), with its size. */
export async function listObjects(s3, bucket, prefix) {
  const objects = [];
  let token;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const { Key, Size } of page.Contents ?? []) objects.push({ key: Key, size: Size });
    token = page.NextContinuationToken;
  } while (token);
  return objects;
}
