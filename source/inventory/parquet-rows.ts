import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { UserError } from '../errors.js';
import {
  type InventoryColumns,
  inventoryColumns,
  liveObject,
  type RawInventoryRow,
} from './inventory-fields.js';
import type { InventoryRow } from './types.js';

/*
 * Parquet inventory lists are Snappy-compressed, with snake-case columns: key, size (int64),
 * last_modified_date (int64 TIMESTAMP_MILLIS), e_tag, and is_latest / is_delete_marker in an
 * inventory of all versions; keys are not URL-encoded (only CSV's are). S3 User Guide:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 * hyparquet (pure JavaScript, Snappy built in) reads them; the file's own schema is the authority.
 */

const INVALID_FIX = "The data file is not an S3 Inventory list: pass another delivery's manifest.json.";

function numberOf(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  return Number.NaN;
}

function isoOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const time =
    value instanceof Date ? value : new Date(typeof value === 'bigint' ? Number(value) : (value as string));
  return Number.isNaN(time.getTime()) ? 'invalid' : time.toISOString();
}

function flagOf(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** One Parquet row (an object by column name) as an inventory row; `where` names it in errors. */
export function parquetRecordRow(
  record: Readonly<Record<string, unknown>>,
  columns: InventoryColumns,
  where: string,
): RawInventoryRow {
  const names = columns.names;
  const key = record[names.key];
  const size = numberOf(record[names.size]);
  const etag = record[names.etag];
  const lastModified = isoOf(record[names.lastModified]);
  if (typeof key !== 'string' || key === '') throw new UserError(`${where} has no key.`, INVALID_FIX);
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0))
    throw new UserError(`${where}: size ${String(record[names.size])} is not a byte count.`, INVALID_FIX);
  if (lastModified === 'invalid')
    throw new UserError(`${where}: last_modified_date is not a date.`, INVALID_FIX);
  if (etag !== null && etag !== undefined && typeof etag !== 'string')
    throw new UserError(`${where}: e_tag is not text.`, INVALID_FIX);
  return {
    key,
    size,
    etag: etag || undefined,
    lastModified,
    isLatest: names.isLatest === undefined ? undefined : flagOf(record[names.isLatest]),
    isDeleteMarker: names.isDeleteMarker === undefined ? undefined : flagOf(record[names.isDeleteMarker]),
  };
}

/**
 * The live objects of one Parquet data file on disk, in file order, one row group at a time: a row
 * group is the unit Parquet compresses, so that is the least that can be held.
 */
export async function* parquetInventoryRows(path: string, label: string): AsyncGenerator<InventoryRow> {
  let columns: InventoryColumns;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  const file = await asyncBufferFromFile(path);
  try {
    metadata = await parquetMetadataAsync(file);
    const fields = parquetSchema(metadata).children.map((child) => child.element.name);
    columns = inventoryColumns('Parquet', fields);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `${label} is not a Parquet file (${error instanceof Error ? error.message : String(error)}).`,
      INVALID_FIX,
    );
  }
  const wanted = Object.values(columns.names);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let records: Record<string, unknown>[];
    try {
      records = await parquetReadObjects({ file, metadata, columns: wanted, rowStart, rowEnd });
    } catch (error) {
      throw new UserError(
        `${label} could not be read as Parquet at rows ${rowStart + 1}-${rowEnd} (${error instanceof Error ? error.message : String(error)}).`,
        INVALID_FIX,
      );
    }
    for (const [index, record] of records.entries()) {
      const where = `${label} row ${rowStart + index + 1}`;
      const live = liveObject(parquetRecordRow(record, columns, where), where);
      if (live) yield live;
    }
    rowStart = rowEnd;
  }
}
