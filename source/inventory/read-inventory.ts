import type { S3Client } from '@aws-sdk/client-s3';
import { csvInventoryRows } from './csv-rows.js';
import { fetchDataFile } from './data-file.js';
import { inventoryColumns } from './inventory-fields.js';
import { readInventoryManifest } from './inventory-manifest.js';
import { parquetInventoryRows } from './parquet-rows.js';
import type { InventoryManifest, InventoryRow } from './types.js';

export { readInventoryManifest, parseManifestUrl } from './inventory-manifest.js';
export type { InventoryDataFile, InventoryManifest, InventoryRow } from './types.js';

export interface ReadInventoryOptions {
  readonly signal?: AbortSignal | undefined;
  /** The manifest already read with readInventoryManifest, so it is not fetched and checked twice. */
  readonly manifest?: InventoryManifest | undefined;
}

/**
 * Every live object an S3 Inventory delivery lists, as ListObjectsV2 would show it (quoted ETag,
 * ISO time; no delete markers, no old versions), in the order of the manifest's files and their rows.
 *
 * One data file at a time is fetched to a temporary file and checked against the manifest's size and
 * MD5 before any of its rows come out: a damaged file throws a UserError naming it, and neither it nor
 * any file after it yields a row. The data files are read from the bucket the manifest was read from.
 */
export async function* readInventory(
  s3: S3Client,
  manifestUrl: string,
  options: ReadInventoryOptions = {},
): AsyncGenerator<InventoryRow> {
  const { signal } = options;
  const manifest = options.manifest ?? (await readInventoryManifest(s3, manifestUrl, { signal }));
  const csvColumns = manifest.fileFormat === 'CSV' ? inventoryColumns('CSV', manifest.fileSchema) : undefined;
  for (const file of manifest.files) {
    signal?.throwIfAborted();
    const local = await fetchDataFile(s3, manifest.manifestBucket, file, signal);
    const label = `s3://${manifest.manifestBucket}/${file.key}`;
    try {
      const rows = csvColumns
        ? csvInventoryRows(local.path, csvColumns, label)
        : parquetInventoryRows(local.path, label);
      for await (const row of rows) {
        yield row;
        signal?.throwIfAborted();
      }
    } finally {
      await local.remove();
    }
  }
}
