import { utcParts, type Period } from '../periods.js';
import { fieldsOf, utcDate } from './key-pattern.js';
import type { Layout, ListChildren, ParsedKey, Series } from './types.js';

// CloudFront standard logging (legacy): `<optional prefix>/<distribution ID>.YYYY-MM-DD-HH.unique-ID.gz`,
// hour in UTC; CloudFront appends the `/` to a prefix that lacks one, so the distribution id always
// starts a file name. The documented example's unique id has 11 characters (`RT4KCN4SGK9`), delivered
// files have 8 hex digits (`e519cdee`): both are accepted.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html#AccessLogsFileNaming
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
const DISTRIBUTION = String.raw`E[0-9A-Z]{8,20}`;
const KEY = new RegExp(
  String.raw`^(?<root>(?:[^]*/)?)(?<distribution>${DISTRIBUTION})\.(?<date>(?<Y>\d{4})-(?<M>\d{2})-(?<D>\d{2}))-(?<h>\d{2})\.(?<unique>[0-9A-Za-z]{8,16})\.gz$`,
);
/** A `<distribution>.` common prefix, as a listing with delimiter `.` returns it. */
const SERIES_PREFIX = new RegExp(`^(${DISTRIBUTION})\\.$`);

function seriesOf(root: string, distribution: string): Series {
  return { layout: 'cloudfront', root, base: `${root}${distribution}.`, label: `${root}${distribution}` };
}

export const cloudFront: Layout = {
  id: 'cloudfront',
  title: 'CloudFront standard logs',
  writtenBy:
    'CloudFront delivers gzipped files per distribution up to several times an hour, usually within an hour (sometimes a day late), named by the hour the requests happened.',
  extension: '.gz',
  encoding: 'gzip',
  pickSeries: true,

  parse(key: string): ParsedKey | undefined {
    const g = KEY.exec(key)?.groups;
    if (!g) return undefined;
    const { root = '', distribution = '', Y = '', M = '', D = '', h = '' } = g;
    const instant = utcDate(Y, M, D, h);
    if (!instant) return undefined;
    return {
      series: seriesOf(root, distribution),
      time: instant,
      fields: fieldsOf([
        ['prefix', root],
        ['resource', distribution],
        ['literal', '.'],
        ['date', g.date],
        ['literal', '-'],
        ['time', h],
        ['literal', '.'],
        ['unique', g.unique],
        ['literal', '.gz'],
      ]),
    };
  },

  listingPrefix(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}-${mm}-`;
    if (period.by === 'day') return `${series.base}${yyyy}-${mm}-${dd}-`;
    return `${series.base}${yyyy}-${mm}-${dd}-${hh}.`;
  },

  outputKey(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}-${mm}_collapsed.gz`;
    if (period.by === 'day') return `${series.base}${yyyy}-${mm}-${dd}_collapsed.gz`;
    return `${series.base}${yyyy}-${mm}-${dd}-${hh}_collapsed.gz`;
  },

  /** One listing with delimiter `.`: each distribution's files share the common prefix `<id>.`. */
  async discoverSeries(root: string, listChildren: ListChildren): Promise<Series[]> {
    const series: Series[] = [];
    for (const prefix of await listChildren(root, '.')) {
      if (!prefix.startsWith(root)) continue;
      const distribution = SERIES_PREFIX.exec(prefix.slice(root.length))?.[1];
      if (distribution) series.push(seriesOf(root, distribution));
    }
    return series;
  },
};
