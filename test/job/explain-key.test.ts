import { describe, expect, it } from 'vitest';
import { explainKey, isAvailable, type PeriodExplanation } from '../../source/job/explain-key.js';
import { layoutsForChoice, parseLogKey } from '../../source/layouts/index.js';
import { keyPatternLayout } from '../../source/layouts/user-pattern.js';

const LATER = new Date('2024-06-15T00:00:00Z');
const ACCESS = 'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C';
const TRAIL =
  'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz';

const periodsOf = (key: string, now = LATER): PeriodExplanation[] =>
  (explainKey(key, { now }).periods ?? []).filter(isAvailable);

describe('explainKey: log keys', () => {
  it('an S3 access log key: its layout, fields, periods and outputs', () => {
    const explanation = explainKey(ACCESS, { now: LATER });
    expect(explanation).toMatchObject({
      kind: 'log',
      verdict: 'input',
      layout: { id: 's3-access-simple', title: 'S3 server access logs, simple layout', encoding: 'plain' },
      series: { root: 'logs/', base: 'logs/' },
      time: '2024-05-01T13:05:31.000Z',
    });
    expect(explanation.layout?.writtenBy).toMatch(/best effort/);
    expect(explanation.fields?.map((field) => field.text).join('')).toBe(ACCESS);
    expect(periodsOf(ACCESS)).toEqual([
      {
        by: 'hour',
        label: '2024-05-01T13',
        start: '2024-05-01T13:00:00.000Z',
        end: '2024-05-01T14:00:00.000Z',
        finished: true,
        listingPrefix: 'logs/2024-05-01-13-',
        outputKey: 'logs/2024-05-01-13_collapsed',
        manifestKey: 'logs/_2024-05-01-13_collapsed.manifest.json',
      },
      {
        by: 'day',
        label: '2024-05-01',
        start: '2024-05-01T00:00:00.000Z',
        end: '2024-05-02T00:00:00.000Z',
        finished: true,
        listingPrefix: 'logs/2024-05-01-',
        outputKey: 'logs/2024-05-01_collapsed',
        manifestKey: 'logs/_2024-05-01_collapsed.manifest.json',
      },
      {
        by: 'month',
        label: '2024-05',
        start: '2024-05-01T00:00:00.000Z',
        end: '2024-06-01T00:00:00.000Z',
        finished: true,
        listingPrefix: 'logs/2024-05-',
        outputKey: 'logs/2024-05_collapsed',
        manifestKey: 'logs/_2024-05_collapsed.manifest.json',
      },
    ]);
    expect(explanation.reason).toMatch(/deletes it once the output is verified/);
  });

  it('a CloudTrail key: its series and its outputs keep .json.gz', () => {
    const explanation = explainKey(TRAIL, { now: LATER });
    expect(explanation).toMatchObject({
      kind: 'log',
      verdict: 'input',
      layout: { id: 'cloudtrail', encoding: 'gzip' },
      series: { label: '111122223333 eu-west-1' },
    });
    expect(periodsOf(TRAIL).map((period) => period.outputKey)).toEqual([
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T13_collapsed.json.gz',
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501_collapsed.json.gz',
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/111122223333_CloudTrail_eu-west-1_202405_collapsed.json.gz',
    ]);
  });

  it.each([ACCESS, TRAIL])('each period lists the key, and its output is no input (%s)', (key) => {
    for (const period of periodsOf(key)) {
      expect(key.startsWith(period.listingPrefix)).toBe(true);
      expect(parseLogKey(period.outputKey)).toBeUndefined();
      expect(explainKey(period.outputKey, { now: LATER })).toMatchObject({
        kind: 'output',
        verdict: 'never',
      });
      expect(explainKey(period.manifestKey, { now: LATER })).toMatchObject({
        kind: 'manifest',
        verdict: 'never',
        pairedWith: period.outputKey,
      });
    }
  });
});

describe('explainKey: keys of an unfinished period', () => {
  it('the current hour: not until the hour is over', () => {
    const now = new Date('2024-05-01T13:30:00Z');
    const explanation = explainKey(ACCESS, { now });
    expect(explanation.verdict).toBe('not-yet');
    expect(periodsOf(ACCESS, now).map((period) => period.finished)).toEqual([false, false, false]);
    expect(explanation.reason).toBe(
      'Not yet: by hour not until the hour is over (2024-05-01T14:00Z), by day not until the day is over (2024-05-02T00:00Z), by month not until the month is over (2024-06-01T00:00Z). Its logs are still arriving; --include-open collapses an open period anyway.',
    );
  });

  it('an earlier hour of today: by hour now, by day not until the day is over', () => {
    const now = new Date('2024-05-01T15:00:00Z');
    const explanation = explainKey(ACCESS, { now });
    expect(explanation.verdict).toBe('input');
    expect(explanation.reason).toMatch(
      /^By hour now; by day not until the day is over \(2024-05-02T00:00Z\)/,
    );
  });

  it('the hour ends exactly now: it is over', () => {
    expect(explainKey(ACCESS, { now: new Date('2024-05-01T14:00:00Z') }).reason).toMatch(/^By hour now;/);
  });
});

describe('explainKey: keys the tool never touches', () => {
  const never = [
    [
      'a CloudTrail digest file',
      'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01/111122223333_CloudTrail-Digest_eu-west-1_trail_eu-west-1_20240501T235959Z.json.gz',
      'cloudtrail-digest',
      /validate-logs/,
    ],
    [
      'a CloudTrail Insights file',
      'AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2024/05/01/111122223333_CloudTrail-Insight_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz',
      'cloudtrail-insights',
      /Insights/,
    ],
    [
      'the ELB test file',
      'AWSLogs/111122223333/ELBAccessLogTestFile',
      'elb-test-file',
      /logging is turned on/,
    ],
    ['an output', 'logs/2024-05-01_collapsed', 'output', /This tool's output/],
    ['a part of a split output', 'logs/2024-05-01_collapsed-0002', 'output', /This tool's output/],
    [
      'a manifest',
      'logs/_2024-05-01_collapsed.manifest.json',
      'manifest',
      /manifest of logs\/2024-05-01_collapsed:/,
    ],
    [
      'a key no layout knows',
      'logs/notes.txt',
      'unclaimed',
      /^No layout claims this key\. Never read, never deleted\.$/,
    ],
  ] as const;

  it.each(never)('%s', (_, key, kind, reason) => {
    const explanation = explainKey(key, { now: LATER });
    expect(explanation).toMatchObject({ key, kind, verdict: 'never' });
    expect(explanation.reason).toMatch(reason);
    expect(explanation.periods).toBeUndefined();
    expect(explanation.layout).toBeUndefined();
  });

  it('with a forced layout, names the layout that does claim the key', () => {
    const explanation = explainKey(ACCESS, { now: LATER, layouts: layoutsForChoice('cloudtrail') });
    expect(explanation).toMatchObject({
      kind: 'unclaimed',
      verdict: 'never',
      claimedBy: { id: 's3-access-simple' },
    });
  });
});

describe('explainKey: a key pattern', () => {
  const layout = keyPatternLayout('app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log');
  const key = 'app-logs/2024/05/01/web-1-1305.log';

  it('explains keys of the pattern with its periods and outputs', () => {
    const explanation = explainKey(key, { now: LATER, layouts: [layout] });
    expect(explanation).toMatchObject({
      kind: 'log',
      verdict: 'input',
      layout: { id: 'key-pattern', keyPattern: 'app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log' },
      series: { root: 'app-logs/' },
    });
    expect(explanation.periods?.filter(isAvailable).map((period) => period.outputKey)).toEqual([
      'app-logs/2024/05/01/2024-05-01-13_collapsed.log',
      'app-logs/2024/05/01/2024-05-01_collapsed.log',
      'app-logs/2024/05/2024-05_collapsed.log',
    ]);
  });

  it('a pattern without {HH}: by hour is not possible, and says why', () => {
    const daily = keyPatternLayout('app-logs/{yyyy}/{MM}/{dd}/*.log');
    const explanation = explainKey('app-logs/2024/05/01/web.log', { now: LATER, layouts: [daily] });
    expect(explanation.periods?.[0]).toEqual({
      by: 'hour',
      unavailable:
        '--key-pattern app-logs/{yyyy}/{MM}/{dd}/*.log has no {HH}: its keys cannot be collapsed by hour.',
    });
    expect(explanation.periods?.filter(isAvailable).map((period) => period.by)).toEqual(['day', 'month']);
  });
});
