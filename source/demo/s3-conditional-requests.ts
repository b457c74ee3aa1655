// S3's conditional requests, which s3rver ignores (it only knows If-None-Match on GET): each check
// runs under the key's lock together with the commit, delete or file open it guards, so
// check-then-act is atomic, as on S3.
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { KeyedLock, LockRequest } from './keyed-lock.js';
import { committingAfter } from './s3-atomic-store.js';
import {
  headerValue,
  isNotFound,
  noSuchKey,
  preconditionFailed,
  s3Error,
  type Controller,
  type FilesystemStore,
  type RoutedContext,
} from './s3rver-internals.js';

interface ObjectName {
  readonly bucket: string;
  readonly key: string;
}

/** Bucket names hold no `/`, so this names one object unambiguously. */
export const objectLockKey = ({ bucket, key }: ObjectName): string => `${bucket}/${key}`;

/** The object's ETag as stored (quoted), or undefined when the key holds no object. */
export async function currentEtag(
  store: FilesystemStore,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  // The MD5 file beside the object is its ETag: one read, where s3rver's getMetadata takes a stat
  // and two (writes and deletes change both under the key's exclusive lock).
  try {
    return JSON.stringify((await readFile(store.getResourcePath(bucket, key, 'object.md5'))).toString());
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  // s3rver writes the MD5 file lazily for objects it did not store itself.
  try {
    return (await store.getMetadata(bucket, key)).etag;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const unquote = (etag: string): string =>
  etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

/** An If-Match style list (`*`, or ETags with or without quotes, comma-separated) against one ETag. */
export function matchesEtag(condition: string, etag: string): boolean {
  return condition
    .split(',')
    .some((candidate) => candidate.trim() === '*' || unquote(candidate) === unquote(etag));
}

const notImplemented = (header: string): Error =>
  s3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', {
    Header: header,
  });

/**
 * PutObject, CopyObject and CompleteMultipartUpload: `If-None-Match: *` fails with 412 when the
 * key holds an object; `If-Match: <etag>` fails with 412 when its ETag differs and with 404
 * NoSuchKey when there is none (S3 User Guide, "Conditional write behavior"). S3 takes only `*` in
 * If-None-Match, only an ETag in If-Match, and not both at once: anything else is 501.
 */
function checkWriteConditions(headers: IncomingHttpHeaders, key: string, current: string | undefined): void {
  const ifMatch = headerValue(headers, 'if-match');
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  if (ifMatch !== undefined && ifNoneMatch !== undefined) throw notImplemented('If-Match,If-None-Match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw notImplemented('If-None-Match');
    if (current !== undefined) throw preconditionFailed('If-None-Match');
  }
  if (ifMatch !== undefined) {
    if (ifMatch.trim() === '*') throw notImplemented('If-Match');
    if (current === undefined) throw noSuchKey(key);
    if (!matchesEtag(ifMatch, current)) throw preconditionFailed('If-Match');
  }
}

const hasWriteConditions = (headers: IncomingHttpHeaders): boolean =>
  headers['if-match'] !== undefined || headers['if-none-match'] !== undefined;

/**
 * The source of a CopyObject / UploadPartCopy. S3 URL-decodes the header whole (`%3D` is `=`, `%2B`
 * is `+`); s3rver's controllers use decodeURI, which leaves reserved characters encoded and so looks
 * for another key. The header is decoded here as S3 does, and `asS3rverReads` rewrites it so that
 * s3rver's decodeURI arrives at the same key.
 */
function copySource(headers: IncomingHttpHeaders): ObjectName | undefined {
  const header = headerValue(headers, 'x-amz-copy-source');
  if (header === undefined) return undefined;
  let source: string;
  try {
    source = decodeURIComponent(header);
  } catch {
    return undefined;
  }
  const [bucket = '', ...key] = (source.startsWith('/') ? source.slice(1) : source).split('/');
  return { bucket, key: key.join('/') };
}

/** The copy-source header that s3rver's decodeURI turns into `source`'s key. */
function asS3rverReads(ctx: RoutedContext, source: ObjectName): void {
  ctx.headers['x-amz-copy-source'] = encodeURI(`${source.bucket}/${source.key}`);
}

/** x-amz-copy-source-if-match / -if-none-match: 412 when the source is not the object the caller expects. */
async function checkCopySourceConditions(ctx: RoutedContext, source: ObjectName): Promise<void> {
  const ifMatch = headerValue(ctx.headers, 'x-amz-copy-source-if-match');
  const ifNoneMatch = headerValue(ctx.headers, 'x-amz-copy-source-if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return;
  // A missing source: s3rver's own NoSuchBucket / NoSuchKey answer follows.
  const etag = await currentEtag(ctx.store, source.bucket, source.key);
  if (etag === undefined) return;
  if (ifMatch !== undefined && !matchesEtag(ifMatch, etag))
    throw preconditionFailed('x-amz-copy-source-If-Match');
  if (ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, etag))
    throw preconditionFailed('x-amz-copy-source-If-None-Match');
}

/**
 * PutObject and CompleteMultipartUpload: once the new object is whole (its body streamed to a
 * temporary file, s3-atomic-store.ts), the key is locked, the conditions checked, and the object
 * and its metadata put in place before the lock is freed. So of two `If-None-Match: *` writes
 * exactly one succeeds, and a reader never sees new bytes with the old ETag.
 */
export function conditionalWrite(objects: KeyedLock, controller: Controller): Controller {
  return async (ctx) => {
    let release = (): void => {};
    try {
      await committingAfter(
        async () => {
          release = await objects.hold([{ key: objectLockKey(ctx.params), mode: 'exclusive' }]);
          if (hasWriteConditions(ctx.headers)) {
            const current = await currentEtag(ctx.store, ctx.params.bucket, ctx.params.key);
            checkWriteConditions(ctx.headers, ctx.params.key, current);
          }
        },
        () => controller(ctx),
      );
    } finally {
      release();
    }
  };
}

/**
 * CopyObject: a conditional write on the destination, and a read of the source that must not
 * interleave with a write to it (s3rver copies the bytes, then the ETag, in separate steps).
 */
export function conditionalCopy(objects: KeyedLock, controller: Controller): Controller {
  return (ctx) => {
    const source = copySource(ctx.headers);
    const locks: LockRequest[] = [{ key: objectLockKey(ctx.params), mode: 'exclusive' }];
    if (source) locks.push({ key: objectLockKey(source), mode: 'shared' });
    return objects.with(locks, async () => {
      if (source) {
        await checkCopySourceConditions(ctx, source);
        asS3rverReads(ctx, source);
      }
      if (hasWriteConditions(ctx.headers)) {
        checkWriteConditions(
          ctx.headers,
          ctx.params.key,
          await currentEtag(ctx.store, ctx.params.bucket, ctx.params.key),
        );
      }
      await controller(ctx);
    });
  };
}

/** UploadPartCopy: reads its source under the source's lock, honouring the copy-source conditions. */
export function conditionalCopySource(objects: KeyedLock, controller: Controller): Controller {
  return async (ctx) => {
    const source = copySource(ctx.headers);
    if (!source) return controller(ctx);
    await objects.with([{ key: objectLockKey(source), mode: 'shared' }], async () => {
      await checkCopySourceConditions(ctx, source);
      asS3rverReads(ctx, source);
      await controller(ctx);
    });
  };
}

/**
 * GetObject / HeadObject: `If-Match` answers 412 when the ETag differs (s3rver ignores it; its own
 * If-None-Match → 304 stays). Every read holds the key shared until s3rver has opened the file, so
 * the ETag it answers with always belongs to the bytes it streams; the stream itself runs unlocked
 * (an open file survives the rename of a newer version over it). The condition is checked against
 * the ETag s3rver read for its answer, so it costs no read of its own.
 */
export function conditionalRead(objects: KeyedLock, controller: Controller): Controller {
  return (ctx) =>
    objects.with([{ key: objectLockKey(ctx.params), mode: 'shared' }], async () => {
      // A missing key: s3rver's own NoSuchKey answer comes out of the controller.
      await controller(ctx);
      const ifMatch = headerValue(ctx.headers, 'if-match');
      const etag = ctx.response.get('ETag');
      if (ifMatch === undefined || etag === '' || matchesEtag(ifMatch, etag)) return;
      if (ctx.body instanceof Readable) ctx.body.destroy();
      ctx.body = undefined;
      throw preconditionFailed('If-Match');
    });
}

/**
 * DeleteObject with `If-Match`: 412 when the ETag differs, 404 NoSuchKey when the key holds nothing
 * (S3 User Guide, "How to perform conditional deletes"; `*` means "if it exists").
 */
export function conditionalDelete(objects: KeyedLock, controller: Controller): Controller {
  return (ctx) =>
    objects.with([{ key: objectLockKey(ctx.params), mode: 'exclusive' }], async () => {
      const ifMatch = headerValue(ctx.headers, 'if-match');
      if (ifMatch !== undefined) {
        const etag = await currentEtag(ctx.store, ctx.params.bucket, ctx.params.key);
        if (etag === undefined) throw noSuchKey(ctx.params.key);
        if (!matchesEtag(ifMatch, etag)) throw preconditionFailed('If-Match');
      }
      await controller(ctx);
    });
}
