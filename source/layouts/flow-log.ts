import pMap from 'p-map';
import { utcParts, type Period } from '../periods.js';
import {
  dateFoldersToRead,
  dayFolder,
  hourFolder,
  HIVE_DATE_FOLDERS,
  idsAfterStem,
  monthFolder,
  PLAIN_DATE_FOLDERS,
  type DateFolderNames,
} from './date-folders.js';
import { childrenOfEach, WALK_CONCURRENCY } from './folder-walk.js';
import { ACCOUNT, childNames, fieldsOf, MINUTE_STAMP, REGION, utcDate } from './key-pattern.js';
import type { KeyField, Layout, ListChildren, ParsedKey, Series } from './types.js';

// VPC Flow Logs delivered to S3 (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html):
//   <root>AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/[HH/]<file>
//   <root>AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=YYYY/month=MM/day=DD/[hour=HH/]<file>
//   <file> = <account>_vpcflowlogs_<region>_<flow log id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz
// The `HH/` folder is the per-hour partition option; a flow log keeps it for life (changing it
// replaces the flow log), so it is a property of the series, not a series of its own. The stamp is
// the start of the file's 5-minute window. Parquet files (`.log.parquet`) are never inputs: a
// Parquet file cannot be concatenated. (An older revision of the page spells the Hive folder
// `service=vpcflowlogs`; delivered keys and the current page say `aws-service=`.)
//
// Outputs stay in their partition folder: by hour in the hour folder (the day folder without
// per-hour partitions), by day in the day folder, by month in the month folder. A table partitioned
// by hour reads only the hour folders, so collapse hourly-partitioned flow logs by hour to keep every
// record in such a table.

/** Flow log ids: `fl-` and 8 (older) or 17 hex digits. */
const FLOW_LOG_ID = 'fl-[0-9a-f]{8,17}';
const FLOW_LOG = new RegExp(`^${FLOW_LOG_ID}$`);

/** What tells the two folder shapes apart. */
interface FolderShape {
  readonly dates: DateFolderNames;
  /** The regex of everything from `AWSLogs/` to the date folders, with groups `account` and `region`. */
  readonly head: string;
  regionFolder(root: string, account: string, region: string): string;
  headFields(account: string, region: string): Array<readonly [KeyField['name'], string]>;
  /** Every (account, region) folder under `<root>AWSLogs/`. */
  regions(awsLogs: string, listChildren: ListChildren): Promise<Array<{ account: string; region: string }>>;
}

const PLAIN: FolderShape = {
  dates: PLAIN_DATE_FOLDERS,
  head: String.raw`AWSLogs/(?<account>${ACCOUNT})/vpcflowlogs/(?<region>${REGION})/`,
  regionFolder: (root, account, region) => `${root}AWSLogs/${account}/vpcflowlogs/${region}/`,
  headFields: (account, region) => [
    ['literal', 'AWSLogs/'],
    ['account', account],
    ['literal', '/vpcflowlogs/'],
    ['region', region],
    ['literal', '/'],
  ],
  async regions(awsLogs, listChildren) {
    const accounts = childNames(await listChildren(awsLogs), awsLogs, new RegExp(`^${ACCOUNT}$`));
    const regions = await childrenOfEach(
      accounts,
      (account) => `${awsLogs}${account}/vpcflowlogs/`,
      new RegExp(`^${REGION}$`),
      listChildren,
    );
    return regions.map(({ parent: account, name: region }) => ({ account, region }));
  },
};

const HIVE: FolderShape = {
  dates: HIVE_DATE_FOLDERS,
  head: String.raw`AWSLogs/aws-account-id=(?<account>${ACCOUNT})/aws-service=vpcflowlogs/aws-region=(?<region>${REGION})/`,
  regionFolder: (root, account, region) =>
    `${root}AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${region}/`,
  headFields: (account, region) => [
    ['literal', 'AWSLogs/'],
    ['partition', `aws-account-id=${account}/`],
    ['partition', 'aws-service=vpcflowlogs/'],
    ['partition', `aws-region=${region}/`],
  ],
  async regions(awsLogs, listChildren) {
    const accounts = childNames(
      await listChildren(awsLogs),
      awsLogs,
      new RegExp(`^aws-account-id=${ACCOUNT}$`),
    );
    const regions = await childrenOfEach(
      accounts,
      (folder) => `${awsLogs}${folder}/aws-service=vpcflowlogs/`,
      new RegExp(`^aws-region=${REGION}$`),
      listChildren,
    );
    return regions.map(({ parent: folder, name }) => ({
      account: folder.slice('aws-account-id='.length),
      region: name.slice('aws-region='.length),
    }));
  },
};

const fileStem = (account: string, region: string): string => `${account}_vpcflowlogs_${region}_`;

/** The base's region folder and file-name stem (`<account>_vpcflowlogs_<region>_<flow log id>_`). */
function partsOf(series: Series): { folder: string; stem: string } {
  const slash = series.base.lastIndexOf('/') + 1;
  return { folder: series.base.slice(0, slash), stem: series.base.slice(slash) };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function flowLogLayout(id: 'vpc-flow' | 'vpc-flow-hive', title: string, shape: FolderShape): Layout {
  const { dates } = shape;
  const hourLabel = escapeRegExp(dates.hour);
  const KEY = new RegExp(
    String.raw`^(?<root>(?:[^]*/)?)${shape.head}` +
      String.raw`(?<folder>${escapeRegExp(dates.year)}(?<fY>\d{4})/${escapeRegExp(dates.month)}(?<fM>\d{2})/${escapeRegExp(dates.day)}(?<fD>\d{2})/(?:${hourLabel}(?<fh>\d{2})/)?)` +
      String.raw`\k<account>_vpcflowlogs_\k<region>_(?<flowLog>${FLOW_LOG_ID})_${MINUTE_STAMP}_(?<hash>[0-9a-f]{8})\.log\.gz$`,
  );

  /**
   * Named only in file names: the base is the region folder followed by the file names' stem up to
   * the flow log id, unique per flow log but no prefix of its keys (date folders come between).
   */
  function seriesOf(root: string, account: string, region: string, flowLog: string, hourly: boolean): Series {
    const folder = shape.regionFolder(root, account, region);
    return {
      layout: id,
      root,
      base: `${folder}${fileStem(account, region)}${flowLog}_`,
      keyPrefix: folder,
      ...(hourly ? { hourFolders: true } : {}),
      label: `${account} ${region} ${flowLog}`,
      account,
      region,
    };
  }

  /** The day folder, and the hour folder inside it where the series has hour folders. */
  const folderOfHour = (series: Series, start: Date): string =>
    `${partsOf(series).folder}${dayFolder(dates, start)}${series.hourFolders ? hourFolder(dates, start) : ''}`;

  /**
   * (flow log, hour folders?) pairs under one day folder from a single listing with delimiter `T`:
   * accounts, regions, ids, hashes and partition names are lower case, so a key's first `T` is its
   * stamp's, and one common prefix stands for every file of a flow log in the day or in one hour.
   */
  async function flowLogsOfDay(day: string, stem: string, listChildren: ListChildren) {
    const shapeOfName = new RegExp(`^(?:${hourLabel}\\d{2}/)?${escapeRegExp(stem)}(${FLOW_LOG_ID})_\\d{8}T$`);
    const found: Array<{ flowLog: string; hourly: boolean }> = [];
    for (const prefix of await listChildren(day, 'T')) {
      const rest = prefix.slice(day.length);
      const flowLog = prefix.startsWith(day) ? shapeOfName.exec(rest)?.[1] : undefined;
      if (flowLog) found.push({ flowLog, hourly: !rest.startsWith(stem) });
    }
    return found;
  }

  return {
    id,
    title,
    writtenBy:
      'VPC Flow Logs delivers gzipped text files per flow log every 5 minutes (several at once when busy), per account and region.',
    extension: '.log.gz',
    encoding: 'gzip',
    pickSeries: true,

    parse(key: string): ParsedKey | undefined {
      const g = KEY.exec(key)?.groups;
      if (!g) return undefined;
      const { root = '', account = '', region = '', flowLog = '', Y = '', M = '', D = '', h = '' } = g;
      if (g.fY !== Y || g.fM !== M || g.fD !== D || (g.fh !== undefined && g.fh !== h)) return undefined;
      const instant = utcDate(Y, M, D, h, g.m);
      if (!instant) return undefined;
      const fields: KeyField[] = fieldsOf([
        ['prefix', root],
        ...shape.headFields(account, region),
        ['date', g.folder],
        ['literal', fileStem(account, region)],
        ['resource', flowLog],
        ['literal', '_'],
        ['time', g.stamp],
        ['literal', '_'],
        ['unique', g.hash],
        ['literal', '.log.gz'],
      ]);
      return { series: seriesOf(root, account, region, flowLog, g.fh !== undefined), time: instant, fields };
    },

    listingPrefix(series: Series, period: Period): string {
      const { folder, stem } = partsOf(series);
      const { yyyy, mm, dd, hh } = utcParts(period.start);
      if (period.by === 'month') return `${folder}${monthFolder(dates, period.start)}`;
      // With hour folders a day's keys share only the day folder.
      if (period.by === 'day' && series.hourFolders) return `${folder}${dayFolder(dates, period.start)}`;
      const day = `${folderOfHour(series, period.start)}${stem}${yyyy}${mm}${dd}T`;
      return period.by === 'day' ? day : `${day}${hh}`;
    },

    outputKey(series: Series, period: Period): string {
      const { folder, stem } = partsOf(series);
      const { yyyy, mm, dd, hh } = utcParts(period.start);
      if (period.by === 'month')
        return `${folder}${monthFolder(dates, period.start)}${stem}${yyyy}${mm}_collapsed.log.gz`;
      if (period.by === 'day')
        return `${folder}${dayFolder(dates, period.start)}${stem}${yyyy}${mm}${dd}_collapsed.log.gz`;
      return `${folderOfHour(series, period.start)}${stem}${yyyy}${mm}${dd}T${hh}_collapsed.log.gz`;
    },

    async discoverSeries(
      root: string,
      listChildren: ListChildren,
      periods?: readonly Period[],
    ): Promise<Series[]> {
      const regions = await shape.regions(`${root}AWSLogs/`, listChildren);
      const found = await pMap(
        regions,
        async ({ account, region }) => {
          const folder = shape.regionFolder(root, account, region);
          const stem = fileStem(account, region);
          const { months, days } = await dateFoldersToRead(folder, dates, listChildren, periods);
          // Inputs, by the day folders' `T` listing; outputs of days and months (no `T` after the
          // stem) by the stem's `_` listing, which also names flow logs without hour folders.
          const [named, perDay] = await Promise.all([
            idsAfterStem([...months, ...days], stem, FLOW_LOG, listChildren),
            pMap(days, (day) => flowLogsOfDay(day, stem, listChildren), { concurrency: WALK_CONCURRENCY }),
          ]);
          const hourly = new Map<string, boolean>(named.map((flowLog) => [flowLog, false]));
          for (const { flowLog, hourly: inHours } of perDay.flat())
            hourly.set(flowLog, (hourly.get(flowLog) ?? false) || inHours);
          return [...hourly].map(([flowLog, inHours]) => seriesOf(root, account, region, flowLog, inHours));
        },
        { concurrency: WALK_CONCURRENCY },
      );
      return found.flat().sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    },
  };
}

export const vpcFlowLayout = (): Layout => flowLogLayout('vpc-flow', 'VPC Flow Logs', PLAIN);
export const vpcFlowHiveLayout = (): Layout =>
  flowLogLayout('vpc-flow-hive', 'VPC Flow Logs, Hive-compatible folders', HIVE);
