// Multipart uploads as S3 keeps them. s3rver answers ListMultipartUploads with 501 and
// AbortMultipartUpload with 405, and an UploadPart on an unknown or aborted upload silently
// recreates its folder. Its uploads live in `<dir>/<bucket>/._S3rver_uploads/<uploadId>/`, holding
// the files `key` and `metadata` from the start, then `<partNumber>` and `<partNumber>.md5`.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyedLock, LockMode } from './keyed-lock.js';
import {
  ACCOUNT,
  isNotFound,
  noSuchBucket,
  pathTarget,
  noSuchUpload,
  queryValue,
  s3Error,
  type Controller,
  type FilesystemStore,
  type Middleware,
  type S3rverContext,
} from './s3rver-internals.js';

interface OpenUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
}

/** s3rver's upload IDs are 16 random bytes in hex; anything else (a path, say) names no upload. */
const UPLOAD_ID = /^[0-9a-f]+$/;

const uploadsFolder = (store: FilesystemStore, bucket: string): string =>
  store.getResourcePath(bucket, undefined, 'uploads');

/** The key an open upload will complete to, or undefined when there is no such upload. */
async function uploadKey(
  store: FilesystemStore,
  bucket: string,
  uploadId: string,
): Promise<string | undefined> {
  if (!UPLOAD_ID.test(uploadId)) return undefined;
  try {
    return await readFile(join(uploadsFolder(store, bucket), uploadId, 'key'), 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const uploadLockKey = (bucket: string, uploadId: string): string => `${bucket}/${uploadId}`;

/**
 * UploadPart, UploadPartCopy and CompleteMultipartUpload act only on an upload that is still open
 * for this key (else 404 NoSuchUpload, as S3). Parts hold the upload shared, so they still upload
 * concurrently; Complete and Abort hold it exclusive, so neither interleaves with the other or with
 * a part still being written.
 */
export function onOpenUpload(uploads: KeyedLock, mode: LockMode, controller: Controller): Controller {
  return async (ctx) => {
    const uploadId = queryValue(ctx.query.uploadId) ?? '';
    await uploads.with([{ key: uploadLockKey(ctx.params.bucket, uploadId), mode }], async () => {
      if ((await uploadKey(ctx.store, ctx.params.bucket, uploadId)) !== ctx.params.key)
        throw noSuchUpload(uploadId);
      await controller(ctx);
    });
  };
}

async function readOpenUploads(store: FilesystemStore, bucket: string): Promise<OpenUpload[]> {
  const folder = uploadsFolder(store, bucket);
  const uploadIds = await readdir(folder).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  const uploads = await Promise.all(
    uploadIds.map(async (uploadId): Promise<OpenUpload | undefined> => {
      try {
        const key = await uploadKey(store, bucket, uploadId);
        if (key === undefined) return undefined;
        const folderStat = await stat(join(folder, uploadId));
        // When the folder was created; filesystems without a birth time fall back to the `key`
        // file, written once when the upload was created.
        const initiated =
          folderStat.birthtimeMs > 0
            ? folderStat.birthtime
            : (await stat(join(folder, uploadId, 'key'))).mtime;
        return { key, uploadId, initiated };
      } catch (error) {
        if (isNotFound(error)) return undefined; // completed or aborted while we looked
        throw error;
      }
    }),
  );
  return uploads.filter((upload) => upload !== undefined);
}

/** S3's order: by key, then by when the upload was created. */
const byKeyThenInitiated = (a: OpenUpload, b: OpenUpload): number =>
  a.key < b.key
    ? -1
    : a.key > b.key
      ? 1
      : a.initiated.getTime() - b.initiated.getTime() || (a.uploadId < b.uploadId ? -1 : 1);

/** ListMultipartUploads: prefix, delimiter, key-marker / upload-id-marker and max-uploads. */
async function listMultipartUploads(ctx: S3rverContext, bucket: string): Promise<void> {
  if (!(await ctx.store.getBucket(bucket))) throw noSuchBucket(bucket);
  const prefix = queryValue(ctx.query.prefix) ?? '';
  const delimiter = queryValue(ctx.query.delimiter) ?? '';
  const keyMarker = queryValue(ctx.query['key-marker']) ?? '';
  const uploadIdMarker = queryValue(ctx.query['upload-id-marker']) ?? '';
  const maxUploadsParameter = queryValue(ctx.query['max-uploads']);
  const maxUploads = maxUploadsParameter === undefined ? 1000 : Number(maxUploadsParameter);
  if (!Number.isInteger(maxUploads) || maxUploads < 0) {
    throw s3Error('InvalidArgument', 'Argument max-uploads must be an integer between 0 and 2147483647', {
      ArgumentName: 'max-uploads',
      ArgumentValue: maxUploadsParameter ?? '',
    });
  }

  const sorted = (await readOpenUploads(ctx.store, bucket))
    .filter((upload) => upload.key.startsWith(prefix))
    .sort(byKeyThenInitiated);
  // With an upload-id-marker, the listing resumes after that upload of key-marker; without, after
  // every upload of key-marker.
  const markerIndex = sorted.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
  const remaining =
    keyMarker === ''
      ? sorted
      : uploadIdMarker !== '' && markerIndex >= 0
        ? sorted.slice(markerIndex + 1)
        : sorted.filter((u) => u.key > keyMarker);

  const uploads: OpenUpload[] = [];
  const commonPrefixes: string[] = [];
  let last: { key: string; uploadId: string } | undefined;
  let isTruncated = false;
  for (const upload of remaining) {
    const cut = delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut === -1 ? undefined : upload.key.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && commonPrefixes.at(-1) === commonPrefix) {
      last = upload;
      continue;
    }
    if (uploads.length + commonPrefixes.length >= maxUploads) {
      isTruncated = true;
      break;
    }
    if (commonPrefix !== undefined) commonPrefixes.push(commonPrefix);
    else uploads.push(upload);
    last = upload;
  }

  const owner = { ID: String(ACCOUNT.id), DisplayName: ACCOUNT.displayName };
  // A plain object: written out as XML by writeXmlOnce (s3-xml-body.ts), escaping every key.
  ctx.body = {
    ListMultipartUploadsResult: {
      '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
      Bucket: bucket,
      KeyMarker: keyMarker,
      UploadIdMarker: uploadIdMarker,
      ...(isTruncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.uploadId } : {}),
      ...(delimiter === '' ? {} : { Delimiter: delimiter }),
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: isTruncated,
      Upload: uploads.map((upload) => ({
        Key: upload.key,
        UploadId: upload.uploadId,
        Initiator: owner,
        Owner: owner,
        StorageClass: 'STANDARD',
        Initiated: upload.initiated.toISOString(),
      })),
      CommonPrefixes: commonPrefixes.map((commonPrefix) => ({ Prefix: commonPrefix })),
    },
  };
}

/** AbortMultipartUpload: removes the upload and every part (204), or 404 NoSuchUpload. */
async function abortMultipartUpload(
  ctx: S3rverContext,
  uploads: KeyedLock,
  bucket: string,
  key: string,
): Promise<void> {
  if (!(await ctx.store.getBucket(bucket))) throw noSuchBucket(bucket);
  const uploadId = queryValue(ctx.query.uploadId) ?? '';
  await uploads.with([{ key: uploadLockKey(bucket, uploadId), mode: 'exclusive' }], async () => {
    if ((await uploadKey(ctx.store, bucket, uploadId)) !== key) throw noSuchUpload(uploadId);
    await rm(join(uploadsFolder(ctx.store, bucket), uploadId), { recursive: true, force: true });
  });
  ctx.status = 204;
}

/**
 * The two routes s3rver's router refuses, answered before it sees them. Runs inside s3rver's
 * logger and error handler (a thrown S3 error becomes its `<Error>` answer) and writeXmlOnce; it
 * skips s3rver's signature check, which the local server runs in accept-anything mode anyway.
 */
export function multipartRoutes(uploads: KeyedLock): Middleware {
  return async (ctx, next) => {
    const target = pathTarget(ctx.path);
    if (target && ctx.method === 'GET' && 'uploads' in ctx.query && target.key === '') {
      return listMultipartUploads(ctx, target.bucket);
    }
    if (target && ctx.method === 'DELETE' && 'uploadId' in ctx.query && target.key !== '') {
      return abortMultipartUpload(ctx, uploads, target.bucket, target.key);
    }
    return next();
  };
}
