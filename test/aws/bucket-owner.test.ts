import { CreateMultipartUploadCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBucketOwner } from '../../source/aws/request-middleware.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

describe('requireBucketOwner', () => {
  it('names the owner of the copy source too: a part copied on the server reads from the bucket', async () => {
    const bucket = await newBucket(s3, 'owner-copy');
    await putObjects(s3, bucket, [{ key: 'in', body: Buffer.alloc(1024, 'x') }]);
    const proxy = await startFaultProxy(endpoint());
    const client = testClient(proxy.endpoint);
    requireBucketOwner(client, '111122223333');
    try {
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'out' }),
      );
      await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: 'out',
          UploadId,
          PartNumber: 1,
          CopySource: `${bucket}/in`,
        }),
      );
    } finally {
      client.destroy();
      await proxy.close();
    }
    const copy = proxy.seen.find((r) => r.operation === 'UploadPartCopy')!;
    expect(copy.headers['x-amz-expected-bucket-owner']).toBe('111122223333');
    expect(copy.headers['x-amz-source-expected-bucket-owner']).toBe('111122223333');
  });
});
