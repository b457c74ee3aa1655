import { describe, expect, it } from 'vitest';
import { OUTPUT_NAME } from '../../source/engine/plan.js';
import { cloudFront } from '../../source/layouts/cloudfront.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { periodOf } from '../../source/periods.js';
import { listerOver } from '../support/fake-listing.js';

const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const hour = periodOf(new Date('2024-05-01T13:00:00Z'), 'hour');
const month = periodOf(new Date('2024-05-01T00:00:00Z'), 'month');

describe('CloudFront standard log keys', () => {
  const valid = [
    // The documented example (an 11-character unique id).
    [
      'example-prefix/EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz',
      'example-prefix/EMLARXS9EXAMPLE.',
      '2019-11-14T20:00:00.000Z',
    ],
    // As delivered: no prefix, 8 hex digits.
    ['E2ABCDEF123456.2024-05-01-13.a103fd5a.gz', 'E2ABCDEF123456.', '2024-05-01T13:00:00.000Z'],
    [
      'logs/cdn/E1SFLUZKKLSP61.2024-05-01-00.e519cdee.gz',
      'logs/cdn/E1SFLUZKKLSP61.',
      '2024-05-01T00:00:00.000Z',
    ],
    ['E2ABCDEF123456.2024-02-29-23.0f1e2d3c.gz', 'E2ABCDEF123456.', '2024-02-29T23:00:00.000Z'],
  ] as const;

  it.each(valid)('%s', (key, base, time) => {
    const hit = parseLogKey(key);
    expect(hit?.layout.id).toBe('cloudfront');
    expect(hit?.parsed.series.base).toBe(base);
    expect(hit?.parsed.time.toISOString()).toBe(time);
    expect(hit?.parsed.fields.map((field) => field.text).join('')).toBe(key);
  });

  it('labels the distribution id as the resource', () => {
    const fields = cloudFront.parse('cf/E2ABCDEF123456.2024-05-01-13.a103fd5a.gz')!.fields;
    expect(fields.map((field) => [field.name, field.text])).toEqual([
      ['prefix', 'cf/'],
      ['resource', 'E2ABCDEF123456'],
      ['literal', '.'],
      ['date', '2024-05-01'],
      ['literal', '-'],
      ['time', '13'],
      ['literal', '.'],
      ['unique', 'a103fd5a'],
      ['literal', '.gz'],
    ]);
  });

  const nearMisses = {
    'a day output': 'E2ABCDEF123456.2024-05-01_collapsed.gz',
    'an hour output': 'E2ABCDEF123456.2024-05-01-13_collapsed.gz',
    'a month output': 'E2ABCDEF123456.2024-05_collapsed.gz',
    'a manifest': '_E2ABCDEF123456.2024-05-01_collapsed.gz.manifest.json',
    'an hour that does not exist': 'E2ABCDEF123456.2024-05-01-24.a103fd5a.gz',
    'a date that does not exist': 'E2ABCDEF123456.2024-02-30-13.a103fd5a.gz',
    'no .gz': 'E2ABCDEF123456.2024-05-01-13.a103fd5a',
    'a lower-case distribution id': 'e2abcdef123456.2024-05-01-13.a103fd5a.gz',
    'a prefix without its slash (CloudFront always adds one)': 'cfE2ABCDEF123456.2024-05-01-13.a103fd5a.gz',
    'a short unique id': 'E2ABCDEF123456.2024-05-01-13.a10.gz',
    'minutes in the stamp': 'E2ABCDEF123456.2024-05-01-13-05.a103fd5a.gz',
    'an S3 access log': 'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C',
  };
  it.each(Object.entries(nearMisses))('never takes %s', (_, key) => {
    expect(cloudFront.parse(key)).toBeUndefined();
  });

  it('is never claimed by the S3 access log layouts, nor they by it', () => {
    expect(parseLogKey('logs/E2ABCDEF123456.2024-05-01-13.a103fd5a.gz')?.layout.id).toBe('cloudfront');
    expect(parseLogKey('E2ABCDEF123456.2024-05-01-13-05-31-6C0B8E3D1F2A4B7C')?.layout.id).toBe(
      's3-access-simple',
    );
  });
});

describe('CloudFront listing prefixes and output keys', () => {
  const series = cloudFront.parse('cf/E2ABCDEF123456.2024-05-01-13.a103fd5a.gz')!.series;

  it.each([
    [hour, 'cf/E2ABCDEF123456.2024-05-01-13.', 'cf/E2ABCDEF123456.2024-05-01-13_collapsed.gz'],
    [day, 'cf/E2ABCDEF123456.2024-05-01-', 'cf/E2ABCDEF123456.2024-05-01_collapsed.gz'],
    [month, 'cf/E2ABCDEF123456.2024-05-', 'cf/E2ABCDEF123456.2024-05_collapsed.gz'],
  ] as const)('%#', (period, prefix, output) => {
    expect(cloudFront.listingPrefix(series, period)).toBe(prefix);
    expect(cloudFront.outputKey(series, period)).toBe(output);
    expect(cloudFront.parse(output)).toBeUndefined();
    expect(output).toMatch(OUTPUT_NAME);
  });

  it('lists every key of the period and none of the next hour', () => {
    const inPeriod = 'cf/E2ABCDEF123456.2024-05-01-13.a103fd5a.gz';
    const nextHour = 'cf/E2ABCDEF123456.2024-05-01-14.a103fd5a.gz';
    expect(inPeriod.startsWith(cloudFront.listingPrefix(series, hour))).toBe(true);
    expect(nextHour.startsWith(cloudFront.listingPrefix(series, hour))).toBe(false);
    expect(nextHour.startsWith(cloudFront.listingPrefix(series, day))).toBe(true);
  });
});

describe('CloudFront series discovery', () => {
  const keys = [
    'cf/E2ABCDEF123456.2024-05-01-13.a103fd5a.gz',
    'cf/E2ABCDEF123456.2024-05-02-01.b103fd5a.gz',
    'cf/EMLARXS9EXAMPLE.2024-05-01-13.RT4KCN4SGK9.gz',
    'cf/E9ZZZZZZZZZZZZ.2024-04-30_collapsed.gz',
    'cf/README.txt',
    'cf/nested/E1SFLUZKKLSP61.2024-05-01-00.e519cdee.gz',
    'other/E3OTHER0000000.2024-05-01-13.a103fd5a.gz',
  ];

  it('finds one series per distribution under the prefix, with one delimiter-`.` listing', async () => {
    const calls: string[] = [];
    const series = await cloudFront.discoverSeries('cf/', listerOver(keys, calls));
    expect(series.map((one) => [one.base, one.label])).toEqual([
      ['cf/E2ABCDEF123456.', 'cf/E2ABCDEF123456'],
      // Only collapsed already: still a series, so a re-run reports it as done.
      ['cf/E9ZZZZZZZZZZZZ.', 'cf/E9ZZZZZZZZZZZZ'],
      ['cf/EMLARXS9EXAMPLE.', 'cf/EMLARXS9EXAMPLE'],
    ]);
    expect(calls).toEqual(['. cf/']);
  });

  it('finds distributions logged without a prefix', async () => {
    const series = await cloudFront.discoverSeries(
      '',
      listerOver(['E2ABCDEF123456.2024-05-01-13.a103fd5a.gz']),
    );
    expect(series.map((one) => one.base)).toEqual(['E2ABCDEF123456.']);
  });
});
