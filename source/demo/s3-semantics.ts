// Teaches s3rver the S3 behaviour the safety tests and --demo rely on: conditional writes, reads
// and deletes that are atomic with what they guard, whole-object writes, Content-MD5, and
// multipart uploads that can be listed and aborted; HeadBucket without a listing. Each module says which S3 behaviour and which
// s3rver gap it covers.
//
// Where it still differs from S3 (known, not needed by the tests so far):
// - never 409 ConditionalRequestConflict: writes to one key are serialized instead;
// - a multipart ETag is the MD5 of the whole object;
// - CompleteMultipartUpload checks its parts before its write condition (S3: the condition first);
// - x-amz-checksum-* headers are not verified, and DeleteObjects needs no Content-MD5;
// - If-Modified-Since / If-Unmodified-Since on writes and copy-source date conditions are ignored;
// - ListMultipartUploads has no EncodingType=url; error details are escaped twice (s3rver's own);
// - browser-form PostObject is not locked; CopyObject writes its destination in place;
// - an abort waits for parts still uploading; no versioning; every bucket is in us-east-1.
import { KeyedLock } from './keyed-lock.js';
import { bucketRoutes } from './s3-bucket-routes.js';
import { checkingContentMd5, patchFilesystemStore } from './s3-atomic-store.js';
import {
  conditionalCopy,
  conditionalCopySource,
  conditionalDelete,
  conditionalRead,
  conditionalWrite,
} from './s3-conditional-requests.js';
import { deleteObjects } from './s3-delete-objects.js';
import { multipartRoutes, onOpenUpload } from './s3-multipart-uploads.js';
import { writeXmlOnce } from './s3-xml-body.js';
import {
  FilesystemStoreClass,
  objectControllers as controllers,
  type S3rverApp,
} from './s3rver-internals.js';

let taught = false;

/**
 * Installs everything on one s3rver instance before it listens. Lock order, to never deadlock:
 * an upload's lock before any object's; object locks among themselves in name order (KeyedLock).
 */
export function teachS3Semantics(server: S3rverApp): void {
  // The controllers and the store class are shared by every s3rver in the process: wrap them once.
  if (taught) throw new Error('teachS3Semantics: once per process (s3rver-child hosts one server)');
  taught = true;
  const objects = new KeyedLock();
  const uploads = new KeyedLock();

  patchFilesystemStore(FilesystemStoreClass.prototype);

  controllers.putObject = checkingContentMd5(conditionalWrite(objects, controllers.putObject));
  controllers.putObjectCopy = conditionalCopy(objects, controllers.putObjectCopy);
  controllers.getObject = conditionalRead(objects, controllers.getObject);
  controllers.deleteObject = conditionalDelete(objects, controllers.deleteObject);
  controllers.deleteMultipleObjects = deleteObjects(objects);
  controllers.uploadPart = checkingContentMd5(onOpenUpload(uploads, 'shared', controllers.uploadPart));
  controllers.uploadPartCopy = onOpenUpload(
    uploads,
    'shared',
    conditionalCopySource(objects, controllers.uploadPartCopy),
  );
  controllers.completeMultipartUpload = onOpenUpload(
    uploads,
    'exclusive',
    conditionalWrite(objects, controllers.completeMultipartUpload),
  );

  // Koa composes `middleware` when the server starts listening, so inserting before run() takes
  // effect. Just before s3rver's router (its last middleware, lib/s3rver.js): inside its logger
  // and error handling, and our XML writer ahead of (so instead of) s3rver's.
  const routerIndex = server.middleware.findIndex((middleware) => middleware.router !== undefined);
  if (routerIndex < 0) throw new Error("s3rver's router not found among its middleware: has s3rver changed?");
  server.middleware.splice(routerIndex, 0, writeXmlOnce, bucketRoutes, multipartRoutes(uploads));
}
