import { describe, expect, it } from 'vitest';
import { OUTPUT_NAME } from '../../source/engine/plan.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { redshift } from '../../source/layouts/redshift.js';
import { periodOf } from '../../source/periods.js';
import { listerOver } from '../support/fake-listing.js';

const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const hour = periodOf(new Date('2024-05-01T13:00:00Z'), 'hour');
const month = periodOf(new Date('2024-05-01T00:00:00Z'), 'month');

const REGION = 'AWSLogs/111122223333/redshift/eu-west-1/';
const key = (folder: string, cluster: string, type: string, stamp: string, root = ''): string =>
  `${root}${REGION}${folder}111122223333_redshift_eu-west-1_${cluster}_${type}_${stamp}.gz`;

describe('Redshift audit log keys', () => {
  const valid = [
    // The documented examples, with and without a key prefix.
    [
      'AWSLogs/123456789012/redshift/us-east-1/2013/10/29/123456789012_redshift_us-east-1_mycluster_userlog_2013-10-29T18:01.gz',
      'AWSLogs/123456789012/redshift/us-east-1/123456789012_redshift_us-east-1_mycluster_userlog_',
      '123456789012 us-east-1 mycluster userlog',
      '2013-10-29T18:01:00.000Z',
    ],
    [
      'myprefix/AWSLogs/123456789012/redshift/us-east-1/2013/10/29/123456789012_redshift_us-east-1_mycluster_userlog_2013-10-29T18:01.gz',
      'myprefix/AWSLogs/123456789012/redshift/us-east-1/123456789012_redshift_us-east-1_mycluster_userlog_',
      '123456789012 us-east-1 mycluster userlog',
      '2013-10-29T18:01:00.000Z',
    ],
    [
      key('2024/05/01/', 'analytics-prod', 'useractivitylog', '2024-05-01T13:05'),
      `${REGION}111122223333_redshift_eu-west-1_analytics-prod_useractivitylog_`,
      '111122223333 eu-west-1 analytics-prod useractivitylog',
      '2024-05-01T13:05:00.000Z',
    ],
    [
      key('2024/05/01/', 'analytics-prod', 'connectionlog', '2024-05-01T00:00', 'audit/'),
      `audit/${REGION}111122223333_redshift_eu-west-1_analytics-prod_connectionlog_`,
      '111122223333 eu-west-1 analytics-prod connectionlog',
      '2024-05-01T00:00:00.000Z',
    ],
  ] as const;

  it.each(valid)('%s', (text, base, label, time) => {
    const hit = parseLogKey(text);
    expect(hit?.layout.id).toBe('redshift');
    expect(hit?.parsed.series.base).toBe(base);
    expect(hit?.parsed.series.label).toBe(label);
    expect(hit?.parsed.time.toISOString()).toBe(time);
    expect(hit?.parsed.fields.map((field) => field.text).join('')).toBe(text);
  });

  it('is one series per cluster and log type, all gated by their region folder', () => {
    const activity = redshift.parse(key('2024/05/01/', 'a', 'useractivitylog', '2024-05-01T13:05'))!.series;
    const connections = redshift.parse(key('2024/05/01/', 'a', 'connectionlog', '2024-05-01T13:05'))!.series;
    const other = redshift.parse(key('2024/05/02/', 'b', 'connectionlog', '2024-05-02T13:05'))!.series;
    expect(new Set([activity.base, connections.base, other.base]).size).toBe(3);
    for (const one of [activity, connections, other]) expect(one.keyPrefix).toBe(REGION);
    // The base names the series but is no key's prefix: the run's request gates use keyPrefix.
    expect(key('2024/05/01/', 'a', 'userlog', '2024-05-01T13:05').startsWith(activity.base)).toBe(false);
  });

  it('labels cluster and log type', () => {
    const fields = redshift.parse(
      key('2024/05/01/', 'analytics-prod', 'userlog', '2024-05-01T13:05'),
    )!.fields;
    expect(
      fields.filter((field) => field.name !== 'literal').map((field) => [field.name, field.text]),
    ).toEqual([
      ['account', '111122223333'],
      ['region', 'eu-west-1'],
      ['date', '2024/05/01/'],
      ['resource', 'analytics-prod'],
      ['logType', 'userlog'],
      ['date', '2024-05-01'],
      ['time', '13:05'],
    ]);
  });

  const nearMisses = {
    'a file in another day folder': key('2024/05/02/', 'analytics', 'userlog', '2024-05-01T13:05'),
    'another account inside': `${REGION}2024/05/01/999999999999_redshift_eu-west-1_analytics_userlog_2024-05-01T13:05.gz`,
    'another region inside': `${REGION}2024/05/01/111122223333_redshift_us-east-1_analytics_userlog_2024-05-01T13:05.gz`,
    'an unknown log type': key('2024/05/01/', 'analytics', 'querylog', '2024-05-01T13:05'),
    'an upper-case cluster': key('2024/05/01/', 'Analytics', 'userlog', '2024-05-01T13:05'),
    'a time without its colon': key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T1305'),
    'a time with seconds': key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T13:05:00'),
    'an impossible time': key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T25:05'),
    'a day output': `${REGION}2024/05/01/111122223333_redshift_eu-west-1_analytics_userlog_2024-05-01_collapsed.gz`,
    'an hour output': `${REGION}2024/05/01/111122223333_redshift_eu-west-1_analytics_userlog_2024-05-01T13_collapsed.gz`,
    'a manifest': `${REGION}2024/05/01/_111122223333_redshift_eu-west-1_analytics_userlog_2024-05-01_collapsed.gz.manifest.json`,
    'no .gz': key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T13:05').slice(0, -3),
    'no AWSLogs folder': `111122223333/redshift/eu-west-1/2024/05/01/111122223333_redshift_eu-west-1_analytics_userlog_2024-05-01T13:05.gz`,
  };
  it.each(Object.entries(nearMisses))('never takes %s', (_, text) => {
    expect(redshift.parse(text)).toBeUndefined();
  });
});

describe('Redshift listing prefixes and output keys', () => {
  const series = redshift.parse(key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T13:05'))!.series;
  const stem = '111122223333_redshift_eu-west-1_analytics_userlog_';

  it.each([
    [
      hour,
      `${REGION}2024/05/01/${stem}2024-05-01T13:`,
      `${REGION}2024/05/01/${stem}2024-05-01T13_collapsed.gz`,
    ],
    [day, `${REGION}2024/05/01/${stem}2024-05-01T`, `${REGION}2024/05/01/${stem}2024-05-01_collapsed.gz`],
    [month, `${REGION}2024/05/`, `${REGION}2024/05/${stem}2024-05_collapsed.gz`],
  ] as const)('%#', (period, prefix, output) => {
    expect(redshift.listingPrefix(series, period)).toBe(prefix);
    expect(redshift.outputKey(series, period)).toBe(output);
    expect(redshift.parse(output)).toBeUndefined();
    expect(output).toMatch(OUTPUT_NAME);
    expect(output).not.toContain(':');
  });

  it('lists the period’s keys of this series only', () => {
    const mine = key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T13:59');
    const otherType = key('2024/05/01/', 'analytics', 'connectionlog', '2024-05-01T13:05');
    expect(mine.startsWith(redshift.listingPrefix(series, hour))).toBe(true);
    expect(mine.startsWith(redshift.listingPrefix(series, day))).toBe(true);
    expect(otherType.startsWith(redshift.listingPrefix(series, day))).toBe(false);
  });
});

describe('Redshift series discovery', () => {
  const keys = [
    key('2024/04/30/', 'legacy', 'userlog', '2024-04-30T23:00'),
    key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T13:05'),
    key('2024/05/01/', 'analytics', 'connectionlog', '2024-05-01T13:05'),
    key('2024/05/01/', 'analytics', 'connectionlog', '2024-05-01T14:05'),
    key('2024/05/02/', 'reporting', 'useractivitylog', '2024-05-02T01:00'),
    // Already collapsed by month: only the output is left.
    `${REGION}2024/03/111122223333_redshift_eu-west-1_archive_userlog_2024-03_collapsed.gz`,
    `${REGION}2024/05/01/README.txt`,
    'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/x.json.gz',
    'AWSLogs/not-an-account/redshift/eu-west-1/2024/05/01/x.gz',
  ];
  const labels = (series: ReadonlyArray<{ label: string }>) => series.map((one) => one.label);

  it('without periods, reads every date folder and misses no series', async () => {
    const series = await redshift.discoverSeries('', listerOver(keys));
    expect(labels(series)).toEqual([
      '111122223333 eu-west-1 analytics connectionlog',
      '111122223333 eu-west-1 analytics userlog',
      '111122223333 eu-west-1 archive userlog',
      '111122223333 eu-west-1 legacy userlog',
      '111122223333 eu-west-1 reporting useractivitylog',
    ]);
  });

  it('with periods, reads only the day folders they cover', async () => {
    const calls: string[] = [];
    const series = await redshift.discoverSeries('', listerOver(keys, calls), [day, hour]);
    expect(labels(series)).toEqual([
      '111122223333 eu-west-1 analytics connectionlog',
      '111122223333 eu-west-1 analytics userlog',
    ]);
    const dated = calls.filter((call) => /\/\d{4}\//.test(call));
    expect(dated.length).toBeGreaterThan(0);
    expect(dated.every((call) => call.includes('/2024/05/01/'))).toBe(true);
  });

  it('with a month, reads its day folders and the month folder itself', async () => {
    const series = await redshift.discoverSeries('', listerOver(keys), [
      periodOf(new Date('2024-03-01T00:00:00Z'), 'month'),
      month,
    ]);
    expect(labels(series)).toEqual([
      '111122223333 eu-west-1 analytics connectionlog',
      '111122223333 eu-west-1 analytics userlog',
      '111122223333 eu-west-1 archive userlog',
      '111122223333 eu-west-1 reporting useractivitylog',
    ]);
  });

  it('finds the series under a key prefix', async () => {
    const series = await redshift.discoverSeries(
      'audit/',
      listerOver([key('2024/05/01/', 'analytics', 'userlog', '2024-05-01T13:05', 'audit/')]),
    );
    expect(series.map((one) => [one.root, one.base])).toEqual([
      ['audit/', `audit/${REGION}111122223333_redshift_eu-west-1_analytics_userlog_`],
    ]);
  });
});
