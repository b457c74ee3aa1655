import { describe, expect, it } from 'vitest';
import { cloudTrail } from '../../source/layouts/cloudtrail.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { s3AccessPartitioned } from '../../source/layouts/s3-access-partitioned.js';
import { s3AccessSimple } from '../../source/layouts/s3-access-simple.js';
import type { ListChildren } from '../../source/layouts/types.js';
import { periodOf } from '../../source/periods.js';

const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const hour = periodOf(new Date('2024-05-01T13:00:00Z'), 'hour');
const month = periodOf(new Date('2024-05-01T00:00:00Z'), 'month');

describe('parseLogKey', () => {
  const valid = [
    ['logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C', 's3-access-simple', 'logs/', '2024-05-01T13:05:31.000Z'],
    ['2024-05-01-00-00-04-ABCDEF0123456789', 's3-access-simple', '', '2024-05-01T00:00:04.000Z'],
    [
      'access-2024-05-01-23-59-59-ABCDEF0123456789',
      's3-access-simple',
      'access-',
      '2024-05-01T23:59:59.000Z',
    ],
    [
      'logs/123456789012/us-east-1/my-site/2024/05/01/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C',
      's3-access-partitioned',
      'logs/123456789012/us-east-1/my-site/',
      '2024-05-01T13:05:31.000Z',
    ],
    [
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz',
      'cloudtrail',
      'AWSLogs/111122223333/CloudTrail/eu-west-1/',
      '2024-05-01T13:05:00.000Z',
    ],
    [
      'trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-gov-west-1/2024/05/01/444455556666_CloudTrail_us-gov-west-1_20240501T0000Z_0123456789abcdef.json.gz',
      'cloudtrail',
      'trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-gov-west-1/',
      '2024-05-01T00:00:00.000Z',
    ],
  ] as const;

  it.each(valid)('%s', (key, layout, base, time) => {
    const hit = parseLogKey(key);
    expect(hit?.layout.id).toBe(layout);
    expect(hit?.parsed.series.base).toBe(base);
    expect(hit?.parsed.time.toISOString()).toBe(time);
    // The labelled fields draw the key apart exactly: the teaching view relies on it.
    expect(hit?.parsed.fields.map((field) => field.text).join('')).toBe(key);
  });

  const neverInputs = {
    'our own output': 'logs/2024-05-01_collapsed',
    'our own manifest': 'logs/_2024-05-01_collapsed.manifest.json',
    'an hourly output': 'logs/2024-05-01-13_collapsed',
    'a CloudTrail output':
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501_collapsed.json.gz',
    'a digest file':
      'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01/111122223333_CloudTrail-Digest_eu-west-1_trail_eu-west-1_20240501T235959Z.json.gz',
    'an Insights file':
      'AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2024/05/01/111122223333_CloudTrail-Insight_eu-west-1_20240501T1200Z_a1B2c3D4e5F6g7H8.json.gz',
    'a CloudTrail key whose account differs inside':
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/999999999999_CloudTrail_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz',
    'a CloudTrail key in the wrong day folder':
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/02/111122223333_CloudTrail_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz',
    'an impossible date': 'logs/2024-02-30-13-05-31-6C0B8E3D1F2A4B7C',
    'a short unique id': 'logs/2024-05-01-13-05-31-6C0B8E3D',
    'a trailing suffix': 'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C.gz',
    'a README': 'logs/README.txt',
    'a folder marker': 'logs/',
  };
  it.each(Object.entries(neverInputs))('never takes %s', (_, key) => {
    expect(parseLogKey(key)).toBeUndefined();
  });
});

describe('listing prefixes and output keys', () => {
  const simple = s3AccessSimple.parse('logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C')!.series;
  const partitioned = s3AccessPartitioned.parse(
    'logs/123456789012/us-east-1/my-site/2024/05/01/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C',
  )!.series;
  const trail = cloudTrail.parse(
    'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz',
  )!.series;

  it.each([
    [s3AccessSimple, simple, day, 'logs/2024-05-01-', 'logs/2024-05-01_collapsed'],
    [s3AccessSimple, simple, hour, 'logs/2024-05-01-13-', 'logs/2024-05-01-13_collapsed'],
    [s3AccessSimple, simple, month, 'logs/2024-05-', 'logs/2024-05_collapsed'],
    [
      s3AccessPartitioned,
      partitioned,
      day,
      'logs/123456789012/us-east-1/my-site/2024/05/01/',
      'logs/123456789012/us-east-1/my-site/2024/05/01/2024-05-01_collapsed',
    ],
    [
      s3AccessPartitioned,
      partitioned,
      month,
      'logs/123456789012/us-east-1/my-site/2024/05/',
      'logs/123456789012/us-east-1/my-site/2024/05/2024-05_collapsed',
    ],
    [
      cloudTrail,
      trail,
      day,
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T',
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501_collapsed.json.gz',
    ],
    [
      cloudTrail,
      trail,
      hour,
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T13',
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T13_collapsed.json.gz',
    ],
  ] as const)('%#: %s', (layout, series, period, prefix, output) => {
    expect(layout.listingPrefix(series, period)).toBe(prefix);
    expect(layout.outputKey(series, period)).toBe(output);
    // An output is never an input of its own layout.
    expect(layout.parse(output)).toBeUndefined();
  });
});

describe('series discovery', () => {
  const tree: Record<string, string[]> = {
    'AWSLogs/': ['AWSLogs/111122223333/', 'AWSLogs/o-a1b2c3d4e5/', 'AWSLogs/not-an-account/'],
    'AWSLogs/111122223333/CloudTrail/': [
      'AWSLogs/111122223333/CloudTrail/eu-west-1/',
      'AWSLogs/111122223333/CloudTrail/us-east-1/',
    ],
    'AWSLogs/o-a1b2c3d4e5/': ['AWSLogs/o-a1b2c3d4e5/444455556666/'],
    'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/': [
      'AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/',
    ],
  };
  const listChildren: ListChildren = async (prefix) => tree[prefix] ?? [];

  it('finds every account × region of a trail, organization trails included', async () => {
    const series = await cloudTrail.discoverSeries('', listChildren);
    expect(series.map((one) => one.label)).toEqual([
      '111122223333 eu-west-1',
      '111122223333 us-east-1',
      'o-a1b2c3d4e5 444455556666 eu-west-1',
    ]);
  });
});
