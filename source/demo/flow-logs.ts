import { gzipSync } from 'node:zlib';
import { utcParts } from '../periods.js';
import { randomSource, type SeedObject } from './log-generator.js';

// Key shapes and the default (version 2) record format, header line first as S3 delivery writes it:
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html

export interface FlowLogOptions {
  readonly prefix: string;
  readonly account: string;
  readonly region: string;
  readonly flowLogIds: readonly string[];
  readonly days: readonly Date[];
  /** Files per flow log and day, on 5-minute windows through the day. */
  readonly filesPerDay: number;
  readonly seed: number;
  /** The Hive-compatible S3 prefixes option. */
  readonly hive?: boolean;
  /** The per-hour partitions option. */
  readonly hourFolders?: boolean;
}

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

const lowerHex = (random: () => number, length: number): string =>
  Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

function record(random: () => number, account: string, eni: string, start: Date): string {
  const begin = Math.floor(start.getTime() / 1000) + Math.floor(random() * 240);
  const accept = random() < 0.85;
  return [
    2,
    account,
    eni,
    `10.0.${Math.floor(random() * 4)}.${1 + Math.floor(random() * 250)}`,
    `172.31.16.${1 + Math.floor(random() * 250)}`,
    1024 + Math.floor(random() * 60000),
    [22, 443, 3306, 5432][Math.floor(random() * 4)],
    6,
    1 + Math.floor(random() * 40),
    60 + Math.floor(random() * 9000),
    begin,
    begin + 60,
    accept ? 'ACCEPT' : 'REJECT',
    'OK',
  ].join(' ');
}

/**
 * VPC Flow Logs text files (gzip, newline-terminated records), in the plain or Hive folder shape,
 * with or without hour folders; and, as a trap beside each flow log's first file, a Parquet file.
 */
export function flowLogObjects(options: FlowLogOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const { account, region } = options;
  const regionFolder = options.hive
    ? `${options.prefix}AWSLogs/aws-account-id=${account}/aws-service=vpcflowlogs/aws-region=${region}/`
    : `${options.prefix}AWSLogs/${account}/vpcflowlogs/${region}/`;
  const label = (name: string) => (options.hive ? `${name}=` : '');
  const objects: SeedObject[] = [];
  for (const flowLog of options.flowLogIds) {
    const eni = `eni-${lowerHex(random, 17)}`;
    for (const day of options.days) {
      for (let index = 0; index < options.filesPerDay; index += 1) {
        const start = new Date(day.getTime() + 300_000 * Math.floor((index * 288) / options.filesPerDay));
        const { yyyy, mm, dd, hh } = utcParts(start);
        const folder =
          `${regionFolder}${label('year')}${yyyy}/${label('month')}${mm}/${label('day')}${dd}/` +
          (options.hourFolders ? `${label('hour')}${hh}/` : '');
        const name = `${account}_vpcflowlogs_${region}_${flowLog}_${yyyy}${mm}${dd}T${hh}${String(start.getUTCMinutes()).padStart(2, '0')}Z_${lowerHex(random, 8)}`;
        const records = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
          record(random, account, eni, start),
        );
        objects.push({
          key: `${folder}${name}.log.gz`,
          body: gzipSync(`${HEADER}\n${records.join('\n')}\n`),
        });
        if (index === 0)
          objects.push({ key: `${folder}${name}.log.parquet`, body: Buffer.from('PAR1\0\0PAR1') });
      }
    }
  }
  return objects;
}
