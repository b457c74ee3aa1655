import { describe, expect, it } from 'vitest';
import { OUTPUT_NAME } from '../../source/engine/plan.js';
import { elbClassic } from '../../source/layouts/elb-classic.js';
import { elb } from '../../source/layouts/elb.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { periodOf } from '../../source/periods.js';
import { fakeBucket } from '../support/fake-listing.js';

const hour = periodOf(new Date('2024-05-01T13:00:00Z'), 'hour');
const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const month = periodOf(new Date('2024-05-01T00:00:00Z'), 'month');

const REGION_FOLDER = 'AWSLogs/123456789012/elasticloadbalancing/us-east-2/';
const ALB = 'app.my-loadbalancer.1234567890abcdef';
const ALB_KEY = `${REGION_FOLDER}2024/05/01/123456789012_elasticloadbalancing_us-east-2_${ALB}_20240501T1340Z_172.160.001.192_20sg8hgm.log.gz`;
const NLB_KEY = `${REGION_FOLDER}2024/05/01/123456789012_elasticloadbalancing_us-east-2_net.my-network-lb.c6e77e28c25b2234_20240501T2340Z_2soosksi.log.gz`;
const CLASSIC_KEY = `logs/${REGION_FOLDER}2024/05/01/123456789012_elasticloadbalancing_us-east-2_my-loadbalancer_20240501T1400Z_10.0.0.15_5m9btchz.log`;

describe('load balancer keys', () => {
  it.each([
    [
      ALB_KEY,
      'elb',
      '',
      `${REGION_FOLDER}123456789012_elasticloadbalancing_us-east-2_${ALB}_`,
      '2024-05-01T13:40:00.000Z',
    ],
    [
      NLB_KEY,
      'elb',
      '',
      `${REGION_FOLDER}123456789012_elasticloadbalancing_us-east-2_net.my-network-lb.c6e77e28c25b2234_`,
      '2024-05-01T23:40:00.000Z',
    ],
    [
      CLASSIC_KEY,
      'elb-classic',
      'logs/',
      `logs/${REGION_FOLDER}123456789012_elasticloadbalancing_us-east-2_my-loadbalancer_`,
      '2024-05-01T14:00:00.000Z',
    ],
  ])('%s', (key, layout, root, base, time) => {
    const hit = parseLogKey(key);
    expect(hit?.layout.id).toBe(layout);
    expect(hit?.parsed.series).toMatchObject({ root, base, keyPrefix: `${root}${REGION_FOLDER}` });
    expect(hit?.parsed.time.toISOString()).toBe(time);
    expect(hit?.parsed.fields.map((field) => field.text).join('')).toBe(key);
  });

  it('labels the load balancer, the node and the random string', () => {
    const fields = elb.parse(ALB_KEY)!.fields;
    expect(
      fields.filter((field) => field.name !== 'literal').map((field) => [field.name, field.text]),
    ).toEqual([
      ['account', '123456789012'],
      ['region', 'us-east-2'],
      ['date', '2024/05/01/'],
      ['resource', ALB],
      ['time', '20240501T1340Z'],
      ['address', '172.160.001.192'],
      ['unique', '20sg8hgm'],
    ]);
  });

  const never = {
    'the test file logging writes': 'AWSLogs/123456789012/ELBAccessLogTestFile',
    'the test file under a prefix': 'logs/AWSLogs/123456789012/ELBAccessLogTestFile',
    'a file in another day folder than its end time': ALB_KEY.replace('/2024/05/01/', '/2024/05/02/'),
    'an account inside the name that is not the folder’s': ALB_KEY.replace(
      '/01/123456789012_',
      '/01/999999999999_',
    ),
    'a region inside the name that is not the folder’s': ALB_KEY.replace('_us-east-2_app', '_us-west-2_app'),
    'an ALB file written as plain text': ALB_KEY.replace(/\.gz$/, ''),
    'a Classic file gzipped': `${CLASSIC_KEY}.gz`,
    'a day output': `${REGION_FOLDER}2024/05/01/123456789012_elasticloadbalancing_us-east-2_${ALB}_20240501_collapsed.log.gz`,
    'an hour output': `${REGION_FOLDER}2024/05/01/123456789012_elasticloadbalancing_us-east-2_${ALB}_20240501T13_collapsed.log.gz`,
    'a manifest': `${REGION_FOLDER}2024/05/01/_123456789012_elasticloadbalancing_us-east-2_${ALB}_20240501_collapsed.log.gz.manifest.json`,
    'an impossible time': ALB_KEY.replace('T1340Z', 'T2540Z'),
    'a downloaded copy': `${ALB_KEY.slice(0, -'.log.gz'.length)}.log`,
    'a load balancer id without its hex': ALB_KEY.replace('.1234567890abcdef', ''),
  };
  it.each(Object.entries(never))('never takes %s', (_, key) => {
    expect(parseLogKey(key)).toBeUndefined();
  });
});

describe('load balancer periods', () => {
  const alb = elb.parse(ALB_KEY)!.series;
  const classic = elbClassic.parse(CLASSIC_KEY)!.series;
  const file = '123456789012_elasticloadbalancing_us-east-2_';

  it.each([
    [
      elb,
      alb,
      hour,
      `${REGION_FOLDER}2024/05/01/${file}${ALB}_20240501T13`,
      `${REGION_FOLDER}2024/05/01/${file}${ALB}_20240501T13_collapsed.log.gz`,
    ],
    [
      elb,
      alb,
      day,
      `${REGION_FOLDER}2024/05/01/${file}${ALB}_20240501T`,
      `${REGION_FOLDER}2024/05/01/${file}${ALB}_20240501_collapsed.log.gz`,
    ],
    [
      elb,
      alb,
      month,
      `${REGION_FOLDER}2024/05/`,
      `${REGION_FOLDER}2024/05/${file}${ALB}_202405_collapsed.log.gz`,
    ],
    [
      elbClassic,
      classic,
      day,
      `logs/${REGION_FOLDER}2024/05/01/${file}my-loadbalancer_20240501T`,
      `logs/${REGION_FOLDER}2024/05/01/${file}my-loadbalancer_20240501_collapsed.log`,
    ],
    [
      elbClassic,
      classic,
      hour,
      `logs/${REGION_FOLDER}2024/05/01/${file}my-loadbalancer_20240501T13`,
      `logs/${REGION_FOLDER}2024/05/01/${file}my-loadbalancer_20240501T13_collapsed.log`,
    ],
    [
      elbClassic,
      classic,
      month,
      `logs/${REGION_FOLDER}2024/05/`,
      `logs/${REGION_FOLDER}2024/05/${file}my-loadbalancer_202405_collapsed.log`,
    ],
  ] as const)('%#: %s', (layout, series, period, prefix, output) => {
    expect(layout.listingPrefix(series, period)).toBe(prefix);
    expect(layout.outputKey(series, period)).toBe(output);
    expect(output).toMatch(OUTPUT_NAME);
    expect(parseLogKey(output)).toBeUndefined();
  });

  it('lists a day of one load balancer without the others sharing its folder', () => {
    const other = ALB_KEY.replace('my-loadbalancer', 'my-loadbalancer-2');
    expect(other.startsWith(elb.listingPrefix(alb, day))).toBe(false);
    expect(ALB_KEY.startsWith(elb.listingPrefix(alb, day))).toBe(true);
  });
});

describe('load balancer series discovery', () => {
  const folder = (account: string, region: string, date: string) =>
    `AWSLogs/${account}/elasticloadbalancing/${region}/${date}/${account}_elasticloadbalancing_${region}_`;
  const keys = [
    'AWSLogs/111122223333/ELBAccessLogTestFile',
    `${folder('111122223333', 'eu-west-1', '2024/04/30')}app.shop.0123456789abcdef_20240430T2355Z_10.0.0.1_aaaaaaaa.log.gz`,
    `${folder('111122223333', 'eu-west-1', '2024/05/01')}app.shop.0123456789abcdef_20240501T0005Z_10.0.0.1_bbbbbbbb.log.gz`,
    `${folder('111122223333', 'eu-west-1', '2024/05/01')}net.tls-edge.fedcba9876543210_20240501T0005Z_cccccccc.log.gz`,
    `${folder('111122223333', 'eu-west-1', '2024/05/01')}legacy_20240501T0100Z_10.0.0.2_dddddddd.log`,
    // Only in May's second day: a run over May 1 must not read its folder.
    `${folder('111122223333', 'us-east-1', '2024/05/02')}app.api.00000000ffffffff_20240502T0005Z_10.0.0.3_eeeeeeee.log.gz`,
    // Collapsed already: only its month output is left.
    `AWSLogs/444455556666/elasticloadbalancing/eu-west-1/2024/03/444455556666_elasticloadbalancing_eu-west-1_app.old.1111111111111111_202403_collapsed.log.gz`,
    'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T0005Z_a1B2c3D4e5F6g7H8.json.gz',
  ];

  it('finds every load balancer of every account and region in file names, outputs included', async () => {
    const { list } = fakeBucket(keys);
    expect((await elb.discoverSeries('', list)).map((one) => one.label)).toEqual([
      '111122223333 eu-west-1 app.shop.0123456789abcdef',
      '111122223333 eu-west-1 net.tls-edge.fedcba9876543210',
      '111122223333 us-east-1 app.api.00000000ffffffff',
      '444455556666 eu-west-1 app.old.1111111111111111',
    ]);
    expect((await elbClassic.discoverSeries('', list)).map((one) => one.label)).toEqual([
      '111122223333 eu-west-1 legacy',
    ]);
  });

  it('reads only the day folders the periods cover, each with one `_` listing', async () => {
    const { list, asked } = fakeBucket(keys);
    const found = await elb.discoverSeries('', list, [day]);
    expect(found.map((one) => one.label)).toEqual([
      '111122223333 eu-west-1 app.shop.0123456789abcdef',
      '111122223333 eu-west-1 net.tls-edge.fedcba9876543210',
    ]);
    expect(asked).toContain(`_ ${folder('111122223333', 'eu-west-1', '2024/05/01')}`);
    expect(asked.some((one) => one.includes('/2024/05/02/') || one.includes('/2024/04/30/'))).toBe(false);
    // The series found by listing is the one parsing its keys gives: the plan compares them.
    expect(found[0]).toEqual(elb.parse(keys[2]!)!.series);
  });

  it('reads every day folder of a month period', async () => {
    const { list } = fakeBucket(keys);
    const may = await elb.discoverSeries('', list, [month]);
    expect(may.map((one) => one.label)).toContain('111122223333 us-east-1 app.api.00000000ffffffff');
  });
});
