import { UserError } from '../errors.js';
import type { InventoryFileFormat, InventoryRow } from './types.js';

/*
 * Column names and values of S3 Inventory lists, per the S3 User Guide:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html ("Amazon S3 Inventory list")
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html (manifest.json examples)
 * CSV names its columns in `fileSchema` as the configuration's fields (`Key, Size, ETag, …`); Parquet and
 * ORC name them in snake case (`key`, `size`, `e_tag`, …), as the Athena table for an inventory does.
 */

/** The fields the reader needs; `config` is the name to add in the inventory configuration. */
const NEEDED = {
  key: { csv: 'Key', columnar: 'key', config: 'Key' },
  size: { csv: 'Size', columnar: 'size', config: 'Size' },
  etag: { csv: 'ETag', columnar: 'e_tag', config: 'ETag' },
  lastModified: { csv: 'LastModifiedDate', columnar: 'last_modified_date', config: 'LastModifiedDate' },
} as const;

/** Present only in an inventory of all versions. */
const VERSIONED = {
  isLatest: { csv: 'IsLatest', columnar: 'is_latest' },
  isDeleteMarker: { csv: 'IsDeleteMarker', columnar: 'is_delete_marker' },
} as const;

export type NeededField = keyof typeof NEEDED;
export type VersionField = keyof typeof VERSIONED;

/** Where each field sits in a row: a CSV position, or a Parquet/ORC column name. */
export interface InventoryColumns {
  readonly names: Readonly<Record<NeededField, string>> & Readonly<Partial<Record<VersionField, string>>>;
  /** Positions in a CSV record (same keys as `names`); meaningful for CSV only. */
  readonly positions: Readonly<Record<NeededField, number>> & Readonly<Partial<Record<VersionField, number>>>;
  readonly count: number;
}

/**
 * The column names a manifest's `fileSchema` declares, in file order:
 * CSV `"Bucket, Key, Size, …"`, Parquet `"message s3.inventory { required binary key (UTF8); … }"`,
 * ORC `"struct<bucket:string,key:string,…>"`.
 */
export function fileSchemaColumns(format: InventoryFileFormat, fileSchema: string): string[] {
  if (format === 'CSV')
    return fileSchema
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  if (format === 'Parquet')
    return [...fileSchema.matchAll(/\b(?:required|optional|repeated)\s+\w+\s+(\w+)/g)].map((m) => m[1]!);
  const inner = /^\s*struct<(.*)>\s*$/s.exec(fileSchema)?.[1] ?? '';
  return inner
    .split(',')
    .map((field) => field.split(':')[0]!.trim())
    .filter(Boolean);
}

/**
 * Finds the needed fields among `columns`. A missing one is the configuration's to fix: S3 only
 * lists the fields it was asked for, and a change applies to the deliveries after it.
 */
export function inventoryColumns(format: InventoryFileFormat, columns: readonly string[]): InventoryColumns {
  const style = format === 'CSV' ? 'csv' : 'columnar';
  const names: Record<string, string> = {};
  const positions: Record<string, number> = {};
  const missing: string[] = [];
  for (const [field, spelling] of Object.entries(NEEDED)) {
    const at = columns.indexOf(spelling[style]);
    if (at < 0) missing.push(spelling.config);
    names[field] = spelling[style];
    positions[field] = at;
  }
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new UserError(
      `The inventory lists no ${list} for its objects (its fileSchema: ${columns.join(', ')}).`,
      `Add ${list} to the inventory configuration's additional fields, then use a delivery made after the change.`,
    );
  }
  for (const [field, spelling] of Object.entries(VERSIONED)) {
    const at = columns.indexOf(spelling[style]);
    if (at < 0) continue;
    names[field] = spelling[style];
    positions[field] = at;
  }
  return {
    names: names as InventoryColumns['names'],
    positions: positions as InventoryColumns['positions'],
    count: columns.length,
  };
}

/** One row's needed values, before the delete-marker / old-version filter. */
export interface RawInventoryRow {
  readonly key: string;
  readonly size: number | undefined;
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
  readonly isLatest: boolean | undefined;
  readonly isDeleteMarker: boolean | undefined;
}

/**
 * ListObjectsV2 gives an ETag in quotes (RFC 7232 entity-tag); the inventory lists it bare. The
 * quotes are added so a row and a listing of the same object compare equal.
 */
export function quotedEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/**
 * The row as a live object, or undefined for what a ListObjectsV2 would not show: a delete marker,
 * or a version that is not the current one (an inventory of all versions lists both). `where` names
 * the row for the error when a current object lacks a value the plan needs.
 */
export function liveObject(raw: RawInventoryRow, where: string): InventoryRow | undefined {
  if (raw.isDeleteMarker === true || raw.isLatest === false) return undefined;
  const absent = (['size', 'etag', 'lastModified'] as const).filter((field) => raw[field] === undefined);
  if (absent.length > 0)
    throw new UserError(
      `${where}: the object ${raw.key} has no ${absent.map((field) => NEEDED[field].config).join(', ')}.`,
      "The data file is not a complete S3 Inventory list: use another delivery's manifest.json.",
    );
  return { key: raw.key, size: raw.size!, etag: quotedEtag(raw.etag!), lastModified: raw.lastModified! };
}
