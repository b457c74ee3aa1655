import { gzipSync } from 'node:zlib';
import { utcParts } from '../periods.js';
import { randomSource, type SeedObject } from './log-generator.js';

// Key shapes and record fields as documented:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html

export type LoadBalancerKind = 'application' | 'network' | 'classic';

export interface LoadBalancerLogOptions {
  readonly prefix: string;
  readonly account: string;
  readonly region: string;
  readonly loadBalancers: ReadonlyArray<{ readonly kind: LoadBalancerKind; readonly name: string }>;
  readonly days: readonly Date[];
  /** Files per load balancer and day, spread over its nodes and the day. */
  readonly filesPerDay: number;
  readonly seed: number;
}

const chars = (random: () => number, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const lowerHex = (random: () => number, length: number) => chars(random, '0123456789abcdef', length);
const randomString = (random: () => number) => chars(random, '0123456789abcdefghijklmnopqrstuvwxyz', 8);

const stamp = (date: Date): string => {
  const { yyyy, mm, dd, hh } = utcParts(date);
  return `${yyyy}${mm}${dd}T${hh}${String(date.getUTCMinutes()).padStart(2, '0')}Z`;
};
const iso = (date: Date): string => date.toISOString().replace('Z', '000Z');

const PATHS = ['/', '/api/orders', '/api/health', '/assets/app.js', '/login'];

function applicationLine(
  random: () => number,
  id: string,
  region: string,
  account: string,
  at: Date,
): string {
  const client = `198.51.100.${1 + Math.floor(random() * 250)}:${1024 + Math.floor(random() * 60000)}`;
  const target = `10.0.1.${1 + Math.floor(random() * 20)}:80`;
  const status = random() < 0.9 ? 200 : 502;
  const path = PATHS[Math.floor(random() * PATHS.length)]!;
  return (
    `https ${iso(at)} ${id} ${client} ${target} 0.000 0.00${Math.floor(random() * 9)} 0.000 ${status} ${status} ` +
    `${200 + Math.floor(random() * 900)} ${300 + Math.floor(random() * 9000)} "GET https://shop.example.com:443${path} HTTP/1.1" ` +
    `"Mozilla/5.0 (X11; Linux x86_64)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ` +
    `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/web/${lowerHex(random, 16)} ` +
    `"Root=1-${lowerHex(random, 8)}-${lowerHex(random, 24)}" "shop.example.com" "-" 0 ${iso(at)} "forward" "-" "-" "${target}" "${status}" "-" "-"`
  );
}

function networkLine(random: () => number, id: string, region: string, account: string, at: Date): string {
  return (
    `tls 2.0 ${at.toISOString().slice(0, 19)} ${id} ${lowerHex(random, 16)} ` +
    `198.51.100.${1 + Math.floor(random() * 250)}:${1024 + Math.floor(random() * 60000)} 10.0.2.10:443 ` +
    `${Math.floor(random() * 900)} ${Math.floor(random() * 50)} 98 246 - ` +
    `arn:aws:acm:${region}:${account}:certificate/${lowerHex(random, 8)}-aded-46b0-8493-${lowerHex(random, 12)} - ` +
    `ECDHE-RSA-AES128-SHA tlsv12 - api.example.com - - -`
  );
}

function classicLine(random: () => number, name: string, at: Date): string {
  const path = PATHS[Math.floor(random() * PATHS.length)]!;
  return (
    `${iso(at)} ${name} 198.51.100.${1 + Math.floor(random() * 250)}:${1024 + Math.floor(random() * 60000)} ` +
    `10.0.3.${1 + Math.floor(random() * 20)}:80 0.000073 0.001048 0.000057 200 200 0 29 ` +
    `"GET http://legacy.example.com:80${path} HTTP/1.1" "curl/8.5.0" - -`
  );
}

/**
 * Access log files of ALBs, NLBs and Classic Load Balancers (gzip, gzip, plain text; records end in
 * a newline), and the `ELBAccessLogTestFile` trap that enabling access logs writes.
 */
export function loadBalancerObjects(options: LoadBalancerLogOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const { account, region } = options;
  const folder = `${options.prefix}AWSLogs/${account}/elasticloadbalancing/${region}/`;
  const objects: SeedObject[] = [];
  for (const { kind, name } of options.loadBalancers) {
    const id =
      kind === 'classic' ? name : `${kind === 'application' ? 'app' : 'net'}.${name}.${lowerHex(random, 16)}`;
    const nodes = [`10.0.0.${10 + Math.floor(random() * 100)}`, `10.0.1.${10 + Math.floor(random() * 100)}`];
    // Classic load balancers publish every 60 minutes by default, the others every 5.
    const interval = kind === 'classic' ? 60 : 5;
    const slots = 1440 / interval - 1;
    for (const day of options.days) {
      const { yyyy, mm, dd } = utcParts(day);
      for (let index = 0; index < options.filesPerDay; index += 1) {
        // End times within the day: an interval ending at midnight belongs to the next day's folder.
        const end = new Date(
          day.getTime() + interval * 60_000 * (1 + Math.floor((index * slots) / options.filesPerDay)),
        );
        const node = nodes[index % nodes.length]!;
        const lines = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
          const at = new Date(end.getTime() - Math.floor(random() * interval * 60_000));
          if (kind === 'classic') return classicLine(random, name, at);
          const resource = id.replaceAll('.', '/');
          return kind === 'application'
            ? applicationLine(random, resource, region, account, at)
            : networkLine(random, resource, region, account, at);
        });
        const text = Buffer.from(`${lines.join('\n')}\n`);
        const address = kind === 'network' ? '' : `_${node}`;
        const extension = kind === 'classic' ? '.log' : '.log.gz';
        objects.push({
          key: `${folder}${yyyy}/${mm}/${dd}/${account}_elasticloadbalancing_${region}_${id}_${stamp(end)}${address}_${randomString(random)}${extension}`,
          body: kind === 'classic' ? text : gzipSync(text),
        });
      }
    }
  }
  objects.push({
    key: `${options.prefix}AWSLogs/${account}/ELBAccessLogTestFile`,
    body: Buffer.from(`Enable AccessLog for ELB: ${options.loadBalancers[0]?.name ?? 'lb'}\n`),
  });
  return objects;
}
