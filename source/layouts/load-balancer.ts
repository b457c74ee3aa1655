import pMap from 'p-map';
import { utcParts, type Period } from '../periods.js';
import { dateFoldersToRead, idsAfterStem, PLAIN_DATE_FOLDERS } from './date-folders.js';
import { childrenOfEach, WALK_CONCURRENCY } from './folder-walk.js';
import { ACCOUNT, childNames, fieldsOf, MINUTE_STAMP, REGION, utcDate } from './key-pattern.js';
import type { KeyField, Layout, LayoutId, ListChildren, ParsedKey, Series } from './types.js';

// Elastic Load Balancing access logs, every kind of load balancer:
// `<root>AWSLogs/<account>/elasticloadbalancing/<region>/YYYY/MM/DD/<account>_elasticloadbalancing_<region>_<load balancer>_<end time>[_<node IP>]_<random>.<ext>`
// (NLB file names carry no node IP). The folder date is the day the file was delivered and the end
// time the interval's end; a file whose folder disagrees with its end time (delivered just after
// midnight?) is never an input: its day's listing never sees it, so it could not be collapsed whole.
// `AWSLogs/<account>/ELBAccessLogTestFile`, written when logging is enabled, has none of this shape.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html

export interface LoadBalancerKind {
  readonly id: Extract<LayoutId, 'elb' | 'elb-classic'>;
  readonly title: string;
  readonly writtenBy: string;
  /** The load balancer as a file name names it: a resource id with `/` turned to `.`, or a name. */
  readonly loadBalancer: string;
  /** Whether a node IP must come before the random string (ALB and Classic) or may (NLB). */
  readonly address: 'required' | 'optional';
  readonly extension: '.log.gz' | '.log';
  readonly encoding: 'gzip' | 'plain';
}

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
/** The system-generated random string: 8 lower-case letters and digits in every documented example. */
const RANDOM = '[0-9a-z]{8}';

/** `<account>_elasticloadbalancing_<region>_`: how every file name of a region folder starts. */
const regionStem = (account: string, region: string): string => `${account}_elasticloadbalancing_${region}_`;

const regionFolder = (root: string, account: string, region: string): string =>
  `${root}AWSLogs/${account}/elasticloadbalancing/${region}/`;

/** The base's region folder and file-name stem (`<account>_elasticloadbalancing_<region>_<lb>_`). */
function partsOf(series: Series): { folder: string; stem: string } {
  const slash = series.base.lastIndexOf('/') + 1;
  return { folder: series.base.slice(0, slash), stem: series.base.slice(slash) };
}

export function loadBalancerLayout(kind: LoadBalancerKind): Layout {
  const escapedExtension = kind.extension.replaceAll('.', '\\.');
  const address = `(?:_(?<address>${IPV4}))${kind.address === 'optional' ? '?' : ''}`;
  const KEY = new RegExp(
    String.raw`^(?<root>(?:[^]*/)?)AWSLogs/(?<account>${ACCOUNT})/elasticloadbalancing/(?<region>${REGION})/` +
      String.raw`(?<folder>(?<fY>\d{4})/(?<fM>\d{2})/(?<fD>\d{2})/)\k<account>_elasticloadbalancing_\k<region>_` +
      String.raw`(?<lb>${kind.loadBalancer})_${MINUTE_STAMP}${address}_(?<unique>${RANDOM})${escapedExtension}$`,
  );
  const LOAD_BALANCER = new RegExp(`^${kind.loadBalancer}$`);

  /**
   * The series is named only in file names: its base is the region folder followed by the file
   * names' stem up to the load balancer, unique per load balancer but no prefix of its keys (the
   * date folders come between), so its keys' common prefix is given apart.
   */
  function seriesOf(root: string, account: string, region: string, loadBalancer: string): Series {
    const folder = regionFolder(root, account, region);
    return {
      layout: kind.id,
      root,
      base: `${folder}${regionStem(account, region)}${loadBalancer}_`,
      keyPrefix: folder,
      label: `${account} ${region} ${loadBalancer}`,
      account,
      region,
    };
  }

  return {
    id: kind.id,
    title: kind.title,
    writtenBy: kind.writtenBy,
    extension: kind.extension,
    encoding: kind.encoding,
    pickSeries: true,

    parse(key: string): ParsedKey | undefined {
      const g = KEY.exec(key)?.groups;
      if (!g) return undefined;
      const { root = '', account = '', region = '', lb = '', Y = '', M = '', D = '' } = g;
      if (g.fY !== Y || g.fM !== M || g.fD !== D) return undefined;
      const instant = utcDate(Y, M, D, g.h, g.m);
      if (!instant) return undefined;
      const fields: KeyField[] = fieldsOf([
        ['prefix', root],
        ['literal', 'AWSLogs/'],
        ['account', account],
        ['literal', '/elasticloadbalancing/'],
        ['region', region],
        ['literal', '/'],
        ['date', g.folder],
        ['literal', regionStem(account, region)],
        ['resource', lb],
        ['literal', '_'],
        ['time', g.stamp],
        ['literal', g.address === undefined ? undefined : '_'],
        ['address', g.address],
        ['literal', '_'],
        ['unique', g.unique],
        ['literal', kind.extension],
      ]);
      return { series: seriesOf(root, account, region, lb), time: instant, fields };
    },

    listingPrefix(series: Series, period: Period): string {
      const { folder, stem } = partsOf(series);
      const { yyyy, mm, dd, hh } = utcParts(period.start);
      if (period.by === 'month') return `${folder}${yyyy}/${mm}/`;
      const day = `${folder}${yyyy}/${mm}/${dd}/${stem}${yyyy}${mm}${dd}T`;
      return period.by === 'day' ? day : `${day}${hh}`;
    },

    outputKey(series: Series, period: Period): string {
      const { folder, stem } = partsOf(series);
      const { yyyy, mm, dd, hh } = utcParts(period.start);
      if (period.by === 'month')
        return `${folder}${yyyy}/${mm}/${stem}${yyyy}${mm}_collapsed${kind.extension}`;
      const day = `${folder}${yyyy}/${mm}/${dd}/${stem}${yyyy}${mm}${dd}`;
      return period.by === 'day'
        ? `${day}_collapsed${kind.extension}`
        : `${day}T${hh}_collapsed${kind.extension}`;
    },

    async discoverSeries(
      root: string,
      listChildren: ListChildren,
      periods?: readonly Period[],
    ): Promise<Series[]> {
      const awsLogs = `${root}AWSLogs/`;
      const accounts = childNames(await listChildren(awsLogs), awsLogs, new RegExp(`^${ACCOUNT}$`));
      const regions = (
        await childrenOfEach(
          accounts,
          (account) => `${awsLogs}${account}/elasticloadbalancing/`,
          new RegExp(`^${REGION}$`),
          listChildren,
        )
      ).map(({ parent: account, name: region }) => ({ account, region }));
      const found = await pMap(
        regions,
        async ({ account, region }) => {
          const folder = regionFolder(root, account, region);
          const { months, days } = await dateFoldersToRead(folder, PLAIN_DATE_FOLDERS, listChildren, periods);
          const stem = regionStem(account, region);
          const ids = await idsAfterStem([...months, ...days], stem, LOAD_BALANCER, listChildren);
          return ids.map((id) => seriesOf(root, account, region, id));
        },
        { concurrency: WALK_CONCURRENCY },
      );
      const unique = new Map(found.flat().map((one) => [one.base, one]));
      return [...unique.values()].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    },
  };
}
