// Typed views of the parts of @20minutes/s3rver 4.x (CommonJS, no types) that the local server
// patches to behave as S3 does (s3-semantics.ts). Every shape here is read from its lib/ sources.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

const require = createRequire(import.meta.url);

export interface StoredMetadata {
  /** The MD5 of the bytes, hex, in double quotes. */
  readonly etag: string;
}

export interface CompletedPart {
  readonly number: number;
  /** Without quotes (s3rver strips them from the request). */
  readonly etag: string;
}

/** lib/stores/filesystem.js: `<dir>/<bucket>/<key>._S3rver_object` plus `.md5` and metadata files. */
export interface FilesystemStore {
  /** `resource` 'object' is the object's bytes; `(bucket, undefined, 'uploads')` the uploads folder. */
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucket(bucket: string): Promise<object | null>;
  /** Rejects with ENOENT when the key holds no object. */
  getMetadata(bucket: string, key: string): Promise<StoredMetadata>;
  deleteObject(bucket: string, key: string): Promise<void>;
  getBucketPath(bucket: string): string;
  /** Resolves with [size, hex MD5]. */
  putContent(path: string, content: Buffer | Readable): Promise<[number, string]>;
  putObjectMultipart(
    bucket: string,
    uploadId: string,
    parts: readonly CompletedPart[],
  ): Promise<{ size: number; md5: string }>;
}

/** The Koa context as s3rver's middleware sees it (koa 2). */
export interface S3rverContext {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly headers: IncomingHttpHeaders;
  readonly req: IncomingMessage;
  readonly store: FilesystemStore;
  status: number;
  /** A plain object is written out as XML on its way out (s3-xml-body.ts). */
  body: unknown;
  type: string;
  /** Koa's response: the headers a controller has set so far. */
  readonly response: { get(field: string): string };
  set(field: string, value: string): void;
}

/** Inside s3rver's router, on a bucket route: the bucket exists. */
export interface BucketContext extends S3rverContext {
  readonly params: { readonly bucket: string };
}

/** Inside s3rver's router, on an object route: `params` decoded as s3rver reads them. */
export interface RoutedContext extends BucketContext {
  readonly params: { readonly bucket: string; readonly key: string };
}

export type Next = () => Promise<void>;
export type Middleware = (ctx: S3rverContext, next: Next) => Promise<void>;
export type Controller = (ctx: RoutedContext) => Promise<void>;
export type BucketController = (ctx: BucketContext) => Promise<void>;

/** lib/controllers/object.js. The router calls each as `objectCtrl.name(ctx)`, so replacing one works. */
export interface ObjectControllers {
  putObject: Controller;
  putObjectCopy: Controller;
  getObject: Controller;
  deleteObject: Controller;
  deleteMultipleObjects: BucketController;
  uploadPart: Controller;
  uploadPartCopy: Controller;
  completeMultipartUpload: Controller;
}

export interface S3rverApp {
  /** Koa composes this array when the server starts listening. */
  readonly middleware: Array<Middleware & { router?: unknown }>;
}

type S3ErrorClass = new (code: string, message: string, detail?: Record<string, string>) => Error;

export const objectControllers = require('@20minutes/s3rver/lib/controllers/object.js') as ObjectControllers;
export const FilesystemStoreClass = require('@20minutes/s3rver/lib/stores/filesystem.js') as {
  readonly prototype: FilesystemStore;
};
const S3Error = require('@20minutes/s3rver/lib/models/error.js') as S3ErrorClass;
export const ACCOUNT = (
  require('@20minutes/s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { readonly id: number; readonly displayName: string };
  }
).DUMMY_ACCOUNT;

/** An error s3rver answers as S3 does: the status for `code`, an `<Error>` XML body with `detail`. */
export function s3Error(code: string, message: string, detail: Record<string, string> = {}): Error {
  return new S3Error(code, message, detail);
}

export const preconditionFailed = (condition: string): Error =>
  s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });

export const noSuchKey = (key: string): Error =>
  s3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });

export const noSuchBucket = (bucket: string): Error =>
  s3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchUpload = (uploadId: string): Error =>
  s3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );

export const malformedXml = (): Error =>
  s3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );

/** One value of a query parameter (Koa gives an array when it is repeated). */
export function queryValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `/<bucket>/<key>` as s3rver's router decodes it (path-style addressing). */
export function pathTarget(path: string): { bucket: string; key: string } | undefined {
  const match = /^\/([^/]+)\/?(.*)$/.exec(path);
  if (!match) return undefined;
  try {
    return { bucket: decodeURIComponent(match[1] ?? ''), key: decodeURIComponent(match[2] ?? '') };
  } catch {
    return undefined;
  }
}
