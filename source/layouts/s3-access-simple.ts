import { utcParts, type Period } from '../periods.js';
import { fieldsOf, UNIQUE16, utcDate } from './key-pattern.js';
import type { Layout, ParsedKey, Series } from './types.js';

// `<root>YYYY-MM-DD-HH-MM-SS-<unique>`. The root is whatever target prefix the bucket owner chose.
const KEY = new RegExp(
  String.raw`^(?<root>[^]*?)(?<date>\d{4}-\d{2}-\d{2})-(?<time>\d{2}-\d{2}-\d{2})-(?<unique>${UNIQUE16})$`,
);
// A root ending in `<account>/<region>/<bucket>/YYYY/MM/DD/` is the date-partitioned layout, not this one.
const PARTITIONED_TAIL = /\d{12}\/[a-z]{2}(?:-[a-z]+)+-\d\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/$/;

export function s3AccessSimpleSeries(root: string): Series {
  return { layout: 's3-access-simple', root, base: root, label: root === '' ? '(bucket root)' : root };
}

export const s3AccessSimple: Layout = {
  id: 's3-access-simple',
  title: 'S3 server access logs, simple layout',
  writtenBy:
    'S3 delivers these best effort, every few seconds to hours after the request, one object per batch.',
  extension: '',
  encoding: 'plain',
  pickSeries: false,

  parse(key: string): ParsedKey | undefined {
    const groups = KEY.exec(key)?.groups;
    if (!groups) return undefined;
    const { root = '', date = '', time = '', unique } = groups;
    if (PARTITIONED_TAIL.test(root)) return undefined;
    const [yyyy = '', mm = '', dd = ''] = date.split('-');
    const [hh, mi, ss] = time.split('-');
    const instant = utcDate(yyyy, mm, dd, hh, mi, ss);
    if (!instant) return undefined;
    return {
      series: s3AccessSimpleSeries(root),
      time: instant,
      fields: fieldsOf([
        ['prefix', root],
        ['date', date],
        ['literal', '-'],
        ['time', time],
        ['literal', '-'],
        ['unique', unique],
      ]),
    };
  },

  listingPrefix(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}-${mm}-`;
    if (period.by === 'day') return `${series.base}${yyyy}-${mm}-${dd}-`;
    return `${series.base}${yyyy}-${mm}-${dd}-${hh}-`;
  },

  outputKey(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}-${mm}_collapsed`;
    if (period.by === 'day') return `${series.base}${yyyy}-${mm}-${dd}_collapsed`;
    return `${series.base}${yyyy}-${mm}-${dd}-${hh}_collapsed`;
  },

  async discoverSeries(root: string): Promise<Series[]> {
    return [s3AccessSimpleSeries(root)];
  },
};
