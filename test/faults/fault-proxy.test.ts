import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '../../source/demo/s3-server.js';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { operationOf, targetOf } from '../support/s3-operations.js';
import { endpoint, getBytes, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

/** The test client's settings, trying once: the fault reaches the test instead of being retried away. */
const oneAttemptClient = (url: string) =>
  new S3Client({
    region: 'us-east-1',
    credentials: LOCAL_S3_CREDENTIALS,
    endpoint: url,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });

async function throughProxy<T>(
  rule: FaultRule,
  use: (client: S3Client, proxy: FaultProxy) => Promise<T>,
  client: (url: string) => S3Client = oneAttemptClient,
): Promise<T> {
  const proxy = await startFaultProxy(endpoint(), rule);
  const viaProxy = client(proxy.endpoint);
  try {
    return await use(viaProxy, proxy);
  } finally {
    viaProxy.destroy();
    await proxy.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('operationOf', () => {
  const copy = { 'x-amz-copy-source': 'source-bucket/logs/a.gz' };
  it.each([
    ['GET', '/', {}, 'ListBuckets'],
    ['GET', '/b?list-type=2&prefix=logs%2F&continuation-token=t', {}, 'ListObjectsV2'],
    ['GET', '/b?prefix=logs%2F&marker=m', {}, 'ListObjects'],
    ['GET', '/b?uploads&prefix=logs%2F', {}, 'ListMultipartUploads'],
    ['GET', '/b?versioning', {}, 'Other'],
    ['GET', '/b?location', {}, 'Other'],
    ['HEAD', '/b', {}, 'HeadBucket'],
    ['PUT', '/b', {}, 'Other'],
    ['HEAD', '/b/logs/a.gz', {}, 'HeadObject'],
    ['GET', '/b/logs/a.gz?x-id=GetObject', {}, 'GetObject'],
    ['GET', '/b/logs/a.gz?response-content-type=text%2Fplain&versionId=v', {}, 'GetObject'],
    ['GET', '/b/logs/a.gz?tagging', {}, 'Other'],
    ['GET', '/b/logs/a.gz?uploadId=u', {}, 'ListParts'],
    ['PUT', '/b/logs/a.gz?x-id=PutObject', {}, 'PutObject'],
    ['PUT', '/b/logs/a.gz?x-id=CopyObject', copy, 'CopyObject'],
    ['PUT', '/b/logs/a.gz?partNumber=1&uploadId=u&x-id=UploadPart', {}, 'UploadPart'],
    ['PUT', '/b/logs/a.gz?partNumber=1&uploadId=u&x-id=UploadPartCopy', copy, 'UploadPartCopy'],
    ['PUT', '/b/logs/a.gz?tagging', {}, 'Other'],
    ['POST', '/b/logs/a.gz?uploads', {}, 'CreateMultipartUpload'],
    ['POST', '/b/logs/a.gz?uploadId=u', {}, 'CompleteMultipartUpload'],
    ['POST', '/b/logs/a.gz?restore', {}, 'Other'],
    ['DELETE', '/b/logs/a.gz?uploadId=u&x-id=AbortMultipartUpload', {}, 'AbortMultipartUpload'],
    ['DELETE', '/b/logs/a.gz?x-id=DeleteObject', {}, 'DeleteObject'],
    ['POST', '/b?delete', {}, 'DeleteObjects'],
  ])('%s %s %o is %s', (method, url, headers, operation) => {
    expect(operationOf(method, targetOf(url), headers)).toBe(operation);
  });

  it.each([
    ['/b/logs/a%20b.gz', 'logs/a b.gz'],
    ['/b/a%2Bb', 'a+b'],
    ['/b/a+b', 'a+b'],
    ['/b/100%25', '100%'],
    ['/b/caf%C3%A9/%E6%97%A5%E6%9C%AC', 'café/日本'],
    ['/b/a/../b', 'a/../b'],
    ['/b/a//b', 'a//b'],
    ['/b/bad%zz', 'bad%zz'],
  ])('decodes the key of %s as %s', (url, key) => {
    expect(targetOf(url)).toMatchObject({ bucket: 'b', key });
  });
});

describe('fault proxy', () => {
  it.each<[Fault, string, number]>([
    [{ kind: 'error', status: 503, code: 'SlowDown' }, 'SlowDown', 503],
    [{ kind: 'error', status: 500, code: 'InternalError' }, 'InternalError', 500],
    [{ kind: 'error', status: 409, code: 'ConditionalRequestConflict' }, 'ConditionalRequestConflict', 409],
    [{ kind: 'error', status: 412, code: 'PreconditionFailed' }, 'PreconditionFailed', 412],
    [{ kind: 'deny' }, 'AccessDenied', 403],
    [{ kind: 'delay', ms: 20, then: { kind: 'error', status: 503, code: 'SlowDown' } }, 'SlowDown', 503],
  ])('%o reaches the SDK as S3 error %s (%i)', async (fault, name, status) => {
    const bucket = await newBucket(s3, 'fault-error');
    await putObjects(s3, bucket, [{ key: 'a', body: 'a' }]);
    const error = await throughProxy(
      (request) => (request.operation === 'GetObject' ? fault : { kind: 'pass' }),
      (client) => rejection(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' }))),
    );
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } });
    expect((error as S3ServiceException).$metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('an error on HEAD has no body: the SDK names it from the status alone', async () => {
    const bucket = await newBucket(s3, 'fault-head');
    const error = await throughProxy(
      () => ({ kind: 'error', status: 503, code: 'SlowDown' }),
      (client) => rejection(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a' }))),
    );
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 503 } });
  });

  it('a reset is a network error, which a retrying client gets past', async () => {
    const bucket = await newBucket(s3, 'fault-reset');
    await putObjects(s3, bucket, [{ key: 'a', body: 'hello' }]);
    const resetFirst: FaultRule = (request) => (request.nth === 1 ? { kind: 'reset' } : { kind: 'pass' });
    const error = await throughProxy(resetFirst, (client) =>
      rejection(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' }))),
    );
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(error).not.toBeInstanceOf(S3ServiceException);

    const [bytes, tries] = await throughProxy(
      resetFirst,
      async (client, proxy) =>
        [
          await getBytes(client, bucket, 'a'),
          proxy.seen.filter((r) => r.operation === 'GetObject').length,
        ] as const,
      (url) => testClient(url),
    );
    expect(bytes.toString()).toBe('hello');
    expect(tries).toBe(2);
  });

  it('a cut body: GetObject resolves, then reading the body fails after the bytes sent', async () => {
    const bucket = await newBucket(s3, 'fault-cut');
    await putObjects(s3, bucket, [{ key: 'big', body: randomBytes(4 * 1024 * 1024) }]);
    const { length, received, error } = await throughProxy(
      () => ({ kind: 'cut-body', afterBytes: 100_000 }),
      async (client) => {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
        let received = 0;
        const error = await rejection(
          (async () => {
            for await (const chunk of object.Body as Readable) received += (chunk as Buffer).length;
          })(),
        );
        return { length: object.ContentLength, received, error };
      },
    );
    expect(length).toBe(4 * 1024 * 1024);
    expect(received).toBe(100_000);
    expect(error).toBeInstanceOf(Error);
  });

  it('delete-errors fails the chosen keys and really deletes the others', async () => {
    const bucket = await newBucket(s3, 'fault-delete');
    const kept = ['stays & <kept>', 'stays/100% "quoted"'];
    const gone = ['gone/a b', 'gone/é+1'];
    await putObjects(
      s3,
      bucket,
      [...kept, ...gone].map((key) => ({ key, body: key })),
    );
    const answer = await throughProxy(
      () => ({ kind: 'delete-errors', code: 'InternalError', keys: (key) => key.startsWith('stays') }),
      (client) =>
        client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: [...kept, ...gone].map((Key) => ({ Key })) },
          }),
        ),
    );
    expect(answer.Deleted?.map((entry) => entry.Key).sort()).toEqual(gone);
    expect(answer.Errors?.map((entry) => [entry.Key, entry.Code])).toEqual(
      kept.map((key) => [key, 'InternalError']),
    );
    // Asked one by one: s3rver's listing escapes `&` and `<` in keys a second time (real S3 does not).
    const left = await Promise.all(
      [...kept, ...gone].map((Key) =>
        s3.send(new HeadObjectCommand({ Bucket: bucket, Key })).then(
          () => Key,
          () => undefined,
        ),
      ),
    );
    expect(left.filter(Boolean)).toEqual(kept);
  });

  it('flip-byte changes one byte of what the server stores', async () => {
    const bucket = await newBucket(s3, 'fault-flip');
    const body = Buffer.alloc(1001, 'a');
    await throughProxy(
      (request) => (request.operation === 'PutObject' ? { kind: 'flip-byte' } : { kind: 'pass' }),
      // No Content-MD5 (the client only sends checksums S3 requires): the server cannot notice.
      (client) => client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: body })),
    );
    const stored = await getBytes(s3, bucket, 'a');
    expect(stored).toHaveLength(body.length);
    const differing = [...stored.keys()].filter((index) => stored[index] !== body[index]);
    expect(differing).toEqual([500]);
  });

  it('counts requests per operation and per key, and keeps the headers and decoded keys', async () => {
    const bucket = await newBucket(s3, 'fault-count');
    const keys = ['a b', 'a+b', '100%', 'café/日本', 'a b'];
    const seen = await throughProxy(
      () => ({ kind: 'pass' }),
      async (client, proxy) => {
        for (const key of keys)
          await rejection(
            client.send(
              new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: '111122223333' }),
            ),
          );
        return proxy.seen;
      },
    );
    expect(seen.map((request) => [request.operation, request.key, request.nth, request.nthForKey])).toEqual([
      ['HeadObject', 'a b', 1, 1],
      ['HeadObject', 'a+b', 2, 1],
      ['HeadObject', '100%', 3, 1],
      ['HeadObject', 'café/日本', 4, 1],
      ['HeadObject', 'a b', 5, 2],
    ]);
    for (const request of seen) expect(request.headers['x-amz-expected-bucket-owner']).toBe('111122223333');
  });

  it('hold parks a request until its promise settles, and lets others through meanwhile', async () => {
    const bucket = await newBucket(s3, 'fault-hold');
    let release = () => {};
    const until = new Promise<void>((resolve) => (release = resolve));
    await throughProxy(
      (request) => (request.operation === 'PutObject' ? { kind: 'hold', until } : { kind: 'pass' }),
      async (client, proxy) => {
        let stored = false;
        const put = client
          .send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'held' }))
          .then(() => (stored = true));
        await expect.poll(() => proxy.seen.length).toBe(1);
        await rejection(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a' })));
        expect(stored).toBe(false);
        release();
        await put;
      },
    );
    expect((await getBytes(s3, bucket, 'a')).toString()).toBe('held');
  });

  it('forward-then runs after the server acted and before the client hears of it', async () => {
    const bucket = await newBucket(s3, 'fault-after');
    let answered = false;
    const atAfter: { stored?: string; answered?: boolean } = {};
    await throughProxy(
      (request) =>
        request.operation === 'PutObject'
          ? {
              kind: 'forward-then',
              after: async () => {
                atAfter.stored = (await getBytes(s3, bucket, 'a')).toString();
                atAfter.answered = answered;
              },
            }
          : { kind: 'pass' },
      async (client) => {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'acted' }));
        answered = true;
      },
    );
    expect(atAfter).toEqual({ stored: 'acted', answered: false });
  });

  it('close drops parked requests instead of waiting for them', async () => {
    const bucket = await newBucket(s3, 'fault-close');
    const proxy = await startFaultProxy(endpoint(), () => ({ kind: 'hold', until: new Promise(() => {}) }));
    const client = oneAttemptClient(proxy.endpoint);
    const parked = rejection(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a' })));
    await expect.poll(() => proxy.seen.length).toBe(1);
    await proxy.close();
    expect(await parked).not.toBeInstanceOf(S3ServiceException);
    client.destroy();
  });
});
