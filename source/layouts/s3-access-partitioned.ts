import { utcParts, type Period } from '../periods.js';
import { childrenOfEach } from './folder-walk.js';
import { ACCOUNT, childNames, fieldsOf, REGION, UNIQUE16, utcDate } from './key-pattern.js';
import type { Layout, ListChildren, ParsedKey, Series } from './types.js';

// `<root><account>/<region>/<source bucket>/YYYY/MM/DD/YYYY-MM-DD-HH-MM-SS-<unique>`
const KEY = new RegExp(
  String.raw`^(?<root>[^]*?)(?<account>${ACCOUNT})/(?<region>${REGION})/(?<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/` +
    String.raw`(?<folder>(?<Y>\d{4})/(?<M>\d{2})/(?<D>\d{2})/)(?<date>\d{4}-\d{2}-\d{2})-(?<time>\d{2}-\d{2}-\d{2})-(?<unique>${UNIQUE16})$`,
);

function seriesOf(root: string, account: string, region: string, bucket: string): Series {
  return {
    layout: 's3-access-partitioned',
    root,
    base: `${root}${account}/${region}/${bucket}/`,
    label: `${account} ${region} ${bucket}`,
    account,
    region,
  };
}

export const s3AccessPartitioned: Layout = {
  id: 's3-access-partitioned',
  title: 'S3 server access logs, date-partitioned layout',
  writtenBy:
    'S3 delivers these best effort, every few seconds to hours after the request, into one folder per day.',
  extension: '',
  encoding: 'plain',
  pickSeries: false,

  parse(key: string): ParsedKey | undefined {
    const g = KEY.exec(key)?.groups;
    if (!g) return undefined;
    const { root = '', account = '', region = '', bucket = '', Y = '', M = '', D = '' } = g;
    const [hh, mi, ss] = (g.time ?? '').split('-');
    // The folder decides the day (it is what the listing prefix walks); the file name gives the time.
    const instant = utcDate(Y, M, D, hh, mi, ss);
    if (!instant) return undefined;
    return {
      series: seriesOf(root, account, region, bucket),
      time: instant,
      fields: fieldsOf([
        ['prefix', root],
        ['account', account],
        ['literal', '/'],
        ['region', region],
        ['literal', '/'],
        ['bucket', bucket],
        ['literal', '/'],
        ['date', g.folder],
        ['date', g.date],
        ['literal', '-'],
        ['time', g.time],
        ['literal', '-'],
        ['unique', g.unique],
      ]),
    };
  },

  listingPrefix(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}/${mm}/`;
    if (period.by === 'day') return `${series.base}${yyyy}/${mm}/${dd}/`;
    return `${series.base}${yyyy}/${mm}/${dd}/${yyyy}-${mm}-${dd}-${hh}-`;
  },

  outputKey(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}/${mm}/${yyyy}-${mm}_collapsed`;
    if (period.by === 'day') return `${series.base}${yyyy}/${mm}/${dd}/${yyyy}-${mm}-${dd}_collapsed`;
    return `${series.base}${yyyy}/${mm}/${dd}/${yyyy}-${mm}-${dd}-${hh}_collapsed`;
  },

  async discoverSeries(root: string, listChildren: ListChildren): Promise<Series[]> {
    const accounts = childNames(await listChildren(root), root, new RegExp(`^${ACCOUNT}$`));
    const regions = await childrenOfEach(
      accounts,
      (account) => `${root}${account}/`,
      new RegExp(`^${REGION}$`),
      listChildren,
    );
    const buckets = await childrenOfEach(
      regions,
      ({ parent: account, name: region }) => `${root}${account}/${region}/`,
      /^[a-z0-9.-]{3,63}$/,
      listChildren,
    );
    return buckets.map(({ parent: { parent: account, name: region }, name: bucket }) =>
      seriesOf(root, account, region, bucket),
    );
  },
};
