import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects } from '../../source/demo/log-generator.js';
import { loadBalancerObjects } from '../../source/demo/load-balancer-logs.js';
import { detectLayouts } from '../../source/engine/detect-bucket.js';
import { LAYOUTS } from '../../source/layouts/index.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { contextFor, endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const DAY = new Date('2024-05-01T00:00:00Z');

describe('detection in a folder of many logs', () => {
  it('finds an AWSLogs/ one folder down, and never pages through the folder to do so', async () => {
    const bucket = await newBucket(s3, 'nested');
    // 2,500 access logs sort before `logs/AWSLogs/` ('2' < 'A'): the first pages show none of it.
    const access = accessLogObjects({
      prefix: 'logs/',
      days: [DAY],
      objectsPerDay: 2_500,
      sourceBucket: 'site',
      seed: 1,
    });
    const balancers = loadBalancerObjects({
      prefix: 'logs/',
      account: '123456789012',
      region: 'eu-west-1',
      loadBalancers: [{ kind: 'application', name: 'shop' }],
      days: [DAY],
      filesPerDay: 4,
      seed: 2,
    });
    await putObjects(s3, bucket, [...access, ...balancers]);

    const proxy = await startFaultProxy(endpoint());
    const client = testClient(proxy.endpoint);
    try {
      const detection = await detectLayouts(contextFor(client, bucket), '', LAYOUTS);
      expect(detection.candidates.map((candidate) => [candidate.layout, candidate.root]).sort()).toEqual([
        ['elb', 'logs/'],
        ['s3-access-simple', 'logs/'],
      ]);
      // A listing of `logs/` by its children would take 3 pages of 1,000 keys; detection asks by name.
      const lists = proxy.seen.filter((request) => request.operation === 'ListObjectsV2');
      expect(
        lists.filter((request) => request.query.get('prefix') === 'logs/' && request.query.get('delimiter')),
      ).toEqual([]);
      expect(lists.length).toBeLessThan(12);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
