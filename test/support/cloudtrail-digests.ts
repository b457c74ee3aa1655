import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { SeedObject } from '../../source/demo/log-generator.js';
import { cloudTrail } from '../../source/layouts/cloudtrail.js';
import { utcParts } from '../../source/periods.js';

export interface DigestRequest {
  /** The bucket the digests name as `s3Bucket` / `digestS3Bucket`. */
  readonly bucket: string;
  readonly trail?: string;
  /** Log keys no digest lists (CloudTrail has not delivered their digest yet). */
  readonly omit?: readonly string[];
  /** Log keys listed with a hash that is not theirs (the log file was changed after delivery). */
  readonly wrong?: readonly string[];
}

const HOUR_MS = 3_600_000;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const stamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * Digest files as CloudTrail delivers them for the given log objects: one per account, region and
 * hour, ending 1 min 31 s after the hour the logs were delivered in, at
 * `…/CloudTrail-Digest/<region>/<digest-end date>/<acct>_CloudTrail-Digest_<region>_<trail>_<region>_<end>.json.gz`,
 * gzipped JSON whose `logFiles` hold each log's SHA-256 of its uncompressed bytes. Logs of a day's
 * last hour land in the next day's folder, as on AWS. Signatures are made up: nothing here checks them.
 */
export function digestObjects(logs: readonly SeedObject[], request: DigestRequest): SeedObject[] {
  const trail = request.trail ?? 'management-events';
  const omit = new Set(request.omit ?? []);
  const wrong = new Set(request.wrong ?? []);
  const groups = new Map<
    string,
    { base: string; account: string; region: string; end: Date; logs: SeedObject[] }
  >();
  for (const log of logs) {
    const parsed = cloudTrail.parse(log.key);
    if (!parsed || omit.has(log.key)) continue;
    const { series, time } = parsed;
    const end = new Date(Math.floor(time.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS + 91_000);
    const base = series.base.replace(/CloudTrail\/([^/]+)\/$/, 'CloudTrail-Digest/$1/');
    const id = `${base}|${end.toISOString()}`;
    const group = groups.get(id) ?? { base, account: series.account!, region: series.region!, end, logs: [] };
    group.logs.push(log);
    groups.set(id, group);
  }
  return [...groups.values()].map(({ base, account, region, end, logs: members }) => {
    const { yyyy, mm, dd } = utcParts(end);
    const key = `${base}${yyyy}/${mm}/${dd}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${stamp(end)}.json.gz`;
    const document = {
      awsAccountId: account,
      digestStartTime: new Date(end.getTime() - HOUR_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
      digestEndTime: end.toISOString().replace(/\.\d+Z$/, 'Z'),
      digestS3Bucket: request.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
      digestSignatureAlgorithm: 'SHA256withRSA',
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
      logFiles: members.map((log) => {
        const hash = sha256(gunzipSync(log.body));
        return {
          s3Bucket: request.bucket,
          s3Object: log.key,
          // A wrong hash: the right one with its first digit changed.
          hashValue: wrong.has(log.key) ? `${hash[0] === '0' ? '1' : '0'}${hash.slice(1)}` : hash,
          hashAlgorithm: 'SHA-256',
        };
      }),
    };
    return { key, body: gzipSync(JSON.stringify(document)) };
  });
}
