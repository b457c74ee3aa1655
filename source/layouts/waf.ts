import { utcParts, type Period } from '../periods.js';
import { childrenOfEach } from './folder-walk.js';
import { ACCOUNT, childNames, fieldsOf, MINUTE_STAMP, REGION, utcDate } from './key-pattern.js';
import type { Layout, ListChildren, ParsedKey, Series } from './types.js';

// AWS WAF logs delivered to S3:
// `<root>AWSLogs/<account>/WAFLogs/<region|cloudfront>/<web-acl-name>/YYYY/MM/dd/HH/mm/<account>_waflogs_<region>_<web-acl-name>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`
// (`cloudfront` stands for the region of a web ACL that protects CloudFront distributions). The
// hour and 5-minute folders repeat the file name's time: a key whose folders disagree is not one AWS
// wrote, and is left alone.
// https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html
const WAF_REGION = String.raw`(?:${REGION}|cloudfront)`;
/** Web ACL names: letters, digits, `-` and `_`, 1 to 128 characters (WAFv2 `Name`). */
const WEB_ACL = String.raw`[\w-]{1,128}`;
const KEY = new RegExp(
  String.raw`^(?<root>(?:[^]*/)?)AWSLogs/(?<account>${ACCOUNT})/WAFLogs/(?<region>${WAF_REGION})/(?<acl>${WEB_ACL})/` +
    String.raw`(?<day>\d{4}/\d{2}/\d{2}/)(?<clock>\d{2}/\d{2}/)\k<account>_waflogs_\k<region>_\k<acl>_` +
    String.raw`${MINUTE_STAMP}_(?<hash>[0-9a-f]{8})\.log\.gz$`,
);

function seriesOf(root: string, account: string, region: string, acl: string): Series {
  return {
    layout: 'waf',
    root,
    base: `${root}AWSLogs/${account}/WAFLogs/${region}/${acl}/`,
    label: `${account} ${region} ${acl}`,
    account,
    region,
  };
}

/** Everything after the last folder, up to the time: `<account>_waflogs_<region>_<web-acl>_`. */
function filePrefix(series: Series): string {
  const acl = series.base.slice(0, -1).split('/').at(-1)!;
  return `${series.account}_waflogs_${series.region}_${acl}_`;
}

export const waf: Layout = {
  id: 'waf',
  title: 'AWS WAF logs',
  writtenBy:
    'AWS WAF publishes a gzipped JSON-lines file per web ACL every 5 minutes (sooner when one reaches 75 MB), in hour and minute folders.',
  extension: '.log.gz',
  encoding: 'gzip',
  pickSeries: true,

  parse(key: string): ParsedKey | undefined {
    const g = KEY.exec(key)?.groups;
    if (!g) return undefined;
    const { root = '', account = '', region = '', acl = '', Y = '', M = '', D = '', h = '', m = '' } = g;
    if (g.day !== `${Y}/${M}/${D}/` || g.clock !== `${h}/${m}/`) return undefined;
    const instant = utcDate(Y, M, D, h, m);
    if (!instant) return undefined;
    return {
      series: seriesOf(root, account, region, acl),
      time: instant,
      fields: fieldsOf([
        ['prefix', root],
        ['literal', 'AWSLogs/'],
        ['account', account],
        ['literal', '/WAFLogs/'],
        ['region', region],
        ['literal', '/'],
        ['resource', acl],
        ['literal', '/'],
        ['date', g.day],
        ['time', g.clock],
        ['literal', `${account}_waflogs_${region}_${acl}_`],
        ['time', g.stamp],
        ['literal', '_'],
        ['unique', g.hash],
        ['literal', '.log.gz'],
      ]),
    };
  },

  listingPrefix(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}/${mm}/`;
    if (period.by === 'day') return `${series.base}${yyyy}/${mm}/${dd}/`;
    return `${series.base}${yyyy}/${mm}/${dd}/${hh}/`;
  },

  /** In the period's own folder: the month's, the day's (above its hour folders) or the hour's. */
  outputKey(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    const name = filePrefix(series);
    if (period.by === 'month') return `${series.base}${yyyy}/${mm}/${name}${yyyy}${mm}_collapsed.log.gz`;
    if (period.by === 'day')
      return `${series.base}${yyyy}/${mm}/${dd}/${name}${yyyy}${mm}${dd}_collapsed.log.gz`;
    return `${series.base}${yyyy}/${mm}/${dd}/${hh}/${name}${yyyy}${mm}${dd}T${hh}_collapsed.log.gz`;
  },

  /** Account, region and web ACL are all folders: three delimiter levels find every series. */
  async discoverSeries(root: string, listChildren: ListChildren): Promise<Series[]> {
    const awsLogs = `${root}AWSLogs/`;
    const accounts = childNames(await listChildren(awsLogs), awsLogs, new RegExp(`^${ACCOUNT}$`));
    const wafLogs = (account: string): string => `${awsLogs}${account}/WAFLogs/`;
    const regions = await childrenOfEach(accounts, wafLogs, new RegExp(`^${WAF_REGION}$`), listChildren);
    const acls = await childrenOfEach(
      regions,
      ({ parent: account, name: region }) => `${wafLogs(account)}${region}/`,
      new RegExp(`^${WEB_ACL}$`),
      listChildren,
    );
    return acls.map(({ parent: { parent: account, name: region }, name: acl }) =>
      seriesOf(root, account, region, acl),
    );
  },
};
