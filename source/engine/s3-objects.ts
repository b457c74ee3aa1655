import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type _Object,
  type S3Client,
} from '@aws-sdk/client-s3';
import { explainS3Error, httpStatus, errorCode } from '../aws/s3-errors.js';
import type { ObjectHead } from './types.js';
import type { ListChildren } from '../layouts/types.js';
import {
  AnotherRunError,
  conditionHeaders,
  isConditionFailure,
  type WriteCondition,
} from './write-condition.js';

/** Every object under a prefix, a page (≤1000) at a time, in key order. */
export async function* listPages(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<_Object[]> {
  let token: string | undefined;
  do {
    const page = await s3
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), {
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw explainS3Error(error, { operation: 'ListObjectsV2', bucket, key: prefix });
      });
    yield page.Contents ?? [];
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** The immediate child prefixes (`…/`) of a prefix. */
export async function listChildren(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
  delimiter = '/',
): Promise<string[]> {
  const children: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3
      .send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
        {
          abortSignal: signal,
        },
      )
      .catch((error: unknown) => {
        throw explainS3Error(error, { operation: 'ListObjectsV2', bucket, key: prefix });
      });
    for (const common of page.CommonPrefixes ?? []) if (common.Prefix) children.push(common.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return children;
}

/** How long a delimiter listing is reused: detection and planning ask for the same ones seconds apart. */
const CHILDREN_FRESH_MS = 60_000;
const childrenSeen = new WeakMap<S3Client, Map<string, { at: number; children: Promise<string[]> }>>();

/**
 * `listChildren` for one bucket, remembering each answer for a minute: finding a trail's series
 * takes a delimiter listing per level, and detection and the plan walk the same levels.
 */
export function childrenLister(s3: S3Client, bucket: string, signal?: AbortSignal): ListChildren {
  let seen = childrenSeen.get(s3);
  if (!seen) childrenSeen.set(s3, (seen = new Map()));
  const memo = seen;
  return (prefix, delimiter = '/') => {
    const key = `${bucket}\u0000${delimiter}\u0000${prefix}`;
    const known = memo.get(key);
    if (known && Date.now() - known.at < CHILDREN_FRESH_MS) return known.children;
    const children = listChildren(s3, bucket, prefix, signal, delimiter);
    memo.set(key, { at: Date.now(), children });
    // A failed listing is not remembered: the next caller asks S3 again.
    children.catch(() => memo.delete(key));
    return children;
  };
}

const isNotFound = (error: unknown): boolean =>
  httpStatus(error) === 404 || ['NotFound', 'NoSuchKey'].includes(errorCode(error));

export interface HeadWithMetadata extends ObjectHead {
  readonly metadata: Record<string, string>;
  /** The full-object CRC64NVME S3 computed, base64, where the server keeps one. */
  readonly crc64nvme?: string | undefined;
}

export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<HeadWithMetadata | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), {
      abortSignal: signal,
    });
    return {
      etag: head.ETag ?? '',
      size: head.ContentLength ?? 0,
      metadata: head.Metadata ?? {},
      crc64nvme: head.ChecksumCRC64NVME,
    };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw explainS3Error(error, { operation: 'HeadObject', bucket, key });
  }
}

/** A small object read whole, with what a later conditional write needs: its ETag. */
export interface TextObject {
  readonly text: string;
  readonly etag: string;
  readonly lastModified: Date;
}

export async function getText(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<TextObject | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return {
      text: (await object.Body?.transformToString('utf-8')) ?? '',
      etag: object.ETag ?? '',
      lastModified: object.LastModified ?? new Date(0),
    };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw explainS3Error(error, { operation: 'GetObject', bucket, key });
  }
}

/**
 * Writes a small text object only if the key holds what the condition says, and returns the new ETag.
 * A failed condition is an AnotherRunError. Not abortable: a write in flight settles, so the caller
 * always knows which state it left.
 */
export async function putTextIf(
  s3: S3Client,
  bucket: string,
  key: string,
  text: string,
  condition: WriteCondition,
  signal?: AbortSignal,
): Promise<string> {
  const body = Buffer.from(text, 'utf8');
  try {
    const answer = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ContentMD5: createHash('md5').update(body).digest('base64'),
        ...conditionHeaders(condition),
      }),
      { abortSignal: signal },
    );
    return answer.ETag ?? '';
  } catch (error) {
    if (isConditionFailure(error)) throw new AnotherRunError(key, 'manifest');
    throw explainS3Error(error, { operation: 'PutObject', bucket, key });
  }
}

/** Deletes a key only if it is still the object with this ETag (S3's conditional delete). */
export async function deleteObjectIf(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }), {
      abortSignal: signal,
    });
  } catch (error) {
    if (isConditionFailure(error)) throw new AnotherRunError(key, 'manifest');
    throw explainS3Error(error, { operation: 'DeleteObject', bucket, key });
  }
}

export interface OpenUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
}

/** The incomplete multipart uploads on exactly this key. */
export async function listUploads(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<OpenUpload[]> {
  const uploads: OpenUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3
      .send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: key,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
        { abortSignal: signal },
      )
      .catch((error: unknown) => {
        throw explainS3Error(error, { operation: 'ListMultipartUploads', bucket, key });
      });
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === key && upload.UploadId)
        uploads.push({ key, uploadId: upload.UploadId, initiated: upload.Initiated ?? new Date(0) });
    }
    if (!page.IsTruncated) return uploads;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/**
 * True once the upload can no longer complete: aborted now, or already gone (NoSuchUpload: completed
 * or aborted before). False when S3 could not be asked: the upload may still complete.
 */
export async function abortMultipartUpload(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), {
      abortSignal: signal,
    });
    return true;
  } catch (error) {
    return errorCode(error) === 'NoSuchUpload' || httpStatus(error) === 404;
  }
}
