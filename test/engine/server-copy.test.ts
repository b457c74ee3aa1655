import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { copyPart } from '../../source/engine/copy-parts.js';
import { parseManifest } from '../../source/engine/manifest.js';
import type { RunOptions } from '../../source/engine/types.js';
import { collapseRange } from '../support/collapse.js';
import { startFaultProxy, type FaultRule } from '../support/fault-proxy.js';
import {
  contextFor,
  endpoint,
  getBytes,
  listKeys,
  newBucket,
  putObjects,
  testClient,
} from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const MiB = 1024 * 1024;
const NOW = new Date('2024-05-03T10:00:00Z');
const OUTPUT = 'logs/2024-05-01_collapsed';
const MANIFEST = 'logs/_2024-05-01_collapsed.manifest.json';
const request = { layout: 's3-access-simple', root: 'logs/', from: '2024-05-01' } as const;
const options: Partial<RunOptions> = { partSize: 5 * MiB };

const keyAt = (time: string, id: string) => `logs/2024-05-01-${time}-${id.padEnd(16, '0')}`;
const BIG_B = keyAt('10-00-00', 'B');

/** Small logs between large ones; B does not end a line, so a separator follows it. */
const objects: SeedObject[] = [
  { key: keyAt('00-00-00', 'S1'), body: Buffer.from('small one\n'.repeat(100)) },
  { key: keyAt('01-00-00', 'A'), body: Buffer.alloc(12 * MiB, 'large A record\n') },
  { key: keyAt('02-00-00', 'S2'), body: Buffer.from('small two\n'.repeat(100)) },
  {
    key: BIG_B,
    body: Buffer.concat([Buffer.alloc(13 * MiB, 'large B record\n'), Buffer.from('no newline')]),
  },
  { key: keyAt('20-00-00', 'C'), body: Buffer.alloc(12 * MiB, 'large C record\n') },
  { key: keyAt('23-00-00', 'S3'), body: Buffer.from('small three\n'.repeat(100)) },
];

/** What a reader must find: every input in key order, a newline after one that does not end a line. */
const expected = Buffer.concat(
  objects.flatMap(({ body }) => (body.at(-1) === 0x0a ? [body] : [body, Buffer.from('\n')])),
);

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const unquoted = (etag: string | string[] | undefined) => String(etag ?? '').replace(/"/g, '');

async function collapseThroughProxy(bucket: string, rule?: FaultRule, extra: Partial<RunOptions> = {}) {
  const proxy = await startFaultProxy(endpoint(), rule);
  const client = testClient(proxy.endpoint);
  try {
    const { result } = await collapseRange(contextFor(client, bucket, NOW), {
      ...request,
      options: { ...options, ...extra },
    });
    return { result, seen: proxy.seen };
  } finally {
    client.destroy();
    await proxy.close();
  }
}

/** A bucket holding `source` and an open upload to `out`: copies `source` whole as part 1, its bytes read as `readMd5`. */
async function uploadCopying(label: string, source: SeedObject) {
  const bucket = await newBucket(s3, label);
  await putObjects(s3, bucket, [source]);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'out' }));
  const from = { key: source.key, etag: md5(source.body), start: 0, end: source.body.length };
  return (readMd5: string) =>
    copyPart({
      s3,
      bucket,
      key: 'out',
      uploadId: UploadId!,
      number: 1,
      from,
      read: Promise.resolve({ md5: readMd5 }),
    });
}

describe('inputs of a part or more are copied on the server', () => {
  it('the output holds every byte, the large inputs went up by UploadPartCopy If-Match their ETags, and were deleted', async () => {
    const bucket = await newBucket(s3, 'copy');
    await putObjects(s3, bucket, objects);
    const { result, seen } = await collapseThroughProxy(bucket);

    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: objects.length });
    expect((await getBytes(s3, bucket, OUTPUT)).equals(expected)).toBe(true);
    expect((await listKeys(s3, bucket)).sort()).toEqual([MANIFEST, OUTPUT].sort());

    const copies = seen.filter((r) => r.operation === 'UploadPartCopy');
    const large = objects.filter(({ body }) => body.length > 5 * MiB);
    expect(copies.map((r) => decodeURIComponent(String(r.headers['x-amz-copy-source'])))).toEqual(
      large.map(({ key }) => `${bucket}/${key}`),
    );
    for (const [index, copy] of copies.entries())
      expect(unquoted(copy.headers['x-amz-copy-source-if-match'])).toBe(md5(large[index]!.body));

    // Only what is not copied crosses the wire: parts before each copy are topped up to S3's 5 MiB.
    const copiedBytes = copies.reduce((sum, r) => {
      const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(String(r.headers['x-amz-copy-source-range']))!;
      return sum + Number(last) - Number(first) + 1;
    }, 0);
    const sentBytes = seen
      .filter((r) => r.operation === 'UploadPart')
      .reduce((sum, r) => sum + Number(r.headers['content-length']), 0);
    expect(copiedBytes + sentBytes).toBe(expected.length);
    expect(copiedBytes).toBeGreaterThan(20 * MiB);
    expect(result.periods[0]!.copiedBytes).toBe(copiedBytes);

    const parsed = parseManifest((await getBytes(s3, bucket, MANIFEST)).toString());
    expect(parsed.ok && parsed.manifest.output?.size).toBe(expected.length);
    expect(parsed.ok && parsed.manifest.output?.sha256).toBe(
      createHash('sha256').update(expected).digest('hex'),
    );
  });

  it('with serverCopy off, every byte is uploaded, and the output is the same', async () => {
    const bucket = await newBucket(s3, 'no-copy');
    await putObjects(s3, bucket, objects);
    const { result, seen } = await collapseThroughProxy(bucket, undefined, { serverCopy: false });
    expect(result.periods[0]).toMatchObject({
      status: 'collapsed',
      keysDeleted: objects.length,
      copiedBytes: 0,
    });
    expect((await getBytes(s3, bucket, OUTPUT)).equals(expected)).toBe(true);
    expect(seen.filter((r) => r.operation === 'UploadPartCopy')).toHaveLength(0);
  });

  it('late keys are appended after a copy of the committed output', async () => {
    const bucket = await newBucket(s3, 'copy-append');
    await putObjects(s3, bucket, objects);
    await collapseThroughProxy(bucket);
    const late = { key: keyAt('23-59-59', 'LATE'), body: Buffer.from('late record\n') };
    await putObjects(s3, bucket, [late]);

    const { result, seen } = await collapseThroughProxy(bucket);
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keys: 1, keysDeleted: 1 });
    expect((await getBytes(s3, bucket, OUTPUT)).equals(Buffer.concat([expected, late.body]))).toBe(true);
    const copies = seen.filter((r) => r.operation === 'UploadPartCopy');
    expect(copies.map((r) => decodeURIComponent(String(r.headers['x-amz-copy-source'])))).toEqual([
      `${bucket}/${OUTPUT}`,
    ]);
  });

  it('a month rolls its day outputs in by copying them', async () => {
    const bucket = await newBucket(s3, 'copy-month');
    const day2 = objects.map(({ key, body }) => ({ key: key.replace('2024-05-01', '2024-05-02'), body }));
    await putObjects(s3, bucket, [...objects, ...day2]);
    const ctx = contextFor(s3, bucket, new Date('2024-06-10T10:00:00Z'));
    await collapseRange(ctx, { ...request, from: '2024-05-01', to: '2024-05-02', options });
    const days = ['logs/2024-05-01_collapsed', 'logs/2024-05-02_collapsed'];
    const dayBytes = await Promise.all(days.map((key) => getBytes(s3, bucket, key)));

    const proxy = await startFaultProxy(endpoint());
    const client = testClient(proxy.endpoint);
    try {
      const { result } = await collapseRange(contextFor(client, bucket, new Date('2024-06-10T10:00:00Z')), {
        ...request,
        from: '2024-05',
        by: 'month',
        options,
      });
      expect(result.periods[0]).toMatchObject({ status: 'collapsed', outputsRolledUp: 2 });
    } finally {
      client.destroy();
      await proxy.close();
    }
    expect((await getBytes(s3, bucket, 'logs/2024-05_collapsed')).equals(Buffer.concat(dayBytes))).toBe(true);
    const sources = proxy.seen
      .filter((r) => r.operation === 'UploadPartCopy')
      .map((r) => decodeURIComponent(String(r.headers['x-amz-copy-source'])));
    expect(sources).toEqual(days.map((key) => `${bucket}/${key}`));
    expect((await listKeys(s3, bucket)).sort()).toEqual(
      ['logs/2024-05_collapsed', 'logs/_2024-05_collapsed.manifest.json'].sort(),
    );
  });

  it('an input replaced between its read and its copy fails the period (412), and nothing is deleted', async () => {
    const bucket = await newBucket(s3, 'copy-changed');
    await putObjects(s3, bucket, objects);
    const replaced = Buffer.alloc(objects[3]!.body.length, 'someone else wrote this\n');
    let readsOfB = 0;
    let allReadsOfB!: () => void;
    const bRead = new Promise<void>((resolve) => (allReadsOfB = resolve));
    // B's 13 MiB come as three ranges of 5 MiB; once all three were answered, B is overwritten, and
    // only then does its copy reach the server.
    const overwritten = bRead.then(() => putObjects(s3, bucket, [{ key: BIG_B, body: replaced }]));
    const { result } = await collapseThroughProxy(bucket, (r) => {
      if (r.operation === 'GetObject' && r.key === BIG_B) {
        return {
          kind: 'forward-then',
          after: () => {
            readsOfB += 1;
            if (readsOfB === 3) allReadsOfB();
          },
        };
      }
      if (r.operation === 'UploadPartCopy' && String(r.headers['x-amz-copy-source']).endsWith(BIG_B))
        return { kind: 'hold', until: overwritten };
      return { kind: 'pass' };
    });

    expect(result.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(result.periods[0]!.error).toMatchObject({ code: 'object-changed' });
    expect((await listKeys(s3, bucket)).sort()).toEqual(objects.map(({ key }) => key).sort());
    expect((await getBytes(s3, bucket, BIG_B)).equals(replaced)).toBe(true);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toHaveLength(0);
  });

  it('a server that does not copy parts (501) fails the period at once, not after reading the large input; nothing is deleted', async () => {
    const bucket = await newBucket(s3, 'copy-unsupported');
    await putObjects(s3, bucket, objects);
    const A = objects[1]!.key;
    // A's 12 MiB come as ranges of 5 MiB. The second is held until the upload is aborted: a run
    // that waited for the copied stretch to be read before looking at the copy's answer would wait
    // here, until the fallback lets it go (so that it fails on the assertion, not on a timeout).
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const fallback = setTimeout(release, 15_000);
    let abortedWhileHeld: boolean | undefined;
    let heldSince = false;
    void released.then(() => (abortedWhileHeld ??= false));
    const { result } = await collapseThroughProxy(bucket, (r) => {
      if (r.operation === 'UploadPartCopy') return { kind: 'error', status: 501, code: 'NotImplemented' };
      if (r.operation === 'GetObject' && r.key === A && r.nthForKey === 2) {
        heldSince = true;
        return { kind: 'hold', until: released };
      }
      if (r.operation === 'AbortMultipartUpload') {
        abortedWhileHeld ??= heldSince;
        release();
      }
      return { kind: 'pass' };
    });
    clearTimeout(fallback);

    expect(abortedWhileHeld).toBe(true);
    expect(result.periods[0]).toMatchObject({ status: 'failed', keysDeleted: 0 });
    expect(result.periods[0]!.error).toMatchObject({ code: 'copy-unsupported' });
    expect(result.periods[0]!.error!.fix).toMatch(/--no-server-copy/);
    expect((await listKeys(s3, bucket)).sort()).toEqual(objects.map(({ key }) => key).sort());
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toHaveLength(0);
  });

  it('a copied part is refused when its ETag is not the MD5 of the bytes read', async () => {
    const source = objects[1]!;
    const copy = await uploadCopying('copy-etag', source);
    await expect(copy(md5(Buffer.from('other bytes')))).rejects.toThrow(
      /does not show them to be the bytes read/,
    );
    // The same copy, with the digest of what is there, is accepted.
    expect(unquoted((await copy(md5(source.body))).ETag)).toBe(md5(source.body));
  });
});

describe('parts', () => {
  it('an output of small inputs just over a part goes up in even parts: 10 MiB as two of 5 MiB, not 8 and 2', async () => {
    const bucket = await newBucket(s3, 'even-parts');
    const small = Array.from({ length: 20 }, (_, index) => ({
      key: keyAt(`00-${String(index).padStart(2, '0')}-00`, `E${index}`),
      body: Buffer.from(`record ${index} `.padEnd(1023, 'x').concat('\n').repeat(512)),
    }));
    await putObjects(s3, bucket, small);
    const { result, seen } = await collapseThroughProxy(bucket, undefined, { partSize: 8 * MiB });

    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: small.length });
    expect((await getBytes(s3, bucket, OUTPUT)).equals(Buffer.concat(small.map(({ body }) => body)))).toBe(
      true,
    );
    const parts = seen
      .filter((r) => r.operation === 'UploadPart')
      .map((r) => Number(r.headers['content-length']));
    expect(parts).toEqual([5 * MiB, 5 * MiB]);
  });
});

describe('the test server', () => {
  it('finds a copy source whose key needs URL-encoding (=, +, a space), as S3 does', async () => {
    const source = { key: 'flows/year=2024/a+b c.log', body: Buffer.alloc(6 * MiB, 'record\n') };
    const copy = await uploadCopying('copy-encoded', source);
    const part = await copy(md5(source.body));
    expect(unquoted(part.ETag)).toBe(md5(source.body));
  });

  it('refuses to complete an upload whose part before the last is under 5 MiB (EntityTooSmall), as S3 does', async () => {
    const bucket = await newBucket(s3, 'too-small');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'out' }));
    const parts = [];
    for (const [index, size] of [5 * MiB - 1, 10].entries()) {
      const answer = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'out',
          UploadId,
          PartNumber: index + 1,
          Body: Buffer.alloc(size, 'x'),
        }),
      );
      parts.push({ PartNumber: index + 1, ETag: answer.ETag });
    }
    await expect(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'out',
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityTooSmall' });
    expect(await listKeys(s3, bucket)).toEqual([]);
  });
});
