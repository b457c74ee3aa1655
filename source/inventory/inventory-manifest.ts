import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { errorCode, explainS3Error } from '../aws/s3-errors.js';
import { s3UrlParts } from '../aws/s3-url.js';
import { UserError } from '../errors.js';
import { fileSchemaColumns, inventoryColumns } from './inventory-fields.js';
import type { InventoryFileFormat, InventoryManifest } from './types.js';

/*
 * The manifest of one delivery, per the S3 User Guide, "Locating your inventory list":
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 * It sits at <destination-prefix>/<source-bucket>/<config-ID>/YYYY-MM-DDTHH-MMZ/manifest.json, beside
 * manifest.checksum (the MD5 of manifest.json's content); it gives sourceBucket, destinationBucket
 * (an ARN), creationTimestamp (epoch milliseconds, as a string), fileFormat (CSV, ORC or Parquet),
 * fileSchema and files [{ key, size, MD5checksum }].
 */

const MANIFEST_PATH = '<destination-prefix>/<source-bucket>/<config-ID>/YYYY-MM-DDTHH-MMZ/manifest.json';

const manifestSchema = z.object({
  sourceBucket: z.string().min(1),
  destinationBucket: z.string().min(1),
  version: z.string().optional(),
  creationTimestamp: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]),
  fileFormat: z.string(),
  fileSchema: z.string(),
  files: z.array(
    z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative(),
      MD5checksum: z.string().regex(/^[0-9a-fA-F]{32}$/),
    }),
  ),
});

export interface ManifestLocation {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/key` as bucket and key; the key is taken as written (S3 URLs are not percent-encoded). */
export function parseManifestUrl(url: string): ManifestLocation {
  const parts = s3UrlParts(url.trim());
  if (!parts || parts.key.endsWith('/'))
    throw new UserError(
      `${url} is not the S3 URL of an inventory manifest.`,
      `Pass the manifest.json of one delivery: s3://BUCKET/${MANIFEST_PATH}.`,
    );
  return parts;
}

/** A manifest's `destinationBucket` is an ARN (`arn:aws:s3:::NAME`); older tools wrote the bare name. */
export function bucketOfArn(destination: string): string {
  return destination.startsWith('arn:') ? destination.slice(destination.lastIndexOf(':') + 1) : destination;
}

function fileFormatOf(value: string, url: string): InventoryFileFormat {
  const format = (['CSV', 'Parquet', 'ORC'] as const).find(
    (name) => name.toLowerCase() === value.toLowerCase(),
  );
  if (!format)
    throw new UserError(
      `${url} names an inventory format this tool does not know: ${JSON.stringify(value)}.`,
      'Configure the inventory to deliver CSV or Parquet, and pass a manifest.json delivered after the change.',
    );
  return format;
}

/**
 * Checks and reads the text of a manifest.json. Pure: `checksum` is the content of manifest.checksum
 * when there is one.
 */
export function parseInventoryManifest(
  location: ManifestLocation,
  bytes: Buffer,
  checksum: string | undefined,
): InventoryManifest {
  const url = `s3://${location.bucket}/${location.key}`;
  const notManifest = `Pass the manifest.json of one delivery: s3://BUCKET/${MANIFEST_PATH}.`;
  if (checksum !== undefined) {
    const expected = checksum.trim().toLowerCase();
    const actual = createHash('md5').update(bytes).digest('hex');
    if (expected !== actual)
      throw new UserError(
        `${url} does not match its manifest.checksum (MD5 ${actual}, expected ${expected}).`,
        'The manifest was altered or is still being written: wait for the delivery to finish, or pass another delivery.',
      );
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`${url} is not JSON, so not an S3 Inventory manifest.`, notManifest);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'the document';
    throw new UserError(
      `${url} is not an S3 Inventory manifest (${field}: ${issue?.message ?? 'invalid'}).`,
      notManifest,
    );
  }
  const manifest = parsed.data;
  const fileFormat = fileFormatOf(manifest.fileFormat, url);
  if (fileFormat === 'ORC')
    // No well-kept pure-JavaScript ORC reader exists on npm (checked November 2026).
    throw new UserError(
      `${url} lists ORC files; this tool reads CSV and Parquet inventories only.`,
      'Configure the inventory to deliver CSV or Parquet (both carry the same fields), and pass a later delivery.',
    );
  const fileSchema = fileSchemaColumns(fileFormat, manifest.fileSchema);
  const columns = inventoryColumns(fileFormat, fileSchema);
  return {
    manifestBucket: location.bucket,
    manifestKey: location.key,
    sourceBucket: manifest.sourceBucket,
    destinationBucket: bucketOfArn(manifest.destinationBucket),
    fileFormat,
    fileSchema,
    files: manifest.files.map((file) => ({
      key: file.key,
      size: file.size,
      md5: file.MD5checksum.toLowerCase(),
    })),
    creationTimestamp: new Date(Number(manifest.creationTimestamp)),
    versioned: columns.names.isLatest !== undefined || columns.names.isDeleteMarker !== undefined,
  };
}

async function getText(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal | undefined,
): Promise<Buffer | undefined> {
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return Buffer.from(await answer.Body!.transformToByteArray());
  } catch (error) {
    if (errorCode(error) === 'NoSuchKey') return undefined;
    throw explainS3Error(error, { operation: 'GetObject', bucket, key });
  }
}

/**
 * Reads and checks one delivery's manifest.json, and its manifest.checksum when there is one (S3
 * writes the checksum last, so a delivery still being written may have none yet).
 */
export async function readInventoryManifest(
  s3: S3Client,
  manifestUrl: string,
  options: { readonly signal?: AbortSignal | undefined } = {},
): Promise<InventoryManifest> {
  const location = parseManifestUrl(manifestUrl);
  const bytes = await getText(s3, location.bucket, location.key, options.signal);
  if (!bytes) {
    const folder = location.key.includes('/') ? location.key.slice(0, location.key.lastIndexOf('/') + 1) : '';
    throw new UserError(
      `There is no inventory manifest at ${manifestUrl}.`,
      `Check the path (aws s3 ls s3://${location.bucket}/${folder}): each delivery has one at ${MANIFEST_PATH}.`,
    );
  }
  const checksumKey = location.key.endsWith('manifest.json')
    ? `${location.key.slice(0, -'manifest.json'.length)}manifest.checksum`
    : undefined;
  const checksum = checksumKey ? await getText(s3, location.bucket, checksumKey, options.signal) : undefined;
  return parseInventoryManifest(location, bytes, checksum?.toString('utf8'));
}
