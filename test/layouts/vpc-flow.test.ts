import { describe, expect, it } from 'vitest';
import { OUTPUT_NAME } from '../../source/engine/plan.js';
import { parseLogKey } from '../../source/layouts/index.js';
import { vpcFlowHive } from '../../source/layouts/vpc-flow-hive.js';
import { vpcFlow } from '../../source/layouts/vpc-flow.js';
import { periodOf } from '../../source/periods.js';
import { fakeBucket } from '../support/fake-listing.js';

const hour = periodOf(new Date('2024-05-01T16:00:00Z'), 'hour');
const day = periodOf(new Date('2024-05-01T00:00:00Z'), 'day');
const month = periodOf(new Date('2024-05-01T00:00:00Z'), 'month');

const PLAIN = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/';
const HIVE = 'flows/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/';
const FILE = '123456789012_vpcflowlogs_us-east-1_';
const ID = 'fl-032a163fae170ae52';
const PLAIN_KEY = `${PLAIN}2024/05/01/${FILE}${ID}_20240501T1620Z_fe123456.log.gz`;
const PLAIN_HOURLY_KEY = `${PLAIN}2024/05/01/16/${FILE}${ID}_20240501T1620Z_fe123456.log.gz`;
const HIVE_KEY = `${HIVE}year=2024/month=05/day=01/${FILE}${ID}_20240501T1620Z_2ad4bef5.log.gz`;
const HIVE_HOURLY_KEY = `${HIVE}year=2024/month=05/day=01/hour=16/${FILE}${ID}_20240501T1620Z_2ad4bef5.log.gz`;

describe('flow log keys', () => {
  it.each([
    [PLAIN_KEY, 'vpc-flow', '', PLAIN, false],
    [PLAIN_HOURLY_KEY, 'vpc-flow', '', PLAIN, true],
    [`${PLAIN}2018/06/20/${FILE}fl-1234abcd_20180620T1620Z_fe123456.log.gz`, 'vpc-flow', '', PLAIN, false],
    [HIVE_KEY, 'vpc-flow-hive', 'flows/', HIVE, false],
    [HIVE_HOURLY_KEY, 'vpc-flow-hive', 'flows/', HIVE, true],
  ])('%s', (key, layout, root, folder, hourly) => {
    const hit = parseLogKey(key);
    expect(hit?.layout.id).toBe(layout);
    expect(hit?.parsed.series.root).toBe(root);
    expect(hit?.parsed.series.keyPrefix).toBe(folder);
    expect(hit?.parsed.series.base).toMatch(
      new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${FILE}fl-[0-9a-f]+_$`),
    );
    expect(hit?.parsed.series.hourFolders === true).toBe(hourly);
    expect(hit?.parsed.fields.map((field) => field.text).join('')).toBe(key);
  });

  it('one flow log is one series whether or not its keys sit in hour folders', () => {
    expect(vpcFlow.parse(PLAIN_HOURLY_KEY)!.series.base).toBe(vpcFlow.parse(PLAIN_KEY)!.series.base);
  });

  it('draws the Hive partitions apart', () => {
    expect(
      vpcFlowHive
        .parse(HIVE_HOURLY_KEY)!
        .fields.filter((field) => field.name !== 'literal')
        .map((field) => [field.name, field.text]),
    ).toEqual([
      ['prefix', 'flows/'],
      ['partition', 'aws-account-id=123456789012/'],
      ['partition', 'aws-service=vpcflowlogs/'],
      ['partition', 'aws-region=us-east-1/'],
      ['date', 'year=2024/month=05/day=01/hour=16/'],
      ['resource', ID],
      ['time', '20240501T1620Z'],
      ['unique', '2ad4bef5'],
    ]);
  });

  const never = {
    'a Parquet file': PLAIN_KEY.replace('.log.gz', '.log.parquet'),
    'a Hive Parquet file': HIVE_KEY.replace('.log.gz', '.log.parquet'),
    'a file in another day folder': PLAIN_KEY.replace('/2024/05/01/', '/2024/05/02/'),
    'a file in another hour folder': PLAIN_HOURLY_KEY.replace('/01/16/', '/01/17/'),
    'a Hive file in another hour partition': HIVE_HOURLY_KEY.replace('hour=16/', 'hour=15/'),
    'a Hive file in another month partition': HIVE_KEY.replace('month=05', 'month=06'),
    'the old `service=` spelling': HIVE_KEY.replace('aws-service=', 'service='),
    'Hive partitions in the plain layout’s order': `${PLAIN}year=2024/month=05/day=01/${FILE}${ID}_20240501T1620Z_fe123456.log.gz`,
    'another account inside the name': PLAIN_KEY.replace(
      `/01/${FILE}`,
      '/01/999999999999_vpcflowlogs_us-east-1_',
    ),
    'a day output': `${PLAIN}2024/05/01/${FILE}${ID}_20240501_collapsed.log.gz`,
    'an hour output in an hour folder': `${PLAIN}2024/05/01/16/${FILE}${ID}_20240501T16_collapsed.log.gz`,
    'a manifest': `${PLAIN}2024/05/01/_${FILE}${ID}_20240501_collapsed.log.gz.manifest.json`,
    'a short hash': PLAIN_KEY.replace('_fe123456', '_fe12'),
    'a flow log id of another kind': PLAIN_KEY.replace(ID, 'vpc-0123456789abcdef0'),
  };
  it.each(Object.entries(never))('never takes %s', (_, key) => {
    expect(parseLogKey(key)).toBeUndefined();
  });
});

describe('flow log periods', () => {
  const plain = vpcFlow.parse(PLAIN_KEY)!.series;
  const plainHourly = vpcFlow.parse(PLAIN_HOURLY_KEY)!.series;
  const hive = vpcFlowHive.parse(HIVE_KEY)!.series;
  const hiveHourly = vpcFlowHive.parse(HIVE_HOURLY_KEY)!.series;
  const hiveDay = `${HIVE}year=2024/month=05/day=01/`;

  it.each([
    [
      plain,
      hour,
      `${PLAIN}2024/05/01/${FILE}${ID}_20240501T16`,
      `${PLAIN}2024/05/01/${FILE}${ID}_20240501T16_collapsed.log.gz`,
    ],
    [
      plain,
      day,
      `${PLAIN}2024/05/01/${FILE}${ID}_20240501T`,
      `${PLAIN}2024/05/01/${FILE}${ID}_20240501_collapsed.log.gz`,
    ],
    [plain, month, `${PLAIN}2024/05/`, `${PLAIN}2024/05/${FILE}${ID}_202405_collapsed.log.gz`],
    [
      plainHourly,
      hour,
      `${PLAIN}2024/05/01/16/${FILE}${ID}_20240501T16`,
      `${PLAIN}2024/05/01/16/${FILE}${ID}_20240501T16_collapsed.log.gz`,
    ],
    [plainHourly, day, `${PLAIN}2024/05/01/`, `${PLAIN}2024/05/01/${FILE}${ID}_20240501_collapsed.log.gz`],
    [hive, hour, `${hiveDay}${FILE}${ID}_20240501T16`, `${hiveDay}${FILE}${ID}_20240501T16_collapsed.log.gz`],
    [hive, day, `${hiveDay}${FILE}${ID}_20240501T`, `${hiveDay}${FILE}${ID}_20240501_collapsed.log.gz`],
    [
      hive,
      month,
      `${HIVE}year=2024/month=05/`,
      `${HIVE}year=2024/month=05/${FILE}${ID}_202405_collapsed.log.gz`,
    ],
    [
      hiveHourly,
      hour,
      `${hiveDay}hour=16/${FILE}${ID}_20240501T16`,
      `${hiveDay}hour=16/${FILE}${ID}_20240501T16_collapsed.log.gz`,
    ],
    [hiveHourly, day, hiveDay, `${hiveDay}${FILE}${ID}_20240501_collapsed.log.gz`],
    [
      hiveHourly,
      month,
      `${HIVE}year=2024/month=05/`,
      `${HIVE}year=2024/month=05/${FILE}${ID}_202405_collapsed.log.gz`,
    ],
  ] as const)('%#', (series, period, prefix, output) => {
    const layout = series.layout === 'vpc-flow' ? vpcFlow : vpcFlowHive;
    expect(layout.listingPrefix(series, period)).toBe(prefix);
    expect(layout.outputKey(series, period)).toBe(output);
    expect(output).toMatch(OUTPUT_NAME);
    expect(parseLogKey(output)).toBeUndefined();
  });

  it('every key of a period starts with its listing prefix', () => {
    expect(PLAIN_HOURLY_KEY.startsWith(vpcFlow.listingPrefix(plainHourly, hour))).toBe(true);
    expect(PLAIN_HOURLY_KEY.startsWith(vpcFlow.listingPrefix(plainHourly, day))).toBe(true);
    expect(HIVE_HOURLY_KEY.startsWith(vpcFlowHive.listingPrefix(hiveHourly, hour))).toBe(true);
    expect(HIVE_KEY.startsWith(vpcFlowHive.listingPrefix(hive, day))).toBe(true);
  });
});

describe('flow log series discovery', () => {
  const keys = [
    `${PLAIN}2024/05/01/${FILE}fl-1234abcd_20240501T1620Z_fe123456.log.gz`,
    `${PLAIN}2024/05/01/${FILE}fl-1234abcd_20240501T1620Z_fe123456.log.parquet`,
    PLAIN_HOURLY_KEY,
    // Collapsed already: only the day output is left.
    `${PLAIN}2024/04/30/${FILE}fl-00000000_20240430_collapsed.log.gz`,
    `AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/02/123456789012_vpcflowlogs_eu-west-1_fl-eeeeeeee_20240502T0000Z_00000000.log.gz`,
    HIVE_HOURLY_KEY,
    `${HIVE}year=2024/month=05/day=01/${FILE}fl-abcdef01_20240501T0005Z_11111111.log.gz`,
    'AWSLogs/123456789012/ELBAccessLogTestFile',
  ];

  it('finds every flow log of every account and region, and which keep hour folders', async () => {
    const { list } = fakeBucket(keys);
    const found = await vpcFlow.discoverSeries('', list);
    expect(found.map((one) => [one.label, one.hourFolders === true])).toEqual([
      ['123456789012 eu-west-1 fl-eeeeeeee', false],
      ['123456789012 us-east-1 fl-00000000', false],
      [`123456789012 us-east-1 ${ID}`, true],
      ['123456789012 us-east-1 fl-1234abcd', false],
    ]);
    expect(found.find((one) => one.label.endsWith(ID))).toEqual(vpcFlow.parse(PLAIN_HOURLY_KEY)!.series);
    const hive = await vpcFlowHive.discoverSeries('flows/', list);
    expect(hive.map((one) => [one.label, one.hourFolders === true])).toEqual([
      [`123456789012 us-east-1 ${ID}`, true],
      ['123456789012 us-east-1 fl-abcdef01', false],
    ]);
  });

  it('reads only the day folders the periods cover: one `T` and one `_` listing each, and the month', async () => {
    const { list, asked } = fakeBucket(keys);
    const found = await vpcFlow.discoverSeries('', list, [hour]);
    expect(found.map((one) => one.label)).toEqual([
      `123456789012 us-east-1 ${ID}`,
      '123456789012 us-east-1 fl-1234abcd',
    ]);
    const dated = asked.filter((one) => /\/\d{4}\//.test(one));
    expect(dated.sort()).toEqual(
      [
        `T ${PLAIN}2024/05/01/`,
        `_ ${PLAIN}2024/05/01/${FILE}`,
        `_ ${PLAIN}2024/05/${FILE}`,
        'T AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/01/',
        '_ AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/01/123456789012_vpcflowlogs_eu-west-1_',
        '_ AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/05/123456789012_vpcflowlogs_eu-west-1_',
      ].sort(),
    );
  });
});
