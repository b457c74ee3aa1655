import { afterAll, describe, expect, it } from 'vitest';
import { cloudFrontObjects } from '../../source/demo/cloudfront-logs.js';
import { flowLogObjects } from '../../source/demo/flow-logs.js';
import { loadBalancerObjects } from '../../source/demo/load-balancer-logs.js';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { redshiftObjects } from '../../source/demo/redshift-logs.js';
import { wafObjects } from '../../source/demo/waf-logs.js';
import { detectLayouts } from '../../source/engine/detect-bucket.js';
import { explainKey } from '../../source/job/explain-key.js';
import { LAYOUTS, type LayoutId } from '../../source/layouts/index.js';
import { contextFor, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

const days = [new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z')];
const NOW = new Date('2024-05-10T00:00:00Z');
const account = '123456789012';

// Each bucket as AWS delivers one service's logs into it, with a prefix the owner chose.
const buckets: ReadonlyArray<{ layout: LayoutId; root: string; objects: SeedObject[] }> = [
  {
    layout: 'elb',
    root: 'lb/',
    objects: loadBalancerObjects({
      prefix: 'lb/',
      account,
      region: 'eu-west-1',
      loadBalancers: [{ kind: 'application', name: 'shop' }],
      days,
      filesPerDay: 12,
      seed: 1,
    }),
  },
  {
    layout: 'elb-classic',
    root: '',
    objects: loadBalancerObjects({
      prefix: '',
      account,
      region: 'us-east-1',
      loadBalancers: [{ kind: 'classic', name: 'legacy' }],
      days,
      filesPerDay: 12,
      seed: 2,
    }),
  },
  {
    layout: 'vpc-flow',
    root: '',
    objects: flowLogObjects({
      prefix: '',
      account,
      region: 'us-east-1',
      flowLogIds: ['fl-032a163fae170ae52'],
      days,
      filesPerDay: 12,
      seed: 3,
    }),
  },
  {
    layout: 'vpc-flow-hive',
    root: 'flows/',
    objects: flowLogObjects({
      prefix: 'flows/',
      account,
      region: 'us-east-1',
      flowLogIds: ['fl-032a163fae170ae52'],
      days,
      filesPerDay: 12,
      seed: 4,
      hive: true,
    }),
  },
  {
    layout: 'cloudfront',
    root: 'cf/',
    objects: cloudFrontObjects({
      prefix: 'cf/',
      distributions: ['E2ABCDEF123456'],
      days,
      filesPerDay: 12,
      seed: 5,
    }),
  },
  {
    layout: 'redshift',
    root: '',
    objects: redshiftObjects({
      prefix: '',
      account,
      region: 'eu-west-1',
      clusters: ['analytics'],
      days,
      filesPerDay: 6,
      seed: 6,
    }),
  },
  {
    layout: 'waf',
    root: '',
    objects: wafObjects({
      prefix: '',
      account,
      webAcls: [{ name: 'shop-acl', region: 'eu-west-1' }],
      days,
      filesPerDay: 12,
      seed: 7,
    }),
  },
];

describe('every layout, in a bucket of its own', () => {
  it.each(buckets)(
    '$layout: detected at its root, and explained as a key the tool collapses',
    async (case_) => {
      const bucket = await newBucket(s3, case_.layout);
      await putObjects(s3, bucket, case_.objects);

      const detection = await detectLayouts(contextFor(s3, bucket, NOW), '', LAYOUTS);
      expect(detection.candidates.map((candidate) => [candidate.layout, candidate.root])).toEqual([
        [case_.layout, case_.root],
      ]);

      const [candidate] = detection.candidates;
      const explained = explainKey(candidate!.sample.key, { now: NOW });
      expect(explained.layout?.id).toBe(case_.layout);
      expect(explained.verdict).toBe('input');
      expect(explained.fields?.map((field) => field.text).join('')).toBe(candidate!.sample.key);
      // The day output named for the key is where the layout puts that day's output.
      const day = explained.periods?.find((period) => period.by === 'day');
      expect(day && 'outputKey' in day ? day.outputKey : undefined).toMatch(/_collapsed(\.[a-z.]+)?$/);
    },
  );
});
