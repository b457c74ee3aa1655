/** One live object of the inventoried bucket, in the shape a ListObjectsV2 listing gives it. */
export interface InventoryRow {
  readonly key: string;
  readonly size: number;
  /** Quoted, as ListObjectsV2 returns it (`"9b2cf535f27731c974343645a3985328"`), so rows compare equal to listings. */
  readonly etag: string;
  /** ISO 8601 (`2024-05-01T13:05:31.000Z`). */
  readonly lastModified: string;
}

export type InventoryFileFormat = 'CSV' | 'Parquet' | 'ORC';

/** One data file of a delivery, as manifest.json lists it. */
export interface InventoryDataFile {
  readonly key: string;
  readonly size: number;
  /** Hex MD5 of the file's bytes as stored (compressed). */
  readonly md5: string;
}

/** What one delivery's manifest.json says, checked. */
export interface InventoryManifest {
  /** Where the manifest was read: the data files are read from the same bucket. */
  readonly manifestBucket: string;
  readonly manifestKey: string;
  /** The bucket the inventory lists. */
  readonly sourceBucket: string;
  /** The bucket name, from the manifest's `arn:aws:s3:::NAME`. */
  readonly destinationBucket: string;
  readonly fileFormat: InventoryFileFormat;
  /** Column names in file order, as the manifest's fileSchema gives them (CSV: `Key`; Parquet/ORC: `key`). */
  readonly fileSchema: readonly string[];
  readonly files: readonly InventoryDataFile[];
  /** When S3 began scanning the bucket for this delivery: the inventory is as old as this. */
  readonly creationTimestamp: Date;
  /** Whether the inventory lists every version (it then has IsLatest / IsDeleteMarker columns). */
  readonly versioned: boolean;
}
