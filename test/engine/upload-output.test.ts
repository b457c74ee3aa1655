import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Crc64Nvme } from '@aws-sdk/checksums/crc';
import { afterAll, describe, expect, it } from 'vitest';
import { onThrottle } from '../../source/aws/request-middleware.js';
import { uploadOutput } from '../../source/engine/upload-output.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { endpoint, getBytes, newBucket, putObjects, testClient } from '../support/s3.js';
import { BufferPool } from '../../source/engine/run-budget.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const crc64 = async (data: Buffer) => {
  const checksum = new Crc64Nvme();
  checksum.update(data);
  return Buffer.from(await checksum.digest()).toString('base64');
};

async function* chunksOf(data: Buffer, size: number) {
  for (let at = 0; at < data.length; at += size) yield { data: data.subarray(at, at + size) };
}

describe('uploadOutput on AWS (fullObjectChecksum)', () => {
  it.each([
    ['a single PUT', 1024, 'PutObject'],
    ['a multipart upload', 11 * 1024 * 1024, 'CompleteMultipartUpload'],
  ] as const)(
    '%s sends S3 the CRC64NVME of every byte, full-object, and Content-MD5 on each (unsigned) body',
    async (_, size, final) => {
      const bucket = await newBucket(s3, 'crc');
      const data = Buffer.alloc(size, 'crc64nvme\n');
      const proxy = await startFaultProxy(endpoint());
      const client = testClient(proxy.endpoint);
      try {
        const uploaded = await uploadOutput({
          s3: client,
          bucket,
          key: 'out',
          body: chunksOf(data, 64 * 1024),
          expectedSize: size,
          partSize: 5 * 1024 * 1024,
          partBuffers: new BufferPool(4, 5 * 1024 * 1024),
          queueSize: 2,
          condition: { absent: true },
          contentType: 'text/plain',
          metadata: {},
          fullObjectChecksum: true,
          copyHeld: false,
          onUploaded: () => undefined,
        });
        expect(uploaded.crc64nvme).toBe(await crc64(data));
      } finally {
        client.destroy();
        await proxy.close();
      }
      const last = proxy.seen.find((r) => r.operation === final)!;
      expect(last.headers['x-amz-checksum-crc64nvme']).toBe(await crc64(data));
      if (final === 'CompleteMultipartUpload') {
        expect(last.headers['x-amz-checksum-type']).toBe('FULL_OBJECT');
        expect(last.headers['x-amz-mp-object-size']).toBe(String(size));
        // Each part carries the CRC of its own bytes (the whole one is folded from these).
        const parts = proxy.seen.filter((r) => r.operation === 'UploadPart');
        expect(parts).toHaveLength(3);
        for (const part of parts) {
          const start = (Number(part.query.get('partNumber')) - 1) * 5 * 1024 * 1024;
          expect(part.headers['x-amz-checksum-crc64nvme']).toBe(
            await crc64(data.subarray(start, start + 5 * 1024 * 1024)),
          );
        }
      }
      for (const body of proxy.seen.filter(
        (r) => r.operation === 'PutObject' || r.operation === 'UploadPart',
      )) {
        expect(body.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
        // The signature covers the Content-MD5; the SDK does not hash the body a second time.
        expect(body.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
      }
      expect((await getBytes(s3, bucket, 'out')).equals(data)).toBe(true);
    },
  );
});

describe('onThrottle', () => {
  it('hears every throttled attempt, including those the SDK retries on its own', async () => {
    const bucket = await newBucket(s3, 'throttle');
    await putObjects(s3, bucket, [{ key: 'a', body: 'x' }]);
    const proxy = await startFaultProxy(endpoint(), (r) =>
      r.operation === 'GetObject' && r.nth <= 2
        ? { kind: 'error', status: 503, code: 'SlowDown' }
        : { kind: 'pass' },
    );
    const client = testClient(proxy.endpoint);
    const heard: Array<string | undefined> = [];
    const stop = onThrottle(client, ({ key }) => heard.push(key));
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' }));
      expect(await answer.Body!.transformToString()).toBe('x');
      expect(heard).toEqual(['a', 'a']);
    } finally {
      stop();
      client.destroy();
      await proxy.close();
    }
    expect(client).toBeInstanceOf(S3Client);
  });
});

describe('uploadOutput when its input fails', () => {
  it.each([1, 2, 3])(
    'after %i uploaded part(s): it rejects with the input’s error, and no output is left',
    async (partsBefore) => {
      const bucket = await newBucket(s3, 'body-fails');
      const part = 5 * 1024 * 1024;
      const failure = new Error('the input could not be read');
      let sentParts = 0;
      async function* failingBody() {
        for (let index = 0; index < partsBefore; index += 1)
          yield { data: Buffer.alloc(part, `part ${index}\n`) };
        // Long enough for the parts before to finish uploading, so the failing read is the only pull.
        const deadline = Date.now() + 10_000;
        while (sentParts < partsBefore && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
        throw failure;
      }
      const upload = uploadOutput({
        s3,
        bucket,
        key: 'out',
        body: failingBody(),
        expectedSize: (partsBefore + 1) * part,
        partSize: part,
        partBuffers: new BufferPool(6, part),
        queueSize: 4,
        condition: { absent: true },
        contentType: 'text/plain',
        metadata: {},
        fullObjectChecksum: false,
        copyHeld: false,
        onUploaded: (loaded) => (sentParts = loaded / part),
      });
      await expect(upload).rejects.toMatchObject({ reason: failure, leftNothing: true });
      await expect(getBytes(s3, bucket, 'out')).rejects.toThrow();
    },
  );
});
