import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { endpoint, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';
import { runCli } from '../support/run-cli.js';

const s3 = testClient();
afterAll(() => s3.destroy());

describe('opening the bucket', () => {
  it('reads the bucket’s versioning beside detection, not before it', async () => {
    const bucket = await newBucket(s3, 'versioning-beside');
    const originals = accessLogObjects({
      prefix: 'logs/',
      days: [new Date('2024-05-01T00:00:00Z')],
      objectsPerDay: 3,
      sourceBucket: 'site',
      seed: 5,
    });
    await putObjects(s3, bucket, originals);
    // GetBucketVersioning is answered only once a listing has arrived (or after 5 s, so that a run
    // that waits for it before listing fails this test instead of hanging).
    let listed!: () => void;
    const listing = new Promise<void>((resolve) => (listed = resolve));
    let listedBeforeAnswer: boolean | undefined;
    const proxy = await startFaultProxy(endpoint(), (request) => {
      if (request.operation === 'ListObjectsV2') listed();
      if (!request.query.has('versioning')) return { kind: 'pass' };
      return {
        kind: 'forward-then',
        after: async () => {
          const waited = await Promise.race([
            listing.then(() => true),
            new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
          ]);
          listedBeforeAnswer = waited;
        },
      };
    });
    try {
      const run = await runCli([
        ...['--endpoint', proxy.endpoint, '--bucket', bucket, '--from', '2024-05-01'],
        ...['--yes', '--json'],
      ]);
      expect(run.code).toBe(0);
      expect(listedBeforeAnswer).toBe(true);
      expect(await listKeys(s3, bucket, 'logs/')).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});
