import { gzipSync } from 'node:zlib';
import { utcParts } from '../periods.js';
import { randomSource, type SeedObject } from './log-generator.js';

// CloudFront standard logging (legacy): W3C extended format, tab-separated, two header lines, one file
// name per distribution and hour. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html
const FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
];
const HEADER = `#Version: 1.0\n#Fields: ${FIELDS.join(' ')}\n`;

const EDGES = ['LAX1', 'SEA19-C1', 'FRA56-P2', 'NRT57-C3', 'IAD89-C1'];
const OBJECTS = [
  ['/index.html', 'text/html'],
  ['/assets/app.js', 'application/javascript'],
  ['/assets/site.css', 'text/css'],
  ['/images/logo.png', 'image/png'],
  ['/favicon.ico', 'image/x-icon'],
] as const;
const RESULTS = ['Hit', 'Hit', 'Hit', 'Miss', 'RefreshHit'];
const AGENT = 'Mozilla/5.0%20(X11;%20Linux%20x86_64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)';
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

const chars = (random: () => number, alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** One request record: the 33 fields of the legacy format, in order. */
function record(random: () => number, domain: string, at: Date): string {
  const [stem, type] = pick(random, OBJECTS);
  const result = pick(random, RESULTS);
  const size = 200 + Math.floor(random() * 40_000);
  const taken = (random() / 10).toFixed(3);
  return [
    at.toISOString().slice(0, 10),
    at.toISOString().slice(11, 19),
    pick(random, EDGES),
    String(size + 350),
    `192.0.2.${1 + Math.floor(random() * 250)}`,
    'GET',
    domain,
    stem,
    '200',
    '-',
    AGENT,
    '-',
    '-',
    result,
    `${chars(random, ID_CHARS, 54)}==`,
    domain,
    'https',
    String(20 + Math.floor(random() * 400)),
    taken,
    '-',
    'TLSv1.3',
    'TLS_AES_128_GCM_SHA256',
    result,
    'HTTP/2.0',
    '-',
    '-',
    String(1024 + Math.floor(random() * 60_000)),
    taken,
    result,
    type,
    String(size),
    '-',
    '-',
  ].join('\t');
}

export interface CloudFrontLogOptions {
  /** The log prefix the owner chose: empty or ending in `/` (CloudFront adds the `/`). */
  readonly prefix: string;
  readonly distributions: readonly string[];
  readonly days: readonly Date[];
  readonly filesPerDay: number;
  readonly seed: number;
}

/** Gzipped CloudFront log files spread over each day, named by distribution and hour. */
export function cloudFrontObjects(options: CloudFrontLogOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const objects: SeedObject[] = [];
  for (const distribution of options.distributions) {
    const domain = `d${chars(random, '0123456789abcdef', 13)}.cloudfront.net`;
    for (const day of options.days) {
      for (let index = 0; index < options.filesPerDay; index += 1) {
        const at = new Date(
          day.getTime() + Math.floor(((index + random()) / options.filesPerDay) * 86_400_000),
        );
        const { yyyy, mm, dd, hh } = utcParts(at);
        const lines = Array.from({ length: 1 + Math.floor(random() * 8) }, () => record(random, domain, at));
        objects.push({
          key: `${options.prefix}${distribution}.${yyyy}-${mm}-${dd}-${hh}.${chars(random, '0123456789abcdef', 8)}.gz`,
          body: gzipSync(`${HEADER}${lines.join('\n')}\n`),
        });
      }
    }
  }
  return objects;
}
