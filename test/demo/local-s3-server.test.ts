// The local S3 server behaves as S3 does where the tool's safety depends on it: conditional
// writes, reads and deletes, whole-object writes, Content-MD5, and multipart uploads that can be
// listed and aborted. Each test fails on plain s3rver, for the reason S3 would make it fail.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { endpoint, getBytes, listKeys, newBucket, testClient } from '../support/s3.js';

const s3 = testClient();

/** What S3 answered when a request failed: the SDK's parsed error code and the HTTP status. */
async function failure(sending: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await sending;
  } catch (error) {
    if (error instanceof S3ServiceException)
      return { name: error.name, status: error.$metadata.httpStatusCode };
    throw error;
  }
  throw new Error('the request succeeded; S3 would have refused it');
}

const md5Base64 = (body: string): string => createHash('md5').update(body).digest('base64');

async function put(client: S3Client, bucket: string, key: string, body: string): Promise<string> {
  const answer = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return answer.ETag!;
}

const text = async (bucket: string, key: string): Promise<string> =>
  (await getBytes(s3, bucket, key)).toString();

async function uploadOnePart(bucket: string, key: string, body: string) {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const part = await s3.send(
    new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: body }),
  );
  return { uploadId: UploadId!, parts: [{ PartNumber: 1, ETag: part.ETag! }] };
}

const PRECONDITION_FAILED = { name: 'PreconditionFailed', status: 412 };

describe('conditional writes', () => {
  it('refuses If-None-Match: * on an existing key with 412 and keeps the object', async () => {
    const bucket = await newBucket(s3, 'cond-inm');
    await put(s3, bucket, 'manifest.json', 'first');
    const answer = failure(
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'manifest.json', Body: 'second', IfNoneMatch: '*' }),
      ),
    );
    expect(await answer).toEqual(PRECONDITION_FAILED);
    expect(await text(bucket, 'manifest.json')).toBe('first');
  });

  it('replaces an object only while If-Match names its current ETag, quoted or not', async () => {
    const bucket = await newBucket(s3, 'cond-im');
    const stale = await put(s3, bucket, 'k', 'one');
    const current = await put(s3, bucket, 'k', 'two');
    expect(
      await failure(
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'three', IfMatch: stale })),
      ),
    ).toEqual(PRECONDITION_FAILED);
    expect(await text(bucket, 'k')).toBe('two');
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'three', IfMatch: current.replace(/"/g, '') }),
    );
    expect(await text(bucket, 'k')).toBe('three');
  });

  it('answers If-Match on a missing key with 404 NoSuchKey and stores nothing', async () => {
    const bucket = await newBucket(s3, 'cond-im-missing');
    const answer = failure(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', IfMatch: '"abc"' })),
    );
    expect(await answer).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await listKeys(s3, bucket)).toEqual([]);
  });

  it('lets exactly one of many concurrent If-None-Match: * writers create the key', async () => {
    const bucket = await newBucket(s3, 'cond-race');
    // Several keys raced at once by many writers, so that unlocked check-then-write interleaves.
    const keys = Array.from({ length: 6 }, (_, k) => `lock-${k}`);
    const bodies = Array.from({ length: 16 }, (_, w) => `writer ${w}`);
    const races = keys.flatMap((key) =>
      bodies.map((body) => ({
        key,
        body,
        sent: s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: '*' })),
      })),
    );
    const results = await Promise.allSettled(races.map(({ sent }) => sent));
    for (const key of keys) {
      const winners = races.filter((race, i) => race.key === key && results[i]?.status === 'fulfilled');
      expect(winners, key).toHaveLength(1);
      expect(await text(bucket, key)).toBe(winners[0]?.body);
    }
    for (const result of results) {
      if (result.status === 'rejected')
        expect(await failure(Promise.reject(result.reason))).toEqual(PRECONDITION_FAILED);
    }
  });

  it('checks CompleteMultipartUpload: If-None-Match fails on an existing key, If-Match with its ETag completes', async () => {
    const bucket = await newBucket(s3, 'cond-mpu');
    const etag = await put(s3, bucket, 'out.gz', 'old output');
    const { uploadId, parts } = await uploadOnePart(bucket, 'out.gz', 'new output');
    const complete = (conditions: { IfNoneMatch?: string; IfMatch?: string }) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'out.gz',
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
          ...conditions,
        }),
      );
    expect(await failure(complete({ IfNoneMatch: '*' }))).toEqual(PRECONDITION_FAILED);
    expect(await text(bucket, 'out.gz')).toBe('old output');
    await complete({ IfMatch: etag });
    expect(await text(bucket, 'out.gz')).toBe('new output');
  });

  it('refuses CopyObject onto an existing key with If-None-Match: *', async () => {
    const bucket = await newBucket(s3, 'cond-copy');
    await put(s3, bucket, 'source', 'source bytes');
    await put(s3, bucket, 'target', 'target bytes');
    const copy = s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'target',
        CopySource: `${bucket}/source`,
        IfNoneMatch: '*',
      }),
    );
    expect(await failure(copy)).toEqual(PRECONDITION_FAILED);
    expect(await text(bucket, 'target')).toBe('target bytes');
  });
});

describe('conditional reads and deletes', () => {
  it('answers GetObject and HeadObject with 412 when If-Match names another version', async () => {
    const bucket = await newBucket(s3, 'cond-get');
    const stale = await put(s3, bucket, 'log', 'v1');
    const current = await put(s3, bucket, 'log', 'v2');
    expect(
      await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'log', IfMatch: stale }))),
    ).toEqual(PRECONDITION_FAILED);
    const head = await failure(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'log', IfMatch: stale })),
    );
    expect(head.status).toBe(412);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'log', IfMatch: current }));
    expect(await object.Body!.transformToString()).toBe('v2');
  });

  it('keeps a key whose ETag differs from DeleteObject If-Match (412) and deletes it when it matches', async () => {
    const bucket = await newBucket(s3, 'cond-del');
    const stale = await put(s3, bucket, 'k', 'v1');
    const current = await put(s3, bucket, 'k', 'v2');
    expect(
      await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: stale }))),
    ).toEqual(PRECONDITION_FAILED);
    expect(await listKeys(s3, bucket)).toEqual(['k']);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: current }));
    expect(await listKeys(s3, bucket)).toEqual([]);
    expect(
      await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', IfMatch: current }))),
    ).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('reports a stale ETag in DeleteObjects as that key’s PreconditionFailed and deletes the others', async () => {
    const bucket = await newBucket(s3, 'cond-dels');
    const stale = await put(s3, bucket, 'changed', 'v1');
    await put(s3, bucket, 'changed', 'v2');
    const kept = await put(s3, bucket, 'unchanged', 'u');
    await put(s3, bucket, 'plain', 'p');
    const answer = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: {
          Objects: [
            { Key: 'changed', ETag: stale },
            { Key: 'unchanged', ETag: kept },
            { Key: 'plain' },
            { Key: 'never-existed' },
          ],
        },
      }),
    );
    expect(answer.Errors?.map(({ Key, Code }) => ({ Key, Code }))).toEqual([
      { Key: 'changed', Code: 'PreconditionFailed' },
    ]);
    expect(answer.Deleted?.map(({ Key }) => Key).sort()).toEqual(['never-existed', 'plain', 'unchanged']);
    expect(await listKeys(s3, bucket)).toEqual(['changed']);
    expect(await text(bucket, 'changed')).toBe('v2');
  });

  it('answers a Quiet DeleteObjects with its errors only, and reads keys as text, escaped once', async () => {
    const bucket = await newBucket(s3, 'cond-quiet');
    const odd = `a&b<c>"d'e 0123`;
    await put(s3, bucket, '0123', 'digits');
    await put(s3, bucket, odd, 'odd');
    expect(await listKeys(s3, bucket)).toEqual(['0123', odd]);
    const answer = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Quiet: true, Objects: [{ Key: '0123' }, { Key: odd, ETag: '"0000"' }] },
      }),
    );
    expect(answer.Deleted ?? []).toEqual([]);
    expect(answer.Errors?.map(({ Key, Code }) => ({ Key, Code }))).toEqual([
      { Key: odd, Code: 'PreconditionFailed' },
    ]);
    expect(await listKeys(s3, bucket)).toEqual([odd]);
  });
});

describe('whole-object writes', () => {
  it('refuses a PutObject or UploadPart whose body does not match Content-MD5 (BadDigest) and stores nothing', async () => {
    const bucket = await newBucket(s3, 'md5');
    await put(s3, bucket, 'existing', 'original');
    const wrongDigest = md5Base64('something else');
    for (const key of ['existing', 'new']) {
      const putting = s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'payload', ContentMD5: wrongDigest }),
      );
      expect(await failure(putting)).toEqual({ name: 'BadDigest', status: 400 });
    }
    expect(await listKeys(s3, bucket)).toEqual(['existing']);
    expect(await text(bucket, 'existing')).toBe('original');

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu' }));
    const part = s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'mpu',
        UploadId,
        PartNumber: 1,
        Body: 'part',
        ContentMD5: wrongDigest,
      }),
    );
    expect(await failure(part)).toEqual({ name: 'BadDigest', status: 400 });
    const complete = s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'mpu',
        UploadId,
        MultipartUpload: {
          Parts: [{ PartNumber: 1, ETag: `"${createHash('md5').update('part').digest('hex')}"` }],
        },
      }),
    );
    expect(await failure(complete)).toEqual({ name: 'InvalidPart', status: 400 });
  });

  it('keeps the previous object whole when a PUT body is cut mid-stream', async () => {
    const bucket = await newBucket(s3, 'cut');
    const original = 'the original object, '.repeat(1000);
    await put(s3, bucket, 'out.json', original);
    // A raw request (the SDK would retry): it promises 64 KiB, sends 16 KiB, and drops the connection.
    await new Promise<void>((resolve) => {
      const cut = request(`${endpoint()}/${bucket}/out.json`, {
        method: 'PUT',
        headers: { 'content-length': 65_536 },
      });
      cut.on('error', () => resolve());
      cut.write(Buffer.alloc(16_384, 'x'), () => {
        cut.destroy();
        resolve();
      });
    });
    for (let read = 0; read < 5; read++) expect(await text(bucket, 'out.json')).toBe(original);
    expect(await listKeys(s3, bucket)).toEqual(['out.json']);
    await put(s3, bucket, 'out.json', 'written after');
    expect(await text(bucket, 'out.json')).toBe('written after');
  });
});

describe('multipart uploads', () => {
  it('lists an open upload with its creation time; once aborted, its parts, Complete and a second abort get NoSuchUpload', async () => {
    const bucket = await newBucket(s3, 'mpu-list');
    const before = Date.now();
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'logs/out.gz' }),
    );
    const after = Date.now();
    await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'other/out.gz' }));

    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'logs/' }));
    expect(
      listed.Uploads?.map(({ Key, UploadId, StorageClass }) => ({ Key, UploadId, StorageClass })),
    ).toEqual([{ Key: 'logs/out.gz', UploadId, StorageClass: 'STANDARD' }]);
    const initiated = listed.Uploads?.[0]?.Initiated?.getTime() ?? 0;
    // Filesystem clocks tick coarser than Date.now(): a second either side.
    expect(initiated).toBeGreaterThanOrEqual(before - 1000);
    expect(initiated).toBeLessThanOrEqual(after + 1000);
    expect(listed.IsTruncated).toBe(false);

    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'logs/out.gz', UploadId }));
    const remaining = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(remaining.Uploads?.map(({ Key }) => Key)).toEqual(['other/out.gz']);

    const gone = { name: 'NoSuchUpload', status: 404 };
    const part = s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'logs/out.gz',
        UploadId,
        PartNumber: 1,
        Body: 'late part',
      }),
    );
    expect(await failure(part)).toEqual(gone);
    const complete = s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'logs/out.gz',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] },
      }),
    );
    expect(await failure(complete)).toEqual(gone);
    const abortAgain = s3.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'logs/out.gz', UploadId }),
    );
    expect(await failure(abortAgain)).toEqual(gone);
    expect(await listKeys(s3, bucket)).toEqual([]);
    expect(
      (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.map(({ Key }) => Key),
    ).toEqual(['other/out.gz']);
  });

  it('pages ListMultipartUploads with max-uploads and the next markers', async () => {
    const bucket = await newBucket(s3, 'mpu-pages');
    const created: string[] = [];
    for (const key of ['k', 'k', 'l']) {
      created.push((await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!);
    }
    const seen: string[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (let page = 1; ; page++) {
      const answer = await s3.send(
        new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 1, ...markers }),
      );
      seen.push(...(answer.Uploads ?? []).map(({ UploadId }) => UploadId!));
      if (!answer.IsTruncated) break;
      expect(page).toBeLessThan(3);
      markers = { KeyMarker: answer.NextKeyMarker!, UploadIdMarker: answer.NextUploadIdMarker! };
    }
    expect(seen.sort()).toEqual([...created].sort());
  });
});

describe('bucket calls answered as S3 answers them, without listing the objects', () => {
  it('HeadBucket: 200 with the bucket region, NotFound for a missing bucket; versioning never enabled', async () => {
    const bucket = await newBucket(s3, 'head');
    await put(s3, bucket, 'logs/a', 'a\n');
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.BucketRegion).toBe('us-east-1');
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: `${bucket}-gone` })))).toEqual({
      name: 'NotFound',
      status: 404,
    });
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.$metadata.httpStatusCode).toBe(200);
    expect(versioning.Status).toBeUndefined();
    // The objects are untouched, and listing still works.
    expect(await listKeys(s3, bucket)).toEqual(['logs/a']);
  });
});
