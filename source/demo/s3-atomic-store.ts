// s3rver's filesystem store, patched where it can lose or tear an object that S3 would keep whole.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  headerValue,
  isNotFound,
  s3Error,
  type CompletedPart,
  type Controller,
  type FilesystemStore,
} from './s3rver-internals.js';

/** The base64 MD5 the request's Content-MD5 promised, for the body being stored in this request. */
const expectedMd5 = new AsyncLocalStorage<string>();

/** What must hold before the object being stored in this request may replace the current one. */
const commitGate = new AsyncLocalStorage<() => Promise<void>>();

/**
 * Runs `work` (a controller that stores one object) so that its object replaces the key only after
 * `gate` resolves, and never if the gate throws. The body streams before the gate: a slow upload
 * holds no lock, and of two racing writes the first to finish is the one checked first, as on S3.
 */
export function committingAfter<T>(gate: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  return commitGate.run(gate, work);
}

/**
 * S3 refuses a PutObject or UploadPart whose body does not hash to its Content-MD5 (400 BadDigest)
 * and stores nothing; s3rver never looks at the header. The request's digest rides along to the
 * store's putContent, which checks it before the object becomes visible.
 */
export function checkingContentMd5(controller: Controller): Controller {
  return async (ctx) => {
    const header = headerValue(ctx.headers, 'content-md5');
    if (header === undefined) return controller(ctx);
    if (!/^[A-Za-z0-9+/]{22}==$/.test(header))
      throw s3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.', {
        'Content-MD5': header,
      });
    await expectedMd5.run(header, () => controller(ctx));
  };
}

/**
 * s3rver streams a PUT straight into the object's file: a body cut mid-stream leaves a truncated
 * object, and a reader can open a half-written one. S3 shows the old object or the new one, never a
 * mix. Written to a temporary file beside it (not named `…._S3rver_object`, so listings skip it)
 * and renamed over it once whole, matching its Content-MD5 and through its commit gate. s3rver's
 * own version also resolved before a Buffer body had reached the disk.
 */
async function putContentAtomically(path: string, content: Buffer | Readable): Promise<[number, string]> {
  const temporary = `${path}.${randomUUID()}.partial`;
  const md5 = createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    await pipeline(source, measure, await createFileBeside(temporary));
    const digest = md5.digest();
    const expected = expectedMd5.getStore();
    if (expected !== undefined && expected !== digest.toString('base64')) {
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
        ExpectedDigest: expected,
        CalculatedDigest: digest.toString('base64'),
      });
    }
    await commitGate.getStore()?.();
    await rename(temporary, path);
    return [size, digest.toString('hex')];
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Opens the temporary file, recreating its folder if a delete of the last key beside it removed
 * the folder between s3rver's mkdir and this open (keys of one folder are not locked together).
 */
async function createFileBeside(path: string): Promise<WriteStream> {
  for (let attempt = 1; ; attempt++) {
    const stream = createWriteStream(path, { flags: 'wx' });
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
      return stream;
    } catch (error) {
      if (!isNotFound(error) || attempt === 3) throw error;
      await mkdir(dirname(path), { recursive: true });
    }
  }
}

/**
 * s3rver removes a key's folders once they look empty with `rm -r`, which also deletes whatever
 * another request wrote there since it looked: a concurrent PUT of a sibling key could vanish.
 * `rmdir` only removes a folder that is still empty.
 */
async function deleteObjectKeepingSiblings(
  this: FilesystemStore,
  bucket: string,
  key: string,
): Promise<void> {
  await Promise.all(
    ['object', 'object.md5', 'metadata.json'].map((resource) =>
      unlink(this.getResourcePath(bucket, key, resource)).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      }),
    ),
  );
  const folders = key.split('/').slice(0, -1);
  for (; folders.length > 0; folders.pop()) {
    try {
      await rmdir(join(this.getBucketPath(bucket), ...folders));
    } catch {
      return; // not empty (a sibling lives there) or already gone: either way, stop climbing
    }
  }
}

/** S3's smallest part, except the last one of an upload. */
const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * S3 answers InvalidPartOrder for parts out of order, InvalidPart for a part that was never
 * uploaded or whose ETag differs, and EntityTooSmall for a part under 5 MiB that is not the last;
 * s3rver checks none of them, and a missing part makes it wait forever on a stream that never ends.
 */
async function checkCompletedParts(
  store: FilesystemStore,
  bucket: string,
  uploadId: string,
  parts: readonly CompletedPart[],
): Promise<void> {
  const uploadFolder = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
  for (const [index, part] of parts.entries()) {
    if (index > 0 && part.number <= (parts[index - 1]?.number ?? 0)) {
      throw s3Error(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        { UploadId: uploadId },
      );
    }
    const stored = await readFile(join(uploadFolder, `${part.number}.md5`), 'utf8').catch(() => undefined);
    if (stored !== part.etag) {
      throw s3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { UploadId: uploadId, PartNumber: String(part.number), ETag: part.etag },
      );
    }
    if (index === parts.length - 1) continue;
    const { size } = await stat(join(uploadFolder, String(part.number)));
    if (size < MIN_PART_BYTES) {
      throw s3Error(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
        {
          ProposedSize: String(size),
          MinSizeAllowed: String(MIN_PART_BYTES),
          PartNumber: String(part.number),
        },
      );
    }
  }
}

export function patchFilesystemStore(store: FilesystemStore): void {
  store.putContent = putContentAtomically;
  store.deleteObject = deleteObjectKeepingSiblings;
  const putObjectMultipart = store.putObjectMultipart;
  store.putObjectMultipart = async function (this: FilesystemStore, bucket, uploadId, parts) {
    await checkCompletedParts(this, bucket, uploadId, parts);
    return putObjectMultipart.call(this, bucket, uploadId, parts);
  };
}
