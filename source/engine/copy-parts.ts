import { UploadPartCopyCommand, type CompletedPart, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, explainS3Error, httpStatus } from '../aws/s3-errors.js';
import { crc64ToBase64 } from './crc64-combine.js';
import { md5OfEtag } from './member-ranges.js';
import type { HeldStretch } from './output-chunk.js';
import { PeriodFailure } from './period-error.js';
import { ObjectChangedError, ObjectGoneError } from './read-object.js';

const MiB = 1024 * 1024;
/** S3's bounds on a part: every part but the last at least 5 MiB, none over 5 GiB, 10,000 in all. */
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;

/** Where the upload stands when a stretch of bytes that S3 already holds begins. */
export interface CopyMoment {
  readonly stretch: HeldStretch;
  /** Bytes already in the part being filled. */
  readonly filled: number;
  /** Parts cut before that one. */
  readonly parts: number;
  /** Bytes of the output before this stretch. */
  readonly before: number;
  readonly expectedSize: number;
  readonly partSize: number;
}

/**
 * Whether a stretch is copied on the server (UploadPartCopy) rather than sent, and if so how many of
 * its first bytes still go into the part being filled: a part that is not the last must hold 5 MiB,
 * so a part under that is topped up from the stretch's head before the copy begins. A stretch is
 * copied only when what remains after that is a part's worth (one request must save one), and only
 * while the parts it adds, with those the rest of the output needs, stay within S3's 10,000.
 * Undefined: send it.
 */
export function copyFill(moment: CopyMoment): number | undefined {
  const { stretch, filled, partSize } = moment;
  // Without an ETag nothing ties the copy to the bytes read.
  if (stretch.etag === '') return undefined;
  const fill = filled > 0 && filled < MIN_PART_BYTES ? MIN_PART_BYTES - filled : 0;
  const length = stretch.end - stretch.offset;
  if (length - fill < Math.max(partSize, MIN_PART_BYTES)) return undefined;
  const after = Math.max(0, moment.expectedSize - moment.before - length);
  const parts =
    moment.parts +
    (filled + fill > 0 ? 1 : 0) +
    copyPieces(stretch.offset + fill, stretch.end).length +
    Math.ceil(after / partSize) +
    1;
  return parts <= MAX_PARTS ? fill : undefined;
}

/** A copied stretch as parts of at most 5 GiB, of even size (so none falls under 5 MiB). */
export function copyPieces(start: number, end: number): Array<{ start: number; end: number }> {
  const count = Math.max(1, Math.ceil((end - start) / MAX_PART_BYTES));
  const size = Math.ceil((end - start) / count);
  const pieces: Array<{ start: number; end: number }> = [];
  for (let at = start; at < end; at += size) pieces.push({ start: at, end: Math.min(end, at + size) });
  return pieces;
}

/** What the bytes of a copied part hashed to as they were read. */
export interface ReadDigest {
  /** Hex MD5. */
  readonly md5: string;
  /** CRC64NVME, when the upload carries a full-object checksum. */
  readonly crc64nvme?: bigint | undefined;
}

export interface PartCopy {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly number: number;
  readonly from: {
    readonly key: string;
    readonly etag: string;
    readonly start: number;
    readonly end: number;
  };
  /** Resolves once every byte of the stretch was read, checked and hashed here. */
  readonly read: Promise<ReadDigest>;
  readonly signal?: AbortSignal | undefined;
}

/** A key in an x-amz-copy-source header: URL-encoded, its slashes kept. */
const copySourceOf = (bucket: string, key: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * Copies one stretch into a part on the server, If-Match the version that was read, and accepts the
 * part only when S3's answer shows it holds the bytes read here: its ETag is their MD5 (a part's ETag
 * is, unless the bucket encrypts with KMS), or its CRC64NVME is theirs (where the upload has one). The
 * copy starts at once, beside the reading of the same bytes, and a refused copy is reported at once:
 * the stretch it would have held may be gigabytes still to read.
 */
export async function copyPart(request: PartCopy): Promise<CompletedPart> {
  const { s3, bucket, key, from } = request;
  const copied = s3
    .send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: key,
        UploadId: request.uploadId,
        PartNumber: request.number,
        CopySource: copySourceOf(bucket, from.key),
        CopySourceIfMatch: from.etag,
        CopySourceRange: `bytes=${from.start}-${from.end - 1}`,
      }),
      { abortSignal: request.signal },
    )
    .catch((error: unknown) => {
      if (httpStatus(error) === 412 || errorCode(error) === 'PreconditionFailed')
        throw new ObjectChangedError(from.key);
      if (errorCode(error) === 'NoSuchKey') throw new ObjectGoneError(from.key);
      if (httpStatus(error) === 501 || errorCode(error) === 'NotImplemented') {
        throw new PeriodFailure({
          stage: 'upload',
          code: 'copy-unsupported',
          message: `The server does not copy parts (it answered ${httpStatus(error) ?? ''} ${errorCode(error)} to UploadPartCopy on s3://${bucket}/${key}); nothing was deleted.`,
          fix: 'Run again with --no-server-copy: every byte is then uploaded.',
        });
      }
      throw explainS3Error(error, { operation: 'UploadPartCopy', bucket, key });
    });
  // A failed read waits for the copy to settle: no copy is left running while the upload is aborted.
  // A failed copy needs no such wait, the read being only here.
  const [answer, read] = await Promise.all([
    copied,
    request.read.catch(async (error: unknown) => {
      await copied.catch(() => undefined);
      throw error;
    }),
  ]);
  const etag = answer.CopyPartResult?.ETag ?? '';
  const crc = answer.CopyPartResult?.ChecksumCRC64NVME;
  const same =
    md5OfEtag(etag) === read.md5 || (read.crc64nvme !== undefined && crc === crc64ToBase64(read.crc64nvme));
  if (!same) {
    throw new PeriodFailure({
      stage: 'upload',
      code: 'verification-failed',
      message: `S3 copied bytes ${from.start}–${from.end} of ${from.key} into part ${request.number} of ${key}, but its answer does not show them to be the bytes read (part ETag ${etag.replace(/"/g, '') || 'none'}, their MD5 ${read.md5}); nothing was deleted.`,
      fix: 'Run again; if it fails the same way, run with --no-server-copy.',
    });
  }
  return { PartNumber: request.number, ETag: answer.CopyPartResult?.ETag, ChecksumCRC64NVME: crc };
}
