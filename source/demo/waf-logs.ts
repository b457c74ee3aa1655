import { gzipSync } from 'node:zlib';
import { utcParts } from '../periods.js';
import { randomSource, type SeedObject } from './log-generator.js';

// AWS WAF logs in S3: gzipped JSON lines, one file per web ACL and 5-minute interval, in hour and
// minute folders. https://docs.aws.amazon.com/waf/latest/developerguide/logging-s3.html
// Record fields: https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html

const FIVE_MINUTES = 5 * 60_000;
const SLOTS_PER_DAY = 288;
const URIS = ['/', '/login', '/api/orders', '/wp-login.php', '/search'];
const COUNTRIES = ['US', 'DE', 'JP', 'BR', 'NL'];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const hex = (random: () => number, length: number): string =>
  Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

export interface WebAcl {
  readonly name: string;
  /** A region, or `cloudfront` for a web ACL of CloudFront distributions. */
  readonly region: string;
}

function record(random: () => number, account: string, acl: WebAcl, at: Date): string {
  const blocked = random() < 0.2;
  const scope = acl.region === 'cloudfront' ? 'global' : 'regional';
  const arnRegion = acl.region === 'cloudfront' ? 'us-east-1' : acl.region;
  return JSON.stringify({
    timestamp: at.getTime() + Math.floor(random() * FIVE_MINUTES),
    formatVersion: 1,
    webaclId: `arn:aws:wafv2:${arnRegion}:${account}:${scope}/webacl/${acl.name}/${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    terminatingRuleId: blocked ? 'AWS-AWSManagedRulesCommonRuleSet' : 'Default_Action',
    terminatingRuleType: blocked ? 'MANAGED_RULE_GROUP' : 'REGULAR',
    action: blocked ? 'BLOCK' : 'ALLOW',
    terminatingRuleMatchDetails: [],
    httpSourceName: acl.region === 'cloudfront' ? 'CF' : 'ALB',
    httpSourceId:
      acl.region === 'cloudfront' ? 'E2ABCDEF123456' : `${account}-app/demo-alb/${hex(random, 16)}`,
    ruleGroupList: [],
    rateBasedRuleList: [],
    nonTerminatingMatchingRules: [],
    httpRequest: {
      clientIp: `198.51.100.${1 + Math.floor(random() * 250)}`,
      country: pick(random, COUNTRIES),
      headers: [{ name: 'Host', value: 'www.example.com' }],
      uri: pick(random, URIS),
      args: '',
      httpVersion: 'HTTP/2.0',
      httpMethod: 'GET',
      requestId: hex(random, 32),
    },
  });
}

export interface WafLogOptions {
  readonly prefix: string;
  readonly account: string;
  readonly webAcls: readonly WebAcl[];
  readonly days: readonly Date[];
  /** Files per web ACL and day, each in one of the day's 288 five-minute intervals. */
  readonly filesPerDay: number;
  readonly seed: number;
}

/** Gzipped WAF log files, newline-terminated JSON records, each in its interval's folder. */
export function wafObjects(options: WafLogOptions): SeedObject[] {
  const random = randomSource(options.seed);
  const objects: SeedObject[] = [];
  for (const acl of options.webAcls) {
    for (const day of options.days) {
      for (let index = 0; index < options.filesPerDay; index += 1) {
        const slot = Math.floor(((index + random()) / options.filesPerDay) * SLOTS_PER_DAY);
        const at = new Date(day.getTime() + slot * FIVE_MINUTES);
        const { yyyy, mm, dd, hh } = utcParts(at);
        const mi = String(at.getUTCMinutes()).padStart(2, '0');
        const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
          record(random, options.account, acl, at),
        );
        const folder = `${options.prefix}AWSLogs/${options.account}/WAFLogs/${acl.region}/${acl.name}/${yyyy}/${mm}/${dd}/${hh}/${mi}/`;
        objects.push({
          key: `${folder}${options.account}_waflogs_${acl.region}_${acl.name}_${yyyy}${mm}${dd}T${hh}${mi}Z_${hex(random, 8)}.log.gz`,
          body: gzipSync(`${lines.join('\n')}\n`),
        });
      }
    }
  }
  return objects;
}
