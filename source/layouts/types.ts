import type { Period } from '../periods.js';

export type LayoutId =
  | 's3-access-simple'
  | 's3-access-partitioned'
  | 'cloudtrail'
  | 'elb'
  | 'elb-classic'
  | 'vpc-flow'
  | 'vpc-flow-hive'
  | 'cloudfront'
  | 'redshift'
  | 'waf'
  | 'key-pattern';

/** One labelled piece of a key; the pieces of a parsed key concatenate back to the key. */
export interface KeyField {
  readonly name:
    | 'prefix'
    | 'account'
    | 'region'
    | 'bucket'
    | 'date'
    | 'time'
    | 'unique'
    | 'literal'
    | 'org'
    /** What the series is of: a load balancer, flow log, cluster, web ACL or distribution id. */
    | 'resource'
    /** Redshift's connectionlog / userlog / useractivitylog. */
    | 'logType'
    /** The IP address of the node that wrote the file (load balancers). */
    | 'address'
    /** A Hive partition such as `aws-region=eu-west-1/` (the partition's name is in its text). */
    | 'partition'
    /** What a `*` or `**` of a `--key-pattern` matched. */
    | 'wildcard';
  readonly text: string;
}

/**
 * One stream of log objects with its own periods: the single prefix of simple S3 access logs, one
 * (account, region, source bucket) of partitioned ones, one (account, region) of a CloudTrail trail.
 */
export interface Series {
  readonly layout: LayoutId;
  /** What the user gives as `--prefix`: everything before the layout's own structure. */
  readonly root: string;
  /** Everything before the date part of a key; a stable id for the series. */
  readonly base: string;
  /**
   * The longest prefix every key of the series starts with, where `base` is not one (a series named
   * only in file names, below date folders): the run's per-prefix request gates are keyed by it.
   */
  readonly keyPrefix?: string;
  /**
   * The series' keys sit in hour folders below the day folder (VPC Flow Logs' per-hour partitions):
   * it changes where a period's keys are listed, not which series they belong to.
   */
  readonly hourFolders?: boolean;
  /** Short human name: `logs/`, `123456789012 eu-west-1`. */
  readonly label: string;
  readonly account?: string;
  readonly region?: string;
}

export interface ParsedKey {
  readonly series: Series;
  /** The instant the key's period is decided by (UTC). */
  readonly time: Date;
  readonly fields: readonly KeyField[];
}

/**
 * Lists the common prefixes one delimiter below a prefix (by default `/`: the child folders; `_` or
 * `.` find the resource ids in file names); injected so layouts stay free of I/O.
 */
export type ListChildren = (prefix: string, delimiter?: string) => Promise<string[]>;

export interface Layout {
  readonly id: LayoutId;
  readonly title: string;
  /** Who writes these objects and when: one line for the newcomer. */
  readonly writtenBy: string;
  /** Extension of inputs and outputs; Athena and Hive choose the codec from it. */
  readonly extension: string;
  /** How AWS writes these objects: every input of an output must be so (and the output is too). */
  readonly encoding: 'plain' | 'gzip';
  /**
   * The guided app asks which series to collapse: one bucket often holds the trails, load balancers or
   * distributions of several teams. Otherwise every series under the prefix is collapsed.
   */
  readonly pickSeries: boolean;
  /** The key if it fully matches an original log object of this layout, else undefined. */
  parse(key: string): ParsedKey | undefined;
  /** The narrowest prefix that lists every key of the period (and usually nothing else). */
  listingPrefix(series: Series, period: Period): string;
  /** Where the period's output goes by default: in the period's own folder, beside its inputs. */
  outputKey(series: Series, period: Period): string;
  /**
   * Every series under a root, found with delimiter listings (cheap: a few requests). Where the series
   * is named only in file names (a load balancer, a distribution), `periods` narrows the folders read
   * to the run's range; without it every date folder is read, so no series is ever missed.
   */
  discoverSeries(root: string, listChildren: ListChildren, periods?: readonly Period[]): Promise<Series[]>;
  /** The `--key-pattern` a user layout was built from: manifests record it so a later run can rebuild it. */
  readonly keyPattern?: string;
}
