import pMap from 'p-map';
import { utcParts, type Period } from '../periods.js';
import { childrenOfEach, WALK_CONCURRENCY } from './folder-walk.js';
import { ACCOUNT, childNames, fieldsOf, REGION, utcDate } from './key-pattern.js';
import type { KeyField, Layout, ListChildren, ParsedKey, Series } from './types.js';

// `<root>AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz`
// Digest (`CloudTrail-Digest/`) and Insights (`CloudTrail-Insight/`) files never match: their folder differs.
const KEY = new RegExp(
  String.raw`^(?<root>(?:[^]*/)?)(?<awslogs>AWSLogs/)(?:(?<org>o-[a-z0-9]{10,32})/)?(?<account>${ACCOUNT})/CloudTrail/(?<region>${REGION})/` +
    String.raw`(?<folder>\d{4}/\d{2}/\d{2}/)\k<account>_CloudTrail_\k<region>_(?<stamp>(?<Y>\d{4})(?<M>\d{2})(?<D>\d{2})T(?<h>\d{2})(?<m>\d{2})Z)_(?<unique>[0-9A-Za-z]{16})\.json\.gz$`,
);
const ORG = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_NAME = new RegExp(`^${ACCOUNT}$`);
const REGION_NAME = new RegExp(`^${REGION}$`);

interface TrailAccount {
  readonly org: string | undefined;
  readonly account: string;
  /** `<root>AWSLogs/[o-<org>/]<account>/` */
  readonly prefix: string;
}

function seriesOf(root: string, org: string | undefined, account: string, region: string): Series {
  const orgPart = org ? `${org}/` : '';
  return {
    layout: 'cloudtrail',
    root,
    base: `${root}AWSLogs/${orgPart}${account}/CloudTrail/${region}/`,
    label: `${org ? `${org} ` : ''}${account} ${region}`,
    account,
    region,
  };
}

/** `<account>_CloudTrail_<region>_` — the start of every file name in a series. */
const filePrefix = (series: Series): string => `${series.account}_CloudTrail_${series.region}_`;

export const cloudTrail: Layout = {
  id: 'cloudtrail',
  title: 'CloudTrail logs',
  writtenBy: 'CloudTrail delivers a gzipped JSON file about every 5 minutes per account and region.',
  extension: '.json.gz',
  encoding: 'gzip',
  pickSeries: true,

  parse(key: string): ParsedKey | undefined {
    const g = KEY.exec(key)?.groups;
    if (!g) return undefined;
    const { root = '', org, account = '', region = '', Y = '', M = '', D = '' } = g;
    if (g.folder !== `${Y}/${M}/${D}/`) return undefined;
    const instant = utcDate(Y, M, D, g.h, g.m);
    if (!instant) return undefined;
    const fields: KeyField[] = fieldsOf([
      ['prefix', root],
      ['literal', 'AWSLogs/'],
      ['org', org === undefined ? undefined : `${org}/`],
      ['account', account],
      ['literal', '/CloudTrail/'],
      ['region', region],
      ['literal', '/'],
      ['date', g.folder],
      ['literal', `${account}_CloudTrail_${region}_`],
      ['time', g.stamp],
      ['literal', '_'],
      ['unique', g.unique],
      ['literal', '.json.gz'],
    ]);
    return { series: seriesOf(root, org, account, region), time: instant, fields };
  },

  listingPrefix(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${series.base}${yyyy}/${mm}/`;
    const day = `${series.base}${yyyy}/${mm}/${dd}/${filePrefix(series)}${yyyy}${mm}${dd}T`;
    return period.by === 'day' ? day : `${day}${hh}`;
  },

  outputKey(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month')
      return `${series.base}${yyyy}/${mm}/${filePrefix(series)}${yyyy}${mm}_collapsed.json.gz`;
    const folder = `${series.base}${yyyy}/${mm}/${dd}/${filePrefix(series)}${yyyy}${mm}${dd}`;
    return period.by === 'day' ? `${folder}_collapsed.json.gz` : `${folder}T${hh}_collapsed.json.gz`;
  },

  async discoverSeries(root: string, listChildren: ListChildren): Promise<Series[]> {
    const awsLogs = `${root}AWSLogs/`;
    const top = childNames(await listChildren(awsLogs), awsLogs, /^[^/]+$/);
    // Accounts under AWSLogs/ and under each organization folder there, in the order listed.
    const accounts = (
      await pMap(
        top,
        async (name): Promise<TrailAccount[]> => {
          if (ACCOUNT_NAME.test(name))
            return [{ org: undefined, account: name, prefix: `${awsLogs}${name}/` }];
          if (!ORG.test(name)) return [];
          const orgPrefix = `${awsLogs}${name}/`;
          return childNames(await listChildren(orgPrefix), orgPrefix, ACCOUNT_NAME).map((account) => ({
            org: name,
            account,
            prefix: `${orgPrefix}${account}/`,
          }));
        },
        { concurrency: WALK_CONCURRENCY },
      )
    ).flat();
    const regions = await childrenOfEach(
      accounts,
      (one) => `${one.prefix}CloudTrail/`,
      REGION_NAME,
      listChildren,
    );
    return regions.map(({ parent, name }) => seriesOf(root, parent.org, parent.account, name));
  },
};
