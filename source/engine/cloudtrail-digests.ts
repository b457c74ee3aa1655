import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { z } from 'zod';
import type { Series } from '../layouts/types.js';
import { utcParts } from '../periods.js';
import { readWhole } from './read-object.js';
import { listPages } from './s3-objects.js';

/**
 * CloudTrail digest files, read (never written or deleted): each lists the log files CloudTrail
 * delivered in about an hour, with the SHA-256 of each one's *uncompressed* contents.
 *
 * Format and location, from the AWS CloudTrail User Guide, "CloudTrail digest file structure"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html):
 * - `<prefix>AWSLogs/[<org-id>/]<account>/CloudTrail-Digest/<region>/<digest-end YYYY/MM/DD>/
 *   <account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHmmssZ>.json.gz`, and
 *   `…_backfill.json.gz` for log files a late digest adds;
 * - `logFiles[]`: `s3Bucket`, `s3Object` (the log file's key), `hashValue` ("the hexadecimal encoded
 *   hash value of the uncompressed log file content"), `hashAlgorithm` (`SHA-256`).
 * Digests sit in the folder of the day their hour *ends*, so a log file delivered late in a day may be
 * listed in the next day's first digest. `aws cloudtrail validate-logs` needs the files where
 * CloudTrail put them (https://docs.aws.amazon.com/cli/latest/reference/cloudtrail/validate-logs.html);
 * checking a member against its digest entry is what proves an output still holds the signed logs.
 */

const digestSchema = z.object({
  logFiles: z.array(
    z.object({
      s3Object: z.string(),
      hashValue: z.string(),
      hashAlgorithm: z.string(),
    }),
  ),
});

/** One log file a digest vouches for: its key and the hex SHA-256 of its uncompressed bytes. */
export interface DigestEntry {
  readonly key: string;
  readonly sha256: string;
}

export type DigestParse =
  | { readonly ok: true; readonly entries: readonly DigestEntry[] }
  | { readonly ok: false; readonly reason: string };

/**
 * The entries of one digest document (its JSON text). Entries hashed with anything but SHA-256 are
 * left out: there is nothing to compare them with. Keyed by `s3Object` alone, not `s3Bucket`, so a
 * replicated bucket (whose digests name the source bucket) can still be checked.
 */
export function parseDigest(text: string): DigestParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not JSON' };
  }
  const result = digestSchema.safeParse(json);
  if (!result.success) return { ok: false, reason: 'it has no logFiles list' };
  const entries = result.data.logFiles
    .filter(
      (file) => file.hashAlgorithm.toUpperCase() === 'SHA-256' && /^[0-9a-f]{64}$/i.test(file.hashValue),
    )
    .map((file) => ({ key: file.s3Object, sha256: file.hashValue.toLowerCase() }));
  return { ok: true, entries };
}

/** `…/AWSLogs/<acct>/CloudTrail/<region>/` → `…/AWSLogs/<acct>/CloudTrail-Digest/<region>/`. */
export function digestBaseOf(series: Series): string {
  const match = /^(.*)CloudTrail\/([^/]+)\/$/.exec(series.base);
  if (!match) throw new Error(`${series.base} is not the base of a CloudTrail series.`);
  return `${match[1]}CloudTrail-Digest/${match[2]}/`;
}

const DAY_MS = 86_400_000;

/**
 * The listing prefixes of the digests that can list a period's log files: one per UTC day the period
 * touches, and the day after it (late deliveries land in its first digest).
 */
export function digestDayPrefixes(
  series: Series,
  period: { readonly start: Date; readonly end: Date },
): string[] {
  const base = digestBaseOf(series);
  const names = `${series.account ?? ''}_CloudTrail-Digest_${series.region ?? ''}_`;
  const first = Math.floor(period.start.getTime() / DAY_MS);
  const last = Math.floor((period.end.getTime() - 1) / DAY_MS) + 1;
  const prefixes: string[] = [];
  for (let day = first; day <= last; day += 1) {
    const { yyyy, mm, dd } = utcParts(new Date(day * DAY_MS));
    prefixes.push(`${base}${yyyy}/${mm}/${dd}/${names}`);
  }
  return prefixes;
}

/** A digest file that could not be used, and why. */
export interface DigestProblem {
  readonly key: string;
  readonly reason: string;
}

/** What the digests covering a period say. */
export interface DigestLookup {
  /** Log file key → hex SHA-256 of its uncompressed bytes. */
  readonly hashes: ReadonlyMap<string, string>;
  /** Digest files read. */
  readonly digests: number;
  readonly unreadable: readonly DigestProblem[];
}

interface DigestDay {
  readonly entries: readonly DigestEntry[];
  readonly digests: number;
  readonly unreadable: readonly DigestProblem[];
}

const gunzip = promisify(gunzipCallback);
const DIGEST_NAME = /_CloudTrail-Digest_[^/]+\.json\.gz$/;

async function digestText(bytes: Buffer): Promise<string> {
  // Stored gzipped; an object served already inflated (Content-Encoding) is read as it is.
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzip(bytes) : bytes;
  return plain.toString('utf8');
}

export interface DigestReadOptions {
  readonly signal?: AbortSignal | undefined;
  /** Digest files read at once. */
  readonly concurrency?: number | undefined;
}

/** Every digest listed under one day prefix, read and parsed. */
async function readDigestDay(
  s3: S3Client,
  bucket: string,
  prefix: string,
  options: DigestReadOptions,
): Promise<DigestDay> {
  const listed: Array<{ key: string; etag: string; size: number }> = [];
  for await (const page of listPages(s3, bucket, prefix, options.signal)) {
    for (const object of page) {
      if (object.Key && DIGEST_NAME.test(object.Key))
        listed.push({ key: object.Key, etag: object.ETag ?? '', size: object.Size ?? 0 });
    }
  }
  const parsed = await pMap(
    listed,
    async (version): Promise<DigestParse & { key: string }> => {
      try {
        const bytes = await readWhole(s3, bucket, version, { signal: options.signal });
        return { key: version.key, ...parseDigest(await digestText(bytes)) };
      } catch (error) {
        if (options.signal?.aborted) throw error;
        return {
          key: version.key,
          ok: false,
          reason: error instanceof Error ? error.message : String(error),
        };
      }
    },
    { concurrency: options.concurrency ?? 8, signal: options.signal },
  );
  return {
    entries: parsed.flatMap((one) => (one.ok ? one.entries : [])),
    digests: listed.length,
    unreadable: parsed.flatMap((one) => (one.ok ? [] : [{ key: one.key, reason: one.reason }])),
  };
}

/**
 * Reads the digests covering series and periods, each day folder once per index: neighbouring day
 * outputs share a day (the one after the first), and a run over a month reads each day once.
 */
export class DigestIndex {
  private readonly days = new Map<string, Promise<DigestDay>>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly options: DigestReadOptions = {},
  ) {}

  async lookup(series: Series, period: { readonly start: Date; readonly end: Date }): Promise<DigestLookup> {
    const days = await Promise.all(digestDayPrefixes(series, period).map((prefix) => this.day(prefix)));
    const hashes = new Map<string, string>();
    // A key listed twice (a digest and its backfill) keeps its first entry, in key order of the days.
    for (const day of days)
      for (const entry of day.entries) if (!hashes.has(entry.key)) hashes.set(entry.key, entry.sha256);
    return {
      hashes,
      digests: days.reduce((total, day) => total + day.digests, 0),
      unreadable: days.flatMap((day) => day.unreadable),
    };
  }

  private day(prefix: string): Promise<DigestDay> {
    let day = this.days.get(prefix);
    if (!day) {
      day = readDigestDay(this.s3, this.bucket, prefix, this.options);
      // A failed read is not remembered: the next lookup tries again.
      day.catch(() => this.days.delete(prefix));
      this.days.set(prefix, day);
    }
    return day;
  }
}
