import pMap from 'p-map';
import { utcParts, type Period } from '../periods.js';
import { childrenOfEach, WALK_CONCURRENCY } from './folder-walk.js';
import { ACCOUNT, childNames, fieldsOf, REGION, utcDate } from './key-pattern.js';
import type { Layout, ListChildren, ParsedKey, Series } from './types.js';

// Amazon Redshift audit logs:
// `<root>AWSLogs/<account>/redshift/<region>/YYYY/MM/DD/<account>_redshift_<region>_<cluster>_<log type>_<YYYY-MM-DDTHH:MM>.gz`
// (yes, a colon in the key), log type one of connectionlog, userlog, useractivitylog; the prefix the
// owner gives is placed before `AWSLogs/`. At least one upload an hour per cluster and log type.
// https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html (Bucket structure for Amazon Redshift audit logging)
// https://docs.aws.amazon.com/redshift/latest/APIReference/API_EnableLogging.html (LogExports)
const LOG_TYPE = '(?:connectionlog|userlog|useractivitylog)';
/** Cluster identifiers: lower-case letters, digits and hyphens, a letter first, at most 63. */
const CLUSTER = '[a-z][a-z0-9-]{0,62}';
const KEY = new RegExp(
  String.raw`^(?<root>(?:[^]*/)?)AWSLogs/(?<account>${ACCOUNT})/redshift/(?<region>${REGION})/(?<folder>\d{4}/\d{2}/\d{2}/)` +
    String.raw`\k<account>_redshift_\k<region>_(?<cluster>${CLUSTER})_(?<logType>${LOG_TYPE})_` +
    String.raw`(?<date>(?<Y>\d{4})-(?<M>\d{2})-(?<D>\d{2}))T(?<clock>(?<h>\d{2}):(?<m>\d{2}))\.gz$`,
);

const regionPrefix = (root: string, account: string, region: string): string =>
  `${root}AWSLogs/${account}/redshift/${region}/`;

/** `<account>_redshift_<region>_`: how every file name of a region starts. */
const regionStem = (account: string, region: string): string => `${account}_redshift_${region}_`;

/**
 * The series is named only in the file names: its base is the region folder followed by the file
 * names' stem (`…/redshift/<region>/<account>_redshift_<region>_<cluster>_<log type>_`), which is
 * unique per series but not a prefix of its keys (the date folders come between).
 */
function seriesOf(root: string, account: string, region: string, cluster: string, logType: string): Series {
  const folder = regionPrefix(root, account, region);
  return {
    layout: 'redshift',
    root,
    base: `${folder}${regionStem(account, region)}${cluster}_${logType}_`,
    keyPrefix: folder,
    label: `${account} ${region} ${cluster} ${logType}`,
    account,
    region,
  };
}

/** `<account>_redshift_<region>_<cluster>_<log type>_`: the file names' stem, after the base's last `/`. */
const fileStem = (series: Series): string => series.base.slice(series.base.lastIndexOf('/') + 1);
/** The region folder: the base without the file names' stem. */
const folderOf = (series: Series): string => series.base.slice(0, series.base.lastIndexOf('/') + 1);

const TWO_DIGITS = /^\d{2}$/;
const WHOLE_CLUSTER = new RegExp(`^${CLUSTER}$`);
const WHOLE_LOG_TYPE = new RegExp(`^${LOG_TYPE}$`);

/**
 * The folders under a region whose file names can name a series: the days (and months, which hold
 * month outputs) the run's periods cover, or without periods every year, month and day folder.
 */
async function foldersToRead(
  region: string,
  listChildren: ListChildren,
  periods: readonly Period[] | undefined,
): Promise<string[]> {
  const days = new Set<string>();
  const months = new Set<string>();
  if (periods) {
    for (const period of periods) {
      const { yyyy, mm, dd } = utcParts(period.start);
      if (period.by === 'month') months.add(`${yyyy}/${mm}/`);
      else days.add(`${yyyy}/${mm}/${dd}/`);
    }
  } else {
    const years = childNames(await listChildren(region), region, /^\d{4}$/);
    for (const { parent: year, name: month } of await childrenOfEach(
      years,
      (year) => `${region}${year}/`,
      TWO_DIGITS,
      listChildren,
    ))
      months.add(`${year}/${month}/`);
  }
  for (const { parent: month, name: day } of await childrenOfEach(
    [...months],
    (month) => `${region}${month}`,
    TWO_DIGITS,
    listChildren,
  ))
    days.add(`${month}${day}/`);
  return [...months, ...days].map((folder) => `${region}${folder}`);
}

/** The cluster and log type pairs the file names in one folder name (two `_` listings deep). */
async function seriesInFolder(
  folder: string,
  stem: string,
  listChildren: ListChildren,
): Promise<Array<{ cluster: string; logType: string }>> {
  const clusters = (await listChildren(`${folder}${stem}`, '_')).flatMap((prefix) => {
    const cluster = WHOLE_CLUSTER.exec(prefix.slice(folder.length + stem.length, -1))?.[0];
    return cluster && prefix.endsWith('_') ? [{ cluster, prefix }] : [];
  });
  const found = await pMap(
    clusters,
    async ({ cluster, prefix }) =>
      (await listChildren(prefix, '_')).flatMap((typePrefix) => {
        const logType = WHOLE_LOG_TYPE.exec(typePrefix.slice(prefix.length, -1))?.[0];
        return logType && typePrefix.endsWith('_') ? [{ cluster, logType }] : [];
      }),
    { concurrency: WALK_CONCURRENCY },
  );
  return found.flat();
}

export const redshift: Layout = {
  id: 'redshift',
  title: 'Redshift audit logs',
  writtenBy:
    'Redshift uploads gzipped connection, user and user-activity logs per cluster at least once an hour (more often when busy), into one folder per day.',
  extension: '.gz',
  encoding: 'gzip',
  pickSeries: true,

  parse(key: string): ParsedKey | undefined {
    const g = KEY.exec(key)?.groups;
    if (!g) return undefined;
    const { root = '', account = '', region = '', cluster = '', logType = '', Y = '', M = '', D = '' } = g;
    if (g.folder !== `${Y}/${M}/${D}/`) return undefined;
    const instant = utcDate(Y, M, D, g.h, g.m);
    if (!instant) return undefined;
    return {
      series: seriesOf(root, account, region, cluster, logType),
      time: instant,
      fields: fieldsOf([
        ['prefix', root],
        ['literal', 'AWSLogs/'],
        ['account', account],
        ['literal', '/redshift/'],
        ['region', region],
        ['literal', '/'],
        ['date', g.folder],
        ['literal', regionStem(account, region)],
        ['resource', cluster],
        ['literal', '_'],
        ['logType', logType],
        ['literal', '_'],
        ['date', g.date],
        ['literal', 'T'],
        ['time', g.clock],
        ['literal', '.gz'],
      ]),
    };
  },

  listingPrefix(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    if (period.by === 'month') return `${folderOf(series)}${yyyy}/${mm}/`;
    const day = `${folderOf(series)}${yyyy}/${mm}/${dd}/${fileStem(series)}${yyyy}-${mm}-${dd}T`;
    return period.by === 'day' ? day : `${day}${hh}:`;
  },

  outputKey(series: Series, period: Period): string {
    const { yyyy, mm, dd, hh } = utcParts(period.start);
    const folder = folderOf(series);
    const stem = fileStem(series);
    if (period.by === 'month') return `${folder}${yyyy}/${mm}/${stem}${yyyy}-${mm}_collapsed.gz`;
    const day = `${folder}${yyyy}/${mm}/${dd}/${stem}${yyyy}-${mm}-${dd}`;
    // No colon in an output's name: `T13`, not `T13:00`.
    return period.by === 'day' ? `${day}_collapsed.gz` : `${day}T${hh}_collapsed.gz`;
  },

  async discoverSeries(
    root: string,
    listChildren: ListChildren,
    periods?: readonly Period[],
  ): Promise<Series[]> {
    const awsLogs = `${root}AWSLogs/`;
    const accounts = childNames(await listChildren(awsLogs), awsLogs, new RegExp(`^${ACCOUNT}$`));
    const regions = await childrenOfEach(
      accounts,
      (account) => `${awsLogs}${account}/redshift/`,
      new RegExp(`^${REGION}$`),
      listChildren,
    );
    // One stage at a time, each listing side by side: the folders of every region, then the series
    // each folder names (nesting them would put 8 × 8 × 8 listings in flight).
    const folders = await pMap(
      regions,
      async ({ parent: account, name: region }) =>
        (await foldersToRead(regionPrefix(root, account, region), listChildren, periods)).map((dated) => ({
          account,
          region,
          dated,
        })),
      { concurrency: WALK_CONCURRENCY },
    );
    const named = await pMap(
      folders.flat(),
      async ({ account, region, dated }) =>
        (await seriesInFolder(dated, regionStem(account, region), listChildren)).map(({ cluster, logType }) =>
          seriesOf(root, account, region, cluster, logType),
        ),
      { concurrency: WALK_CONCURRENCY },
    );
    const found = new Map(named.flat().map((one) => [one.base, one]));
    return [...found.values()].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  },
};
