// DeleteObjects as S3 answers it, replacing s3rver's: per-object ETag conditions, Quiet, keys read
// as text (s3rver's XML parser turns a key like `0123` into the number 123), and each key deleted
// under its lock.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import pMap from 'p-map';
import { z } from 'zod';
import type { KeyedLock } from './keyed-lock.js';
import { currentEtag, matchesEtag, objectLockKey } from './s3-conditional-requests.js';
import {
  headerValue,
  malformedXml,
  s3Error,
  type BucketController,
  type FilesystemStore,
} from './s3rver-internals.js';

const DeleteRequest = z.object({
  Delete: z.object({
    // S3 takes at most 1,000 keys a request.
    Object: z
      .array(z.object({ Key: z.string(), ETag: z.string().optional() }))
      .min(1)
      .max(1000),
    Quiet: z.string().optional(),
  }),
});

type Outcome =
  | { readonly key: string; readonly deleted: true }
  | { readonly key: string; readonly deleted: false; readonly code: string; readonly message: string };

const parser = new XMLParser({
  // Keys are text: no number parsing, no trimming (a key may start or end with a space).
  parseTagValue: false,
  trimValues: false,
  // The SDK writes CR, LF and some Unicode in keys as numeric character references.
  htmlEntities: true,
  isArray: (_name, path) => path === 'Delete.Object',
});

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseDeleteRequest(body: string): z.infer<typeof DeleteRequest>['Delete'] {
  if (XMLValidator.validate(body) !== true) throw malformedXml();
  const parsed = DeleteRequest.safeParse(parser.parse(body));
  if (!parsed.success) throw malformedXml();
  return parsed.data.Delete;
}

/**
 * One entry: with an ETag, a different object is that key's PreconditionFailed and a missing one
 * its NoSuchKey (S3 User Guide, "How to perform conditional deletes"); without, a missing key is
 * reported Deleted, as S3 does.
 */
async function deleteEntry(
  store: FilesystemStore,
  objects: KeyedLock,
  bucket: string,
  entry: { readonly Key: string; readonly ETag?: string | undefined },
): Promise<Outcome> {
  const key = entry.Key;
  try {
    return await objects.with([{ key: objectLockKey({ bucket, key }), mode: 'exclusive' }], async () => {
      const etag = await currentEtag(store, bucket, key);
      if (entry.ETag !== undefined) {
        if (etag === undefined)
          return { key, deleted: false, code: 'NoSuchKey', message: 'The specified key does not exist.' };
        if (!matchesEtag(entry.ETag, etag))
          return {
            key,
            deleted: false,
            code: 'PreconditionFailed',
            message: 'At least one of the pre-conditions you specified did not hold',
          };
      }
      if (etag !== undefined) await store.deleteObject(bucket, key);
      return { key, deleted: true };
    });
  } catch {
    return {
      key,
      deleted: false,
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
    };
  }
}

export function deleteObjects(objects: KeyedLock): BucketController {
  return async (ctx) => {
    const body = await readBody(ctx.req);
    const contentMd5 = headerValue(ctx.headers, 'content-md5');
    if (contentMd5 !== undefined && contentMd5 !== createHash('md5').update(body).digest('base64')) {
      throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const request = parseDeleteRequest(body.toString('utf8'));
    const quiet = request.Quiet?.trim().toLowerCase() === 'true';
    const outcomes = await pMap(
      request.Object,
      (entry) => deleteEntry(ctx.store, objects, ctx.params.bucket, entry),
      {
        concurrency: 16,
      },
    );
    // A plain object: written out as XML by writeXmlOnce (s3-xml-body.ts), escaping every key.
    ctx.body = {
      DeleteResult: {
        '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        Deleted: quiet ? [] : outcomes.filter((o) => o.deleted).map(({ key }) => ({ Key: key })),
        Error: outcomes.flatMap((o) => (o.deleted ? [] : [{ Key: o.key, Code: o.code, Message: o.message }])),
      },
    };
  };
}
