import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { parseManifest, serializeManifest, type Manifest } from '../../source/engine/manifest.js';
import { exitCodeOf } from '../../source/engine/run.js';
import { collapseRange } from '../support/collapse.js';
import { startFaultProxy } from '../support/fault-proxy.js';
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

const DAY1 = new Date('2024-05-01T00:00:00Z');
const NOW = new Date('2024-05-03T10:00:00Z');
const OUTPUT = 'logs/2024-05-01_collapsed';
const MANIFEST = 'logs/_2024-05-01_collapsed.manifest.json';
const request = { layout: 's3-access-simple', root: 'logs/', from: '2024-05-01' } as const;

const concat = (objects: readonly SeedObject[]) =>
  Buffer.concat([...objects].sort((a, b) => (a.key < b.key ? -1 : 1)).map((object) => object.body));

async function manifestOf(bucket: string): Promise<Manifest> {
  const parsed = parseManifest((await getBytes(s3, bucket, MANIFEST)).toString());
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.manifest;
}

async function seededBucket(label: string, count = 6): Promise<{ bucket: string; originals: SeedObject[] }> {
  const bucket = await newBucket(s3, label);
  const originals = accessLogObjects({
    prefix: 'logs/',
    days: [DAY1],
    objectsPerDay: count,
    sourceBucket: 'site',
    seed: count,
  });
  await putObjects(s3, bucket, originals);
  return { bucket, originals };
}

const lateKeys: SeedObject[] = [
  // A late key may sort before the collapsed ones: it is appended all the same, never merged in.
  { key: 'logs/2024-05-01-00-00-00-0000000000000000', body: Buffer.from('late record one\n') },
  { key: 'logs/2024-05-01-23-59-59-ZZZZZZZZZZZZZZZZ', body: Buffer.from('late record two\n') },
];

describe('running again', () => {
  it('appends late arrivals after the verified bytes, with no byte duplicated', async () => {
    const { bucket, originals } = await seededBucket('late');
    const ctx = contextFor(s3, bucket, NOW);
    await collapseRange(ctx, request);
    const first = await getBytes(s3, bucket, OUTPUT);
    await putObjects(s3, bucket, lateKeys);

    const { result } = await collapseRange(ctx, request);
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keys: 2, keysDeleted: 2 });
    const second = await getBytes(s3, bucket, OUTPUT);
    expect(second.equals(Buffer.concat([first, concat(lateKeys)]))).toBe(true);
    expect(second.equals(Buffer.concat([concat(originals), concat(lateKeys)]))).toBe(true);
    const manifest = await manifestOf(bucket);
    expect(manifest.members.map((member) => member.key)).toEqual([
      ...originals.map((object) => object.key).sort(),
      ...lateKeys.map((object) => object.key),
    ]);
    expect(manifest.members[6]!.offset).toBe(first.length);
    expect((await listKeys(s3, bucket)).sort()).toEqual([OUTPUT, MANIFEST].sort());
  });

  it('is idempotent: a finished period is reported as already collapsed and nothing changes', async () => {
    const { bucket } = await seededBucket('idem');
    const ctx = contextFor(s3, bucket, NOW);
    await collapseRange(ctx, request);
    const before = await getBytes(s3, bucket, OUTPUT);
    const manifestBefore = (await getBytes(s3, bucket, MANIFEST)).toString();
    const { result } = await collapseRange(ctx, request);
    expect(result.periods[0]).toMatchObject({ status: 'already-collapsed', keysDeleted: 0 });
    expect(exitCodeOf(result)).toBe(0);
    expect((await getBytes(s3, bucket, OUTPUT)).equals(before)).toBe(true);
    expect((await getBytes(s3, bucket, MANIFEST)).toString()).toBe(manifestBefore);
  });

  it('deletes keys a failed delete left behind, appending nothing', async () => {
    const { bucket, originals } = await seededBucket('leftover');
    const proxy = await startFaultProxy(endpoint(), (seen) =>
      seen.operation === 'DeleteObjects' ? { kind: 'delete-errors' } : { kind: 'pass' },
    );
    try {
      const viaProxy = testClient(proxy.endpoint);
      const { result } = await collapseRange(contextFor(viaProxy, bucket, NOW), request);
      viaProxy.destroy();
      expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 0 });
      expect(result.periods[0]!.deleteFailed.map((failure) => [failure.key, failure.code])).toEqual(
        originals.map((object) => [object.key, 'AccessDenied']).sort(),
      );
      expect(exitCodeOf(result)).toBe(1);
    } finally {
      await proxy.close();
    }
    const output = await getBytes(s3, bucket, OUTPUT);
    expect(output.equals(concat(originals))).toBe(true);
    expect(await listKeys(s3, bucket)).toHaveLength(originals.length + 2);

    const { result } = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(result.periods[0]).toMatchObject({ status: 'already-collapsed', keysDeleted: originals.length });
    expect((await getBytes(s3, bucket, OUTPUT)).equals(output)).toBe(true);
    expect((await listKeys(s3, bucket)).sort()).toEqual([OUTPUT, MANIFEST].sort());
  });

  it('finishes a run that died after uploading but before its manifest was complete', async () => {
    const { bucket, originals } = await seededBucket('crash-new');
    let manifestWrites = 0;
    const proxy = await startFaultProxy(endpoint(), (seen) =>
      seen.operation === 'PutObject' && seen.key === MANIFEST && ++manifestWrites === 2
        ? { kind: 'deny' }
        : { kind: 'pass' },
    );
    try {
      const viaProxy = testClient(proxy.endpoint);
      const { result } = await collapseRange(contextFor(viaProxy, bucket, NOW), request);
      viaProxy.destroy();
      expect(result.periods[0]!.status).toBe('failed');
    } finally {
      await proxy.close();
    }
    // The state a crash leaves: an output, a pending manifest, every original still there.
    expect((await manifestOf(bucket)).state).toBe('pending');
    expect(await listKeys(s3, bucket)).toHaveLength(originals.length + 2);

    const { result } = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: originals.length });
    expect((await getBytes(s3, bucket, OUTPUT)).equals(concat(originals))).toBe(true);
    expect((await manifestOf(bucket)).state).toBe('complete');
  });

  it('finishes an append that died after replacing the output, keeping the verified bytes once', async () => {
    const { bucket, originals } = await seededBucket('crash-append');
    await collapseRange(contextFor(s3, bucket, NOW), request);
    await putObjects(s3, bucket, lateKeys);
    let manifestWrites = 0;
    const proxy = await startFaultProxy(endpoint(), (seen) =>
      seen.operation === 'PutObject' && seen.key === MANIFEST && ++manifestWrites === 2
        ? { kind: 'deny' }
        : { kind: 'pass' },
    );
    try {
      const viaProxy = testClient(proxy.endpoint);
      await collapseRange(contextFor(viaProxy, bucket, NOW), request);
      viaProxy.destroy();
    } finally {
      await proxy.close();
    }
    const pending = await manifestOf(bucket);
    expect(pending.state).toBe('pending');
    expect(pending.members).toHaveLength(originals.length);
    expect(pending.incoming?.map((member) => member.key)).toEqual(lateKeys.map((object) => object.key));

    const { result } = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 2 });
    expect(
      (await getBytes(s3, bucket, OUTPUT)).equals(Buffer.concat([concat(originals), concat(lateKeys)])),
    ).toBe(true);
    expect((await listKeys(s3, bucket)).sort()).toEqual([OUTPUT, MANIFEST].sort());
  });

  it('stops on abort with every original in place, and the next run finishes', async () => {
    const { bucket, originals } = await seededBucket('abort', 40);
    const controller = new AbortController();
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), {
      ...request,
      signal: controller.signal,
      options: { downloadConcurrency: 2 },
      onEvent: (event) => {
        if (event.type === 'bytes-downloaded') controller.abort();
      },
    });
    expect(result.interrupted).toBe(true);
    expect(exitCodeOf(result)).toBe(130);
    expect(result.periods[0]!.status).toBe('failed');
    expect((await listKeys(s3, bucket)).sort()).toEqual(originals.map((object) => object.key).sort());

    const again = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(again.result.periods[0]).toMatchObject({ status: 'collapsed', keysDeleted: 40 });
  });

  it('refuses a pending manifest whose recorded bytes no longer match the output', async () => {
    const { bucket } = await seededBucket('tampered');
    await collapseRange(contextFor(s3, bucket, NOW), request);
    const manifest = await manifestOf(bucket);
    await putObjects(s3, bucket, [
      ...lateKeys,
      {
        key: MANIFEST,
        body: serializeManifest({
          ...manifest,
          state: 'pending',
          output: { ...manifest.output!, sha256: '0'.repeat(64) },
        }),
      },
    ]);
    const before = await getBytes(s3, bucket, OUTPUT);
    const { result } = await collapseRange(contextFor(s3, bucket, NOW), request);
    expect(result.periods[0]!.status).toBe('failed');
    expect(result.periods[0]!.error).toMatchObject({ code: 'prefix-mismatch', originalsKept: true });
    expect(result.periods[0]!.error?.message).toMatch(/does not start with the bytes its manifest records/);
    expect((await getBytes(s3, bucket, OUTPUT)).equals(before)).toBe(true);
    for (const late of lateKeys) expect(await listKeys(s3, bucket)).toContain(late.key);
  });
});

describe('stopping a multipart upload', () => {
  it('aborts the upload in flight (AbortMultipartUpload) and leaves every original', async () => {
    const bucket = await newBucket(s3, 'abort-mpu');
    // 12 inputs of 1 MiB: a multipart upload of several 5 MiB parts.
    const originals = Array.from({ length: 12 }, (_, index) => ({
      key: `logs/2024-05-01-10-00-${String(index).padStart(2, '0')}-${'A'.repeat(16)}`,
      body: Buffer.alloc(1024 * 1024, `record ${index}\n`),
    }));
    await putObjects(s3, bucket, originals);
    const proxy = await startFaultProxy(endpoint());
    const controller = new AbortController();
    try {
      const viaProxy = testClient(proxy.endpoint);
      const { result } = await collapseRange(contextFor(viaProxy, bucket, NOW), {
        ...request,
        signal: controller.signal,
        options: { partSize: 5 * 1024 * 1024, downloadConcurrency: 2, maxBytesInFlight: 2 * 1024 * 1024 },
        onEvent: (event) => {
          if (event.type === 'bytes-uploaded' && event.loaded > 0) controller.abort();
        },
      });
      viaProxy.destroy();
      expect(result.interrupted).toBe(true);
    } finally {
      await proxy.close();
    }
    const calls = proxy.seen.filter((seen) => seen.key === OUTPUT).map((seen) => seen.operation);
    expect(calls).toContain('CreateMultipartUpload');
    expect(calls).toContain('UploadPart');
    expect(calls).toContain('AbortMultipartUpload');
    expect(calls).not.toContain('CompleteMultipartUpload');
    expect((await listKeys(s3, bucket)).sort()).toEqual(originals.map((object) => object.key).sort());
  });
});
