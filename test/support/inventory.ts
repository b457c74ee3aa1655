import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/*
 * Writes an S3 Inventory delivery into a bucket of the local server the way S3 lays one out
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html):
 *   <prefix>/<source-bucket>/<config-ID>/YYYY-MM-DDTHH-MMZ/manifest.json and manifest.checksum
 *   <prefix>/<source-bucket>/<config-ID>/hive/dt=YYYY-MM-DD-HH-MM/symlink.txt
 *   <prefix>/<source-bucket>/<config-ID>/data/<uuid>.csv.gz | .parquet
 */

/** One row of the inventory: an object version, or a delete marker (no size, no ETag). */
export interface InventoryEntry {
  readonly key: string;
  readonly size?: number | undefined;
  /** As ListObjectsV2 gives it (quoted) or bare; the inventory holds it bare, as S3 writes it. */
  readonly etag?: string | undefined;
  readonly lastModified: Date;
  readonly versionId?: string | undefined;
  readonly isLatest?: boolean | undefined;
  readonly isDeleteMarker?: boolean | undefined;
}

export interface WriteInventoryOptions {
  readonly format: 'CSV' | 'Parquet' | 'ORC';
  readonly sourceBucket: string;
  readonly prefix?: string;
  readonly configId?: string;
  /** When S3 began scanning: names the delivery's folder. */
  readonly created?: Date;
  /** Data files the rows are split over, in order. */
  readonly files?: number;
  /** An inventory of all versions: VersionId, IsLatest, IsDeleteMarker columns. */
  readonly versioned?: boolean;
  /** The optional fields configured (default Size, LastModifiedDate, ETag, StorageClass, …). */
  readonly fields?: readonly string[];
  /** Parquet rows per row group: small, so a file has several. */
  readonly rowGroupSize?: number;
  /** Write manifest.checksum (S3 always does; a delivery still being written has none yet). */
  readonly checksum?: boolean;
}

export interface WrittenInventory {
  readonly manifestUrl: string;
  readonly manifestKey: string;
  readonly checksumKey: string;
  readonly dataKeys: readonly string[];
}

const DEFAULT_FIELDS = [
  'Size',
  'LastModifiedDate',
  'ETag',
  'StorageClass',
  'IsMultipartUploaded',
  'EncryptionStatus',
] as const;

/** Configuration field name → Parquet / ORC column name. */
const SNAKE: Readonly<Record<string, string>> = {
  Bucket: 'bucket',
  Key: 'key',
  VersionId: 'version_id',
  IsLatest: 'is_latest',
  IsDeleteMarker: 'is_delete_marker',
  Size: 'size',
  LastModifiedDate: 'last_modified_date',
  ETag: 'e_tag',
  StorageClass: 'storage_class',
  IsMultipartUploaded: 'is_multipart_uploaded',
  EncryptionStatus: 'encryption_status',
};

/**
 * A key as S3 writes it in a CSV inventory: HTML-form URL encoding, as Java's URLEncoder does it
 * (letters, digits and `.-*_` kept, a space as `+`, every other UTF-8 byte as `%XX`).
 */
export function inventoryEncodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

const bare = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');
const csvField = (value: string) => `"${value.replace(/"/g, '""')}"`;
const folderStamp = (at: Date) => at.toISOString().slice(0, 16).replace(':', '-') + 'Z';

function columnsFor(options: WriteInventoryOptions): string[] {
  const versionColumns = options.versioned ? ['VersionId', 'IsLatest', 'IsDeleteMarker'] : [];
  const fields = options.fields ?? DEFAULT_FIELDS;
  // S3's order: Bucket, Key, the version columns, then the optional fields.
  return ['Bucket', 'Key', ...versionColumns, ...fields];
}

function valueOf(
  column: string,
  entry: InventoryEntry,
  bucket: string,
): string | number | boolean | Date | undefined {
  switch (column) {
    case 'Bucket':
      return bucket;
    case 'Key':
      return entry.key;
    case 'VersionId':
      return entry.versionId ?? 'null';
    case 'IsLatest':
      return entry.isLatest ?? true;
    case 'IsDeleteMarker':
      return entry.isDeleteMarker ?? false;
    case 'Size':
      return entry.isDeleteMarker ? undefined : entry.size;
    case 'LastModifiedDate':
      return entry.lastModified;
    case 'ETag':
      return entry.isDeleteMarker ? undefined : bare(entry.etag);
    case 'StorageClass':
      return entry.isDeleteMarker ? undefined : 'STANDARD';
    case 'IsMultipartUploaded':
      return entry.isDeleteMarker ? undefined : false;
    case 'EncryptionStatus':
      return 'SSE-S3';
    default:
      return undefined;
  }
}

function csvFile(entries: readonly InventoryEntry[], columns: readonly string[], bucket: string): Buffer {
  const lines = entries.map((entry) =>
    columns
      .map((column) => {
        const value = valueOf(column, entry, bucket);
        if (value === undefined) return '""';
        if (column === 'Key') return csvField(inventoryEncodeKey(String(value)));
        if (value instanceof Date) return csvField(value.toISOString());
        return csvField(String(value));
      })
      .join(','),
  );
  return gzipSync(lines.map((line) => `${line}\n`).join(''));
}

function parquetFile(
  entries: readonly InventoryEntry[],
  columns: readonly string[],
  bucket: string,
  rowGroupSize: number,
): Buffer {
  const typeOf = (column: string) =>
    column === 'Size'
      ? 'INT64'
      : column === 'LastModifiedDate'
        ? 'TIMESTAMP'
        : ['IsLatest', 'IsDeleteMarker', 'IsMultipartUploaded'].includes(column)
          ? 'BOOLEAN'
          : 'STRING';
  const columnData = columns.map((column) => ({
    name: SNAKE[column] ?? column.toLowerCase(),
    type: typeOf(column),
    data: entries.map((entry) => {
      const value = valueOf(column, entry, bucket);
      if (value === undefined) return null;
      return column === 'Size' ? BigInt(value as number) : value;
    }),
  })) as Parameters<typeof parquetWriteBuffer>[0]['columnData'];
  return Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize }));
}

function fileSchemaOf(format: WriteInventoryOptions['format'], columns: readonly string[]): string {
  if (format === 'CSV') return columns.join(', ');
  const snake = columns.map((column) => SNAKE[column] ?? column.toLowerCase());
  if (format === 'ORC') return `struct<${snake.map((name) => `${name}:string`).join(',')}>`;
  return `message s3.inventory { ${snake.map((name) => `optional binary ${name} (UTF8);`).join(' ')}}`;
}

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('hex');

function split<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.max(1, Math.ceil(items.length / parts));
  return Array.from({ length: parts }, (_, part) => items.slice(part * size, (part + 1) * size));
}

/** Writes one inventory delivery listing `entries` into `bucket`. */
export async function writeInventory(
  s3: S3Client,
  bucket: string,
  entries: readonly InventoryEntry[],
  options: WriteInventoryOptions,
): Promise<WrittenInventory> {
  const created = options.created ?? new Date('2024-05-03T01:32:00Z');
  const base = `${options.prefix ?? 'inventory'}/${options.sourceBucket}/${options.configId ?? 'daily-all'}`;
  const columns = columnsFor(options);
  const extension = { CSV: 'csv.gz', Parquet: 'parquet', ORC: 'orc' }[options.format];
  const files = split(entries, options.files ?? 1).map((part) => {
    const key = `${base}/data/${randomUUID()}.${extension}`;
    const body =
      options.format === 'CSV'
        ? csvFile(part, columns, options.sourceBucket)
        : options.format === 'Parquet'
          ? parquetFile(part, columns, options.sourceBucket, options.rowGroupSize ?? 2)
          : Buffer.from('ORC\u0000not really an ORC file');
    return { key, body };
  });
  const manifestKey = `${base}/${folderStamp(created)}/manifest.json`;
  const checksumKey = `${base}/${folderStamp(created)}/manifest.checksum`;
  const manifest = JSON.stringify(
    {
      sourceBucket: options.sourceBucket,
      destinationBucket: `arn:aws:s3:::${bucket}`,
      version: '2016-11-30',
      creationTimestamp: String(created.getTime()),
      fileFormat: options.format,
      fileSchema: fileSchemaOf(options.format, columns),
      files: files.map((file) => ({ key: file.key, size: file.body.length, MD5checksum: md5(file.body) })),
    },
    null,
    2,
  );
  const hiveStamp = created.toISOString().slice(0, 16).replace(/[T:]/g, '-');
  const symlink = files.map((file) => `s3://${bucket}/${file.key}\n`).join('');
  const put = (key: string, body: Buffer | string) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  for (const file of files) await put(file.key, file.body);
  await put(`${base}/hive/dt=${hiveStamp}/symlink.txt`, symlink);
  await put(manifestKey, manifest);
  // S3 writes the checksum last: its arrival marks a complete delivery.
  if (options.checksum !== false) await put(checksumKey, md5(manifest));
  return {
    manifestUrl: `s3://${bucket}/${manifestKey}`,
    manifestKey,
    checksumKey,
    dataKeys: files.map((file) => file.key),
  };
}

/** The bucket as ListObjectsV2 shows it: what an inventory of it lists, and what a reader must give back. */
export async function listedObjects(
  s3: S3Client,
  bucket: string,
): Promise<Array<{ key: string; size: number; etag: string; lastModified: string }>> {
  const objects: Array<{ key: string; size: number; etag: string; lastModified: string }> = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? [])
      objects.push({
        key: object.Key!,
        size: object.Size!,
        etag: object.ETag!,
        lastModified: object.LastModified!.toISOString(),
      });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** The listing as inventory entries (current versions, no delete markers). */
export function entriesOf(
  listed: ReadonlyArray<{ key: string; size: number; etag: string; lastModified: string }>,
): InventoryEntry[] {
  return listed.map((object) => ({ ...object, lastModified: new Date(object.lastModified) }));
}
