import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.js';
import { type InventoryColumns, liveObject, type RawInventoryRow } from './inventory-fields.js';
import type { InventoryRow } from './types.js';

/*
 * CSV inventory lists are gzip-compressed, have no header row, and hold the columns in fileSchema
 * order; "When using the CSV file format, the key name is URL-encoded and must be decoded before you
 * can use it" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html).
 * The encoding is the HTML form one (Java's URLEncoder): a space is `+`, a `+` is `%2B`, other bytes of
 * the UTF-8 key are `%XX` (as cloud-custodian found, issue 1997, and decodes with unquote_plus).
 */

/** The key an inventory CSV's URL-encoded Key column names. Throws URIError for a malformed `%`. */
export function decodeInventoryKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

function sizeOf(text: string, where: string): number | undefined {
  if (text === '') return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UserError(`${where}: Size ${JSON.stringify(text)} is not a byte count.`, INVALID_FIX);
  return Number(text);
}

function isoOf(text: string, where: string): string | undefined {
  if (text === '') return undefined;
  const time = new Date(text);
  if (Number.isNaN(time.getTime()))
    throw new UserError(`${where}: LastModifiedDate ${JSON.stringify(text)} is not a date.`, INVALID_FIX);
  return time.toISOString();
}

function flagOf(text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  return text.toLowerCase() === 'true';
}

const INVALID_FIX = "The data file is not an S3 Inventory list: pass another delivery's manifest.json.";

/** One CSV record (already split into fields) as an inventory row; `where` names it in errors. */
export function csvRecordRow(
  record: readonly string[],
  columns: InventoryColumns,
  where: string,
): RawInventoryRow {
  if (record.length !== columns.count)
    throw new UserError(
      `${where} has ${record.length} fields, but the manifest's fileSchema names ${columns.count}.`,
      INVALID_FIX,
    );
  const at = columns.positions;
  const encoded = record[at.key]!;
  let key: string;
  try {
    key = decodeInventoryKey(encoded);
  } catch {
    throw new UserError(`${where}: the Key ${JSON.stringify(encoded)} is not URL-encoded text.`, INVALID_FIX);
  }
  return {
    key,
    size: sizeOf(record[at.size]!, where),
    etag: record[at.etag] || undefined,
    lastModified: isoOf(record[at.lastModified]!, where),
    isLatest: at.isLatest === undefined ? undefined : flagOf(record[at.isLatest]),
    isDeleteMarker: at.isDeleteMarker === undefined ? undefined : flagOf(record[at.isDeleteMarker]),
  };
}

/**
 * The live objects of one gzip-compressed CSV data file on disk, in file order, streamed: only the
 * record being read is in memory. `label` (the file's S3 URL) names it in errors.
 */
export async function* csvInventoryRows(
  path: string,
  columns: InventoryColumns,
  label: string,
): AsyncGenerator<InventoryRow> {
  // RFC 4180 quoting ("a,""b""" is one field); fields are compared to fileSchema here, not by the parser.
  const parser = parse({ relax_column_count: true, skip_empty_lines: true });
  const feeding = pipeline(createReadStream(path), createGunzip(), parser);
  // The pipeline's failure (a broken gzip stream) also surfaces through the parser; this keeps it handled.
  feeding.catch(() => undefined);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      const live = liveObject(csvRecordRow(record, columns, `${label} row ${row}`), `${label} row ${row}`);
      if (live) yield live;
    }
    await feeding;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`${label} is not gzip-compressed CSV after row ${row} (${reason}).`, INVALID_FIX);
  } finally {
    parser.destroy();
  }
}
