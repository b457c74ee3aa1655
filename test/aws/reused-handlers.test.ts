import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { setMaxListeners } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { onThrottle } from '../../source/aws/request-middleware.js';
import { readWhole, type ObjectVersion } from '../../source/engine/read-object.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

/** A period's signal, as the engine makes it: every GET in flight listens to it. */
function periodController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

const bodyOf = (bucket: string, index: number) => `${bucket} object ${index} `.repeat(40 + index);

async function seeded(label: string, count: number): Promise<{ bucket: string; versions: ObjectVersion[] }> {
  const bucket = await newBucket(s3, label);
  const keys = Array.from({ length: count }, (_, index) => `logs/${String(index).padStart(3, '0')}`);
  await putObjects(
    s3,
    bucket,
    keys.map((key, index) => ({ key, body: bodyOf(bucket, index) })),
  );
  const versions = await Promise.all(
    keys.map(async (key) => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { key, etag: head.ETag!, size: head.ContentLength! };
    }),
  );
  return { bucket, versions };
}

/**
 * Counts how often the client's middleware chain is put together: the SDK calls a middleware's outer
 * function once each time it resolves the stack, and the inner one once per request.
 */
function countResolutions(client: S3Client): { resolved: number; requests: number } {
  const counts = { resolved: 0, requests: 0 };
  client.middlewareStack.add(
    (next) => {
      counts.resolved += 1;
      return (args) => {
        counts.requests += 1;
        return next(args);
      };
    },
    { step: 'initialize', name: 'testCountResolutions' },
  );
  return counts;
}

async function withProxy<T>(run: (proxy: FaultProxy, client: S3Client) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(endpoint());
  const client = testClient(proxy.endpoint);
  try {
    return await run(proxy, client);
  } finally {
    client.destroy();
    await proxy.close();
  }
}

describe('GETs of inputs reuse one resolved middleware chain', () => {
  it('resolves the chain once for a period’s GETs, and each GET still reads its own object', async () => {
    const { bucket, versions } = await seeded('reuse-once', 40);
    const client = testClient();
    const counts = countResolutions(client);
    const signal = periodController().signal;
    try {
      const bodies = await Promise.all(
        versions.map((version) => readWhole(client, bucket, version, { signal })),
      );
      expect(bodies.map((body) => body.toString())).toEqual(
        versions.map((_, index) => bodyOf(bucket, index)),
      );
    } finally {
      client.destroy();
    }
    expect(counts.requests).toBe(40);
    expect(counts.resolved).toBe(1);
  });

  // The endpoint the SDK works out for a request names its bucket and is kept in the chain's context:
  // one chain for both buckets sends some GETs to the other bucket (If-Match then refuses them).
  it('keeps buckets apart: GETs of two buckets at once, under one signal, each read their own bytes', async () => {
    const first = await seeded('reuse-a', 12);
    const second = await seeded('reuse-b', 12);
    const signal = periodController().signal;
    const read = (bucket: string, versions: ObjectVersion[]) =>
      versions.map((version) => readWhole(s3, bucket, version, { signal }));
    const [a, b] = await Promise.all([
      Promise.all(read(first.bucket, first.versions)),
      Promise.all(read(second.bucket, second.versions)),
    ]);
    expect(a.map(String)).toEqual(first.versions.map((_, index) => bodyOf(first.bucket, index)));
    expect(b.map(String)).toEqual(second.versions.map((_, index) => bodyOf(second.bucket, index)));
  });

  it('sees middleware added after a chain was resolved: a throttle observer set up later still hears a 503', async () => {
    const { bucket, versions } = await seeded('reuse-edit', 2);
    await withProxy(async (proxy, client) => {
      const signal = periodController().signal;
      await readWhole(client, bucket, versions[0]!, { signal });
      const throttled: string[] = [];
      onThrottle(client, (attempt) => throttled.push(attempt.key ?? ''));
      proxy.setRule((request) =>
        request.operation === 'GetObject' && request.nthForKey === 1
          ? { kind: 'error', status: 503, code: 'SlowDown' }
          : { kind: 'pass' },
      );
      const body = await readWhole(client, bucket, versions[1]!, { signal });
      expect(body.toString()).toBe(bodyOf(bucket, 1));
      expect(throttled).toEqual([versions[1]!.key]);
    });
  });

  it('a signal aborted ends a GET sent through a reused chain, and a new signal gets a chain of its own', async () => {
    const { bucket, versions } = await seeded('reuse-abort', 3);
    await withProxy(async (proxy, client) => {
      const controller = periodController();
      await readWhole(client, bucket, versions[0]!, { signal: controller.signal });
      let held!: () => void;
      const arrived = new Promise<void>((resolve) => (held = resolve));
      proxy.setRule((request) => {
        if (request.operation !== 'GetObject' || request.key !== versions[1]!.key) return { kind: 'pass' };
        held();
        return { kind: 'hold', until: new Promise(() => undefined) };
      });
      const reading = readWhole(client, bucket, versions[1]!, { signal: controller.signal });
      await arrived;
      controller.abort(new Error('stopped by the test'));
      await expect(reading).rejects.toThrow(/stopped by the test|abort/i);
      const next = await readWhole(client, bucket, versions[2]!, { signal: periodController().signal });
      expect(next.toString()).toBe(bodyOf(bucket, 2));
    });
  });
});
