import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { explainS3Error } from '../aws/s3-errors.js';
import { isUserError, messageOf, UserError } from '../errors.js';
import type { Manifest, ManifestMember } from './manifest.js';
import { md5OfEtag } from './member-ranges.js';
import { readWhole, type ObjectVersion } from './read-object.js';
import { headObject, type HeadWithMetadata } from './s3-objects.js';
import { isConditionFailure } from './write-condition.js';

/**
 * - `restored`: written (it was absent). `would-restore`: --dry-run, checked and not written.
 * - `identical`: the key already holds exactly these bytes; nothing written.
 * - `exists-different`: the key holds other bytes; left as it is, never overwritten.
 * - `bytes-wrong`: the output's range does not have the member's size or MD5; not written.
 * - `failed`: S3 refused or failed a request for it (detail says which); nothing written.
 */
export type RestoreStatus =
  'restored' | 'would-restore' | 'identical' | 'exists-different' | 'bytes-wrong' | 'failed';

export interface MemberRestore {
  /** The original's key, as the manifest records it. */
  readonly key: string;
  /** Where it is written: the key, or --to-prefix + the key. */
  readonly target: string;
  readonly size: number;
  readonly status: RestoreStatus;
  /** Whether the bytes were checked against the MD5 the original's ETag is. */
  readonly md5Checked: boolean;
  readonly detail?: string | undefined;
}

export interface RestoreRequest {
  readonly manifestKey: string;
  readonly manifest: Manifest;
  /** The members to write back, as manifest keys; all when absent. */
  readonly members?: readonly string[] | undefined;
  /** Written under `toPrefix + key` instead of the original key. */
  readonly toPrefix?: string | undefined;
  readonly dryRun: boolean;
  /** Members read and written at once; each is held in memory whole while it is checked and written. */
  readonly concurrency: number;
  /** False: single-part ETags are not taken for MD5s (SSE-KMS / SSE-C originals); sizes are still checked. */
  readonly checkMd5: boolean;
  readonly signal?: AbortSignal | undefined;
  readonly onMember?: ((result: MemberRestore) => void) | undefined;
}

/** The members asked for, in manifest order; a key the manifest does not hold is a UserError. */
export function chooseMembers(manifest: Manifest, keys: readonly string[] | undefined): ManifestMember[] {
  if (keys === undefined || keys.length === 0) return [...manifest.members];
  const known = new Set(manifest.members.map((member) => member.key));
  const unknown = keys.filter((key) => !known.has(key));
  if (unknown.length > 0) {
    const sample = manifest.members[0]?.key;
    throw new UserError(
      `--member ${unknown[0]} is not in this output's manifest${unknown.length > 1 ? ` (nor ${unknown.length - 1} more)` : ''}.`,
      `Give a member key exactly as the manifest lists it${sample ? `, e.g. --member ${sample}` : ''}.`,
    );
  }
  const wanted = new Set(keys);
  return manifest.members.filter((member) => wanted.has(member.key));
}

/** The output as it is now, checked to be the one the manifest describes before any range is read. */
async function outputVersion(s3: S3Client, bucket: string, request: RestoreRequest): Promise<ObjectVersion> {
  const { manifest, manifestKey } = request;
  if (manifest.state === 'pending')
    throw new UserError(
      `A run is replacing this output right now (${manifestKey} is pending).`,
      'Restore once that run has finished (s3collapse-tui verify shows when it is complete).',
    );
  const output = manifest.output;
  if (!output) throw new UserError(`${manifestKey} names no output.`, 'There is nothing to restore from.');
  const head = await headObject(s3, bucket, output.key, request.signal);
  if (!head)
    throw new UserError(
      `The output s3://${bucket}/${output.key} is gone; only its manifest is left.`,
      'Its members cannot be restored from it. Check the bucket versioning for an earlier version.',
    );
  if (head.size !== output.size)
    throw new UserError(
      `s3://${bucket}/${output.key} holds ${head.size} bytes; its manifest says ${output.size}.`,
      `It is not the output the manifest describes: see s3collapse-tui verify --bucket ${bucket}.`,
    );
  // Every range is read from this version (If-Match): a replacement mid-restore fails, never mixes.
  return { key: output.key, etag: head.etag, size: head.size };
}

const md5Hex = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

/** Does the key hold exactly these bytes? A matching ETag answers without a read. */
async function holds(
  s3: S3Client,
  bucket: string,
  key: string,
  found: HeadWithMetadata,
  member: ManifestMember,
  bytes: Buffer | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
  if (found.size !== member.size) return false;
  if (found.etag === member.etag) return true;
  if (!bytes) return false;
  if (md5OfEtag(found.etag) === md5Hex(bytes)) return true;
  const existing = await readWhole(s3, bucket, { key, etag: found.etag, size: found.size }, { signal });
  return existing.equals(bytes);
}

/** Reads one member's range, checks it, and writes it where nothing is (If-None-Match: *). */
async function restoreOne(
  s3: S3Client,
  bucket: string,
  output: ObjectVersion,
  member: ManifestMember,
  request: RestoreRequest,
): Promise<MemberRestore> {
  const { signal } = request;
  const target = `${request.toPrefix ?? ''}${member.key}`;
  const expectedMd5 = request.checkMd5 ? md5OfEtag(member.etag) : undefined;
  const result = (status: RestoreStatus, detail?: string): MemberRestore => ({
    key: member.key,
    target,
    size: member.size,
    status,
    md5Checked: expectedMd5 !== undefined,
    detail,
  });
  const existing = await headObject(s3, bucket, target, signal);
  // Still there, the very object the collapse read (the originals are deleted only after verify).
  if (existing && (await holds(s3, bucket, target, existing, member, undefined, signal)))
    return result('identical');

  const bytes =
    member.size === 0
      ? Buffer.alloc(0)
      : await readWhole(s3, bucket, output, {
          signal,
          range: { start: member.offset, end: member.offset + member.size },
        });
  if (bytes.length !== member.size)
    return result('bytes-wrong', `the output holds ${bytes.length} bytes at its offset, not ${member.size}`);
  if (expectedMd5 !== undefined && md5Hex(bytes) !== expectedMd5)
    return result('bytes-wrong', `its bytes in the output do not have the MD5 of its ETag ${member.etag}`);

  if (existing) {
    const same = await holds(s3, bucket, target, existing, member, bytes, signal);
    return same
      ? result('identical')
      : result('exists-different', 'the key holds other bytes; left as it is');
  }
  if (request.dryRun) return result('would-restore');
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: target,
        Body: bytes,
        ContentLength: bytes.length,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
        // Never over an existing key, even one written since the HeadObject above: S3 answers 412
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
        IfNoneMatch: '*',
      }),
      { abortSignal: signal },
    );
    return result('restored');
  } catch (error) {
    if (!isConditionFailure(error))
      throw explainS3Error(error, { operation: 'PutObject', bucket, key: target });
    const now = await headObject(s3, bucket, target, signal);
    const same = now !== null && (await holds(s3, bucket, target, now, member, bytes, signal));
    return same
      ? result('identical')
      : result('exists-different', 'the key was written by someone else during the restore; left as it is');
  }
}

/**
 * Writes members of an output back, byte-exactly, from their ranges of the output: each checked
 * against the manifest's size and (for single-part ETags) MD5 before it is written, and written only
 * where no object is (`If-None-Match: *`), so restore never overwrites anything. It deletes nothing
 * and does not change the output or its manifest.
 */
export async function restoreMembers(
  s3: S3Client,
  bucket: string,
  request: RestoreRequest,
): Promise<MemberRestore[]> {
  const members = chooseMembers(request.manifest, request.members);
  const output = await outputVersion(s3, bucket, request);
  return pMap(
    members,
    async (member) => {
      const restored = await restoreOne(s3, bucket, output, member, request).catch(
        (error: unknown): MemberRestore => {
          if (request.signal?.aborted) throw error;
          const explained = explainS3Error(error, { operation: 'GetObject', bucket, key: member.key });
          return {
            key: member.key,
            target: `${request.toPrefix ?? ''}${member.key}`,
            size: member.size,
            status: 'failed',
            md5Checked: false,
            detail:
              isUserError(explained) && explained.fix
                ? `${explained.message} ${explained.fix}`
                : messageOf(explained),
          };
        },
      );
      request.onMember?.(restored);
      return restored;
    },
    { concurrency: request.concurrency, signal: request.signal },
  );
}
