import { gzipSync } from 'node:zlib';
import { utcParts } from '../periods.js';
import { randomSource, type SeedObject } from './log-generator.js';

// Redshift audit logs: one gzipped file per cluster, log type and upload, named by the upload's minute.
// https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html
const LOG_TYPES = ['connectionlog', 'userlog', 'useractivitylog'] as const;
type LogType = (typeof LOG_TYPES)[number];

const USERS = ['analyst', 'etl_loader', 'dashboard', 'admin'];
const QUERIES = [
  'select count(*) from sales where saletime > getdate() - 7;',
  "copy events from 's3://demo-bucket/events/' iam_role default format as parquet;",
  'select eventname, sum(pricepaid) from sales join event using (eventid) group by 1 order by 2 desc limit 10;',
  'vacuum sort only sales;',
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: () => number, below: number): number => Math.floor(random() * below);

/** `Wed, 1 May 2024 13:05:02:123`: how the connection and user logs write a time. */
function logTime(at: Date): string {
  const clock = at.toISOString().slice(11, 23).replace('.', ':');
  return `${DAYS[at.getUTCDay()]}, ${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()} ${clock}`;
}

function line(random: () => number, type: LogType, at: Date): string {
  const user = pick(random, USERS);
  const pid = 1_073_000_000 + int(random, 900_000);
  if (type === 'useractivitylog') {
    const stamp = at.toISOString().replace(/\.\d+Z$/, 'Z');
    return `'${stamp} UTC [ db=dev user=${user} pid=${pid} userid=${100 + int(random, 20)} xid=${4_000_000 + int(random, 900_000)} ]' LOG: ${pick(random, QUERIES)}`;
  }
  if (type === 'userlog') {
    return `admin|100|t|f|f|f|t|alter|${user}|${100 + int(random, 20)}|f|f|f|f|${logTime(at)}|`;
  }
  const event = pick(random, ['authenticated', 'initiating session', 'disconnecting session']);
  return `${event} |${logTime(at)}|::ffff:10.0.${int(random, 250)}.${int(random, 250)} |${40_000 + int(random, 20_000)} |${pid}|dev |${user} |password |${int(random, 9000)}|TLSv1.2 |ECDHE-RSA-AES256-GCM-SHA384|0| | | |JDBC-2.1.0.26 |Linux 5.10 amd64 |Amazon Redshift JDBC Driver 2.1.0.26 | | | |`;
}

export interface RedshiftLogOptions {
  /** The S3 key prefix of the logging configuration: empty or ending in `/`. */
  readonly prefix: string;
  readonly account: string;
  readonly region: string;
  readonly clusters: readonly string[];
  readonly days: readonly Date[];
  /** Per cluster and log type; at most 1,440 (a file name holds the minute, nothing more). */
  readonly filesPerDay: number;
  readonly seed: number;
}

/** Gzipped audit log files, newline-terminated, each in the folder of its day. */
export function redshiftObjects(options: RedshiftLogOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const objects: SeedObject[] = [];
  // Each file gets its own minute of the day: two uploads in one minute would share a key.
  const slot = Math.max(1, Math.floor(1440 / options.filesPerDay));
  for (const cluster of options.clusters) {
    for (const type of LOG_TYPES) {
      for (const day of options.days) {
        const { yyyy, mm, dd } = utcParts(day);
        for (let index = 0; index < Math.min(options.filesPerDay, 1440); index += 1) {
          const minute = index * slot + int(random, slot);
          const at = new Date(day.getTime() + minute * 60_000 + int(random, 60_000));
          const { hh } = utcParts(at);
          const mi = String(at.getUTCMinutes()).padStart(2, '0');
          const lines = Array.from({ length: 1 + int(random, 6) }, () => line(random, type, at));
          objects.push({
            key:
              `${options.prefix}AWSLogs/${options.account}/redshift/${options.region}/${yyyy}/${mm}/${dd}/` +
              `${options.account}_redshift_${options.region}_${cluster}_${type}_${yyyy}-${mm}-${dd}T${hh}:${mi}.gz`,
            body: gzipSync(`${lines.join('\n')}\n`),
          });
        }
      }
    }
  }
  return objects;
}
