import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { explainS3Error } from '../aws/s3-errors.js';
import { UserError } from '../errors.js';
import { ObjectGoneError, readObject } from '../engine/read-object.js';
import type { InventoryDataFile } from './types.js';

/** A data file on local disk whose bytes matched the manifest's size and MD5. */
export interface VerifiedDataFile {
  readonly path: string;
  /** Removes the local copy; safe to call twice. */
  readonly remove: () => Promise<void>;
}

/**
 * Copies one data file to a temporary file, hashing it on the way, and returns it only when its size
 * and MD5 are the manifest's. A data file can be gigabytes: it goes to disk, not memory, and is
 * verified whole before a single row is read from it, so a damaged file yields no rows at all.
 */
export async function fetchDataFile(
  s3: S3Client,
  bucket: string,
  file: InventoryDataFile,
  signal: AbortSignal | undefined,
): Promise<VerifiedDataFile> {
  const folder = await mkdtemp(join(tmpdir(), 's3collapse-inventory-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  const path = join(folder, 'data');
  const url = `s3://${bucket}/${file.key}`;
  try {
    const md5 = createHash('md5');
    let size = 0;
    const chunks = readObject(s3, bucket, { key: file.key, etag: '', size: file.size }, { signal });
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        md5.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    }
    await pipeline(Readable.from(hashed()), createWriteStream(path), { signal });
    const actual = md5.digest('hex');
    if (size !== file.size || actual !== file.md5)
      throw new UserError(
        `Inventory data file ${url} does not match its manifest (${size} bytes, MD5 ${actual}; expected ${file.size} bytes, MD5 ${file.md5}).`,
        "The file is damaged or was replaced since the delivery: pass another delivery's manifest.json.",
      );
    return { path, remove };
  } catch (error) {
    await remove();
    if (error instanceof ObjectGoneError)
      throw new UserError(
        `Inventory data file ${url}, listed in the manifest, is gone.`,
        "A lifecycle rule or someone removed it: pass a newer delivery's manifest.json.",
      );
    throw explainS3Error(error, { operation: 'GetObject', bucket, key: file.key });
  }
}
