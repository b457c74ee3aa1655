import {
  AbortMultipartUploadCommand,
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
): Promise<string[]> {
  const children: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3
      .send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          Delimiter: '/',
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

const isNotFound = (error: unknown): boolean =>
  httpStatus(error) === 404 || ['NotFound', 'NoSuchKey'].includes(errorCode(error));

export interface HeadWithMetadata extends ObjectHead {
  readonly metadata: Record<string, string>;
}

export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<HeadWithMetadata | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return { etag: head.ETag ?? '', size: head.ContentLength ?? 0, metadata: head.Metadata ?? {} };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw explainS3Error(error, { operation: 'HeadObject', bucket, key });
  }
}

export async function getText(
  s3: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<string | null> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (isNotFound(error)) return null;
    throw explainS3Error(error, { operation: 'GetObject', bucket, key });
  }
}

export async function putText(
  s3: S3Client,
  bucket: string,
  key: string,
  text: string,
  extra: { expectedBucketOwner?: string | undefined } = {},
): Promise<void> {
  await s3
    .send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: text,
        ContentType: 'application/json',
        ExpectedBucketOwner: extra.expectedBucketOwner,
      }),
    )
    .catch((error: unknown) => {
      throw explainS3Error(error, { operation: 'PutObject', bucket, key });
    });
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
    throw explainS3Error(error, { operation: 'DeleteObject', bucket, key });
  });
}

/** Best effort: an upload already completed or aborted answers NoSuchUpload, which is what we want. */
export async function abortMultipartUpload(
  s3: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> {
  await s3
    .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
    .catch(() => undefined);
}
