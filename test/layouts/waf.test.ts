import { describe, expect, it } from 'vitest';
import { OUTPUT_NAME } from '../../source/engine/plan.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { waf } from '../../source/layouts/waf.js';
import { periodOf } from '../../source/periods.js';
import { listerOver } from '../support/fake-listing.js';

const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const hour = periodOf(new Date('2024-05-01T13:00:00Z'), 'hour');
const month = periodOf(new Date('2024-05-01T00:00:00Z'), 'month');

const BASE = 'AWSLogs/111122223333/WAFLogs/us-east-1/TEST-WEBACL/';
const key = (folders: string, stamp: string, hash = 'e0ca43b5'): string =>
  `${BASE}${folders}111122223333_waflogs_us-east-1_TEST-WEBACL_${stamp}_${hash}.log.gz`;

describe('AWS WAF log keys', () => {
  const valid = [
    // The documented example (its account id given 12 digits).
    [
      key('2021/10/28/19/50/', '20211028T1950Z'),
      BASE,
      '111122223333 us-east-1 TEST-WEBACL',
      '2021-10-28T19:50:00.000Z',
    ],
    // A web ACL of CloudFront distributions: `cloudfront` stands for the region.
    [
      'AWSLogs/148189048278/WAFLogs/cloudfront/driver-wafacl-prd/2025/05/07/03/50/148189048278_waflogs_cloudfront_driver-wafacl-prd_20250507T0350Z_0a7915da.log.gz',
      'AWSLogs/148189048278/WAFLogs/cloudfront/driver-wafacl-prd/',
      '148189048278 cloudfront driver-wafacl-prd',
      '2025-05-07T03:50:00.000Z',
    ],
    [
      'waf/AWSLogs/111122223333/WAFLogs/eu-west-1/api_acl/2024/05/01/00/05/111122223333_waflogs_eu-west-1_api_acl_20240501T0005Z_12756524.log.gz',
      'waf/AWSLogs/111122223333/WAFLogs/eu-west-1/api_acl/',
      '111122223333 eu-west-1 api_acl',
      '2024-05-01T00:05:00.000Z',
    ],
  ] as const;

  it.each(valid)('%s', (text, base, label, time) => {
    const hit = parseLogKey(text);
    expect(hit?.layout.id).toBe('waf');
    expect(hit?.parsed.series.base).toBe(base);
    expect(hit?.parsed.series.label).toBe(label);
    expect(hit?.parsed.time.toISOString()).toBe(time);
    expect(hit?.parsed.fields.map((field) => field.text).join('')).toBe(text);
  });

  it('labels the web ACL, the date and time folders and the hash', () => {
    const fields = waf.parse(key('2024/05/01/13/55/', '20240501T1355Z'))!.fields;
    expect(
      fields.filter((field) => field.name !== 'literal').map((field) => [field.name, field.text]),
    ).toEqual([
      ['account', '111122223333'],
      ['region', 'us-east-1'],
      ['resource', 'TEST-WEBACL'],
      ['date', '2024/05/01/'],
      ['time', '13/55/'],
      ['time', '20240501T1355Z'],
      ['unique', 'e0ca43b5'],
    ]);
  });

  const nearMisses = {
    'a minute folder that disagrees': key('2024/05/01/13/55/', '20240501T1350Z'),
    'an hour folder that disagrees': key('2024/05/01/14/50/', '20240501T1350Z'),
    'a day folder that disagrees': key('2024/05/02/13/50/', '20240501T1350Z'),
    'no minute folder': key('2024/05/01/13/', '20240501T1350Z'),
    'another region inside':
      'AWSLogs/111122223333/WAFLogs/eu-west-1/TEST-WEBACL/2024/05/01/13/50/111122223333_waflogs_us-east-1_TEST-WEBACL_20240501T1350Z_e0ca43b5.log.gz',
    'another web ACL inside':
      'AWSLogs/111122223333/WAFLogs/us-east-1/TEST-WEBACL/2024/05/01/13/50/111122223333_waflogs_us-east-1_OTHER_20240501T1350Z_e0ca43b5.log.gz',
    'another account inside':
      'AWSLogs/111122223333/WAFLogs/us-east-1/TEST-WEBACL/2024/05/01/13/50/999999999999_waflogs_us-east-1_TEST-WEBACL_20240501T1350Z_e0ca43b5.log.gz',
    'an impossible time': key('2024/05/01/24/50/', '20240501T2450Z'),
    'a short hash': key('2024/05/01/13/50/', '20240501T1350Z', 'e0ca43'),
    'no .log.gz': key('2024/05/01/13/50/', '20240501T1350Z').replace(/\.log\.gz$/, '.gz'),
    'a day output': `${BASE}2024/05/01/111122223333_waflogs_us-east-1_TEST-WEBACL_20240501_collapsed.log.gz`,
    'an hour output': `${BASE}2024/05/01/13/111122223333_waflogs_us-east-1_TEST-WEBACL_20240501T13_collapsed.log.gz`,
    'a manifest': `${BASE}2024/05/01/_111122223333_waflogs_us-east-1_TEST-WEBACL_20240501_collapsed.log.gz.manifest.json`,
    'a region that is not one': key('2024/05/01/13/50/', '20240501T1350Z').replaceAll('us-east-1', 'global'),
  };
  it.each(Object.entries(nearMisses))('never takes %s', (_, text) => {
    expect(waf.parse(text)).toBeUndefined();
  });
});

describe('AWS WAF listing prefixes and output keys', () => {
  const series = waf.parse(key('2024/05/01/13/50/', '20240501T1350Z'))!.series;
  const name = '111122223333_waflogs_us-east-1_TEST-WEBACL_';

  it.each([
    [hour, `${BASE}2024/05/01/13/`, `${BASE}2024/05/01/13/${name}20240501T13_collapsed.log.gz`],
    [day, `${BASE}2024/05/01/`, `${BASE}2024/05/01/${name}20240501_collapsed.log.gz`],
    [month, `${BASE}2024/05/`, `${BASE}2024/05/${name}202405_collapsed.log.gz`],
  ] as const)('%#', (period, prefix, output) => {
    expect(waf.listingPrefix(series, period)).toBe(prefix);
    expect(waf.outputKey(series, period)).toBe(output);
    expect(waf.parse(output)).toBeUndefined();
    expect(output).toMatch(OUTPUT_NAME);
  });
});

describe('AWS WAF series discovery', () => {
  const keys = [
    key('2024/05/01/13/50/', '20240501T1350Z'),
    'AWSLogs/111122223333/WAFLogs/cloudfront/site-acl/2024/05/01/13/50/111122223333_waflogs_cloudfront_site-acl_20240501T1350Z_0a7915da.log.gz',
    'AWSLogs/111122223333/WAFLogs/eu-west-1/api_acl/2024/05/01/13/50/111122223333_waflogs_eu-west-1_api_acl_20240501T1350Z_0a7915da.log.gz',
    'AWSLogs/444455556666/WAFLogs/us-east-1/other-acl/2024/05/01/13/50/444455556666_waflogs_us-east-1_other-acl_20240501T1350Z_0a7915da.log.gz',
    'AWSLogs/111122223333/WAFLogs/not-a-region/x/2024/05/01/13/50/x.log.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json.gz',
  ];

  it('finds every account × region × web ACL from folders alone', async () => {
    const calls: string[] = [];
    const series = await waf.discoverSeries('', listerOver(keys, calls));
    expect(series.map((one) => one.label)).toEqual([
      '111122223333 cloudfront site-acl',
      '111122223333 eu-west-1 api_acl',
      '111122223333 us-east-1 TEST-WEBACL',
      '444455556666 us-east-1 other-acl',
    ]);
    // No date folder is read.
    expect(calls.some((call) => /\/\d{4}\//.test(call))).toBe(false);
  });
});
