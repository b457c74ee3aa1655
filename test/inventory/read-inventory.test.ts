import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parquetMetadata } from 'hyparquet';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { csvInventoryRows, decodeInventoryKey } from '../../source/inventory/csv-rows.js';
import {
  fileSchemaColumns,
  inventoryColumns,
  liveObject,
  type RawInventoryRow,
} from '../../source/inventory/inventory-fields.js';
import {
  parseManifestUrl,
  readInventory,
  readInventoryManifest,
  type InventoryRow,
} from '../../source/inventory/read-inventory.js';
import {
  entriesOf,
  inventoryEncodeKey,
  listedObjects,
  writeInventory,
  type InventoryEntry,
} from '../support/inventory.js';
import { getBytes, newBucket, putObjects, testClient } from '../support/s3.js';

const s3 = testClient();
afterAll(() => s3.destroy());

/** Keys that trip URL encoding and CSV quoting. */
const TRAP_KEYS = [
  'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C',
  'logs/with space/2024-05-01 13.log',
  'logs/comma,separated,key',
  'logs/quote"inside\'and apostrophe',
  'logs/ünïcødé/日本語/€.gz',
  'logs/plus+sign and space',
  'logs/percent%20literal%2B%',
  'logs/tilde~(parens)!*_.-',
  'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T1305Z_a1B2c3D4e5F6g7H8.json.gz',
];

async function collect(rows: AsyncIterable<InventoryRow>): Promise<InventoryRow[]> {
  const out: InventoryRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Rows read until the reader throws, and what it threw. */
async function readUntilError(
  rows: AsyncIterable<InventoryRow>,
): Promise<{ rows: InventoryRow[]; error: unknown }> {
  const out: InventoryRow[] = [];
  try {
    for await (const row of rows) out.push(row);
  } catch (error) {
    return { rows: out, error };
  }
  return { rows: out, error: undefined };
}

/** A client that records the key of every GetObject it sends. */
function recordingClient(): { client: S3Client; gets: string[] } {
  const client = testClient();
  const gets: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetObjectCommand') gets.push((args.input as { Key: string }).Key);
      return next(args);
    },
    { step: 'initialize' },
  );
  return { client, gets };
}

const md5 = (bytes: Buffer | string) => createHash('md5').update(bytes).digest('hex');

describe('decodeInventoryKey', () => {
  const cases = [
    ['logs%2F2024-05-01-13-05-31-6C0B8E3D1F2A4B7C', 'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C'],
    ['logs/2024-05-01', 'logs/2024-05-01'],
    ['with+space', 'with space'],
    ['plus%2Bsign', 'plus+sign'],
    ['percent%25literal', 'percent%literal'],
    ['comma%2Ckey%22quote%22', 'comma,key"quote"'],
    ['%C3%BCn%C3%AF%2F%E6%97%A5%E2%82%AC', 'ünï/日€'],
    ['tilde%7E%28p%29%21*_.-', 'tilde~(p)!*_.-'],
  ] as const;
  it.each(cases)('%s', (encoded, key) => {
    expect(decodeInventoryKey(encoded)).toBe(key);
  });

  it.each(TRAP_KEYS)('undoes the encoding S3 writes: %s', (key) => {
    expect(decodeInventoryKey(inventoryEncodeKey(key))).toBe(key);
  });

  it('refuses a malformed escape', () => {
    expect(() => decodeInventoryKey('half%E2%82')).toThrow(URIError);
  });
});

describe('fileSchema columns', () => {
  // The schemas of the User Guide's manifest.json examples.
  it('reads a CSV schema', () => {
    expect(
      fileSchemaColumns(
        'CSV',
        'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag',
      ),
    ).toEqual([
      'Bucket',
      'Key',
      'VersionId',
      'IsLatest',
      'IsDeleteMarker',
      'Size',
      'LastModifiedDate',
      'ETag',
    ]);
  });
  it('reads a Parquet schema, old and new logical type spellings', () => {
    const schema =
      'message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional boolean is_delete_marker;  optional int64 size;  optional int64 last_modified_date (TIMESTAMP(MILLIS,true));  optional binary e_tag (STRING);}';
    expect(fileSchemaColumns('Parquet', schema)).toEqual([
      'bucket',
      'key',
      'version_id',
      'is_latest',
      'is_delete_marker',
      'size',
      'last_modified_date',
      'e_tag',
    ]);
  });
  it('reads an ORC schema', () => {
    expect(
      fileSchemaColumns(
        'ORC',
        'struct<bucket:string,key:string,size:bigint,last_modified_date:timestamp,e_tag:string>',
      ),
    ).toEqual(['bucket', 'key', 'size', 'last_modified_date', 'e_tag']);
  });

  it('names every missing field and how to add it', () => {
    let thrown: unknown;
    try {
      inventoryColumns('CSV', ['Bucket', 'Key', 'Size', 'StorageClass']);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).message).toContain('ETag, LastModifiedDate');
    expect((thrown as UserError).fix).toMatch(/Add ETag, LastModifiedDate to the inventory configuration/);
  });

  it('finds the version columns of an inventory of all versions', () => {
    const columns = inventoryColumns('Parquet', [
      'bucket',
      'key',
      'version_id',
      'is_latest',
      'is_delete_marker',
      'size',
      'last_modified_date',
      'e_tag',
    ]);
    expect(columns.names).toMatchObject({
      isLatest: 'is_latest',
      isDeleteMarker: 'is_delete_marker',
      etag: 'e_tag',
    });
  });
});

describe('liveObject', () => {
  const raw: RawInventoryRow = {
    key: 'logs/a',
    size: 12,
    etag: '9b2cf535f27731c974343645a3985328',
    lastModified: '2024-05-01T13:05:31.000Z',
    isLatest: undefined,
    isDeleteMarker: undefined,
  };
  it('quotes the ETag as ListObjectsV2 does', () => {
    expect(liveObject(raw, 'row 1')).toEqual({
      key: 'logs/a',
      size: 12,
      etag: '"9b2cf535f27731c974343645a3985328"',
      lastModified: '2024-05-01T13:05:31.000Z',
    });
    expect(liveObject({ ...raw, etag: '"abc-2"' }, 'row 1')?.etag).toBe('"abc-2"');
  });
  it('skips delete markers and versions that are not current', () => {
    expect(
      liveObject({ ...raw, isDeleteMarker: true, size: undefined, etag: undefined }, 'row 1'),
    ).toBeUndefined();
    expect(liveObject({ ...raw, isLatest: false }, 'row 1')).toBeUndefined();
    expect(liveObject({ ...raw, isLatest: true, isDeleteMarker: false }, 'row 1')).toBeDefined();
  });
  it('refuses a current object with no size', () => {
    expect(() => liveObject({ ...raw, size: undefined }, 'file row 3')).toThrow(
      /file row 3: the object logs\/a has no Size/,
    );
  });
});

describe('parseManifestUrl', () => {
  it('splits bucket and key, keeping the key as written', () => {
    expect(parseManifestUrl('s3://inv/a b/c%20d/manifest.json')).toEqual({
      bucket: 'inv',
      key: 'a b/c%20d/manifest.json',
    });
  });
  it.each([
    'https://inv.s3.amazonaws.com/x/manifest.json',
    's3://inv',
    's3://inv/',
    's3://inv/prefix/',
    'inv/manifest.json',
  ])('refuses %s', (url) => {
    expect(() => parseManifestUrl(url)).toThrow(UserError);
  });
});

describe('CSV records', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'inventory-csv-test-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('keeps quoted commas, doubled quotes and line breaks inside one field', async () => {
    const columns = inventoryColumns('CSV', [
      'Bucket',
      'Key',
      'Size',
      'LastModifiedDate',
      'ETag',
      'ObjectOwner',
    ]);
    const text =
      '"src","a%2Cb","5","2024-05-01T00:00:00.000Z","e1","owner, with ""quotes"""\n' +
      '"src","c+d","7","2024-05-01T00:00:01.000Z","e2","two\nlines"\n' +
      'src,plain,9,2024-05-01T00:00:02.000Z,e3,unquoted\n';
    const path = join(folder, 'quoted.csv.gz');
    await writeFile(path, gzipSync(text));
    const rows = await collect(csvInventoryRows(path, columns, 's3://inv/quoted.csv.gz'));
    expect(rows).toEqual([
      { key: 'a,b', size: 5, etag: '"e1"', lastModified: '2024-05-01T00:00:00.000Z' },
      { key: 'c d', size: 7, etag: '"e2"', lastModified: '2024-05-01T00:00:01.000Z' },
      { key: 'plain', size: 9, etag: '"e3"', lastModified: '2024-05-01T00:00:02.000Z' },
    ]);
  });

  it('names the file and row of a record with the wrong number of fields', async () => {
    const columns = inventoryColumns('CSV', ['Bucket', 'Key', 'Size', 'LastModifiedDate', 'ETag']);
    const path = join(folder, 'short.csv.gz');
    await writeFile(path, gzipSync('"src","a","1","2024-05-01T00:00:00.000Z","e"\n"src","b","2"\n'));
    const { rows, error } = await readUntilError(csvInventoryRows(path, columns, 's3://inv/short.csv.gz'));
    expect(rows.map((row) => row.key)).toEqual(['a']);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      "s3://inv/short.csv.gz row 2 has 3 fields, but the manifest's fileSchema names 5.",
    );
  });

  it('refuses a file that is not gzip', async () => {
    const columns = inventoryColumns('CSV', ['Bucket', 'Key', 'Size', 'LastModifiedDate', 'ETag']);
    const path = join(folder, 'plain.csv.gz');
    await writeFile(path, '"src","a","1","2024-05-01T00:00:00.000Z","e"\n');
    await expect(collect(csvInventoryRows(path, columns, 's3://inv/plain.csv.gz'))).rejects.toThrow(
      /s3:\/\/inv\/plain.csv.gz is not gzip-compressed CSV/,
    );
  });
});

describe('readInventory against the local server', () => {
  let source: string;
  let inventoryBucket: string;
  let listed: Awaited<ReturnType<typeof listedObjects>>;
  beforeAll(async () => {
    source = await newBucket(s3, 'inv-source');
    inventoryBucket = await newBucket(s3, 'inv-dest');
    await putObjects(
      s3,
      source,
      TRAP_KEYS.map((key, index) => ({ key, body: `object ${index} `.repeat(index + 1) })),
    );
    listed = await listedObjects(s3, source);
    expect(listed.map((object) => object.key).sort()).toEqual([...TRAP_KEYS].sort());
  });

  it.each(['CSV', 'Parquet'] as const)(
    'gives back what ListObjectsV2 shows, from %s split over files',
    async (format) => {
      const created = new Date('2024-05-03T01:32:00Z');
      const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
        format,
        sourceBucket: source,
        configId: `all-${format}`,
        files: 3,
        created,
      });
      expect(written.manifestKey).toBe(`inventory/${source}/all-${format}/2024-05-03T01-32Z/manifest.json`);
      expect(written.dataKeys).toHaveLength(3);
      expect(written.dataKeys[0]).toMatch(
        new RegExp(
          `^inventory/${source}/all-${format}/data/[0-9a-f-]{36}\\.${format === 'CSV' ? 'csv\\.gz' : 'parquet'}$`,
        ),
      );

      const manifest = await readInventoryManifest(s3, written.manifestUrl);
      expect(manifest).toMatchObject({
        sourceBucket: source,
        destinationBucket: inventoryBucket,
        fileFormat: format,
        creationTimestamp: created,
        versioned: false,
      });
      expect(manifest.files.map((file) => file.key)).toEqual(written.dataKeys);
      const sizes = await Promise.all(
        written.dataKeys.map(async (key) => (await getBytes(s3, inventoryBucket, key)).length),
      );
      expect(manifest.files.map((file) => file.size)).toEqual(sizes);

      if (format === 'Parquet') {
        // Several row groups per file: the reader's row-group paging is exercised.
        const first = await getBytes(s3, inventoryBucket, written.dataKeys[0]!);
        expect(parquetMetadata(first).row_groups.length).toBeGreaterThan(1);
      }

      const rows = await collect(readInventory(s3, written.manifestUrl));
      // Every row equals the listing's entry for the same object, in file and row order.
      expect(rows).toEqual(listed);
    },
  );

  it.each(['CSV', 'Parquet'] as const)(
    'skips delete markers and old versions of an inventory of all versions (%s)',
    async (format) => {
      const at = new Date('2024-05-01T10:00:00Z');
      const entries: InventoryEntry[] = [
        { key: 'logs/a', versionId: 'v2', isLatest: true, size: 10, etag: 'aa', lastModified: at },
        {
          key: 'logs/a',
          versionId: 'v1',
          isLatest: false,
          size: 9,
          etag: 'a0',
          lastModified: new Date(at.getTime() - 1000),
        },
        { key: 'logs/b', versionId: 'v3', isLatest: true, isDeleteMarker: true, lastModified: at },
        {
          key: 'logs/b',
          versionId: 'v2',
          isLatest: false,
          size: 5,
          etag: 'bb',
          lastModified: new Date(at.getTime() - 2000),
        },
        {
          key: 'logs/c d',
          versionId: 'null',
          isLatest: true,
          size: 0,
          etag: 'd41d8cd98f00b204e9800998ecf8427e',
          lastModified: at,
        },
        {
          key: 'logs/e',
          versionId: 'v9',
          isLatest: false,
          isDeleteMarker: true,
          lastModified: new Date(at.getTime() - 5000),
        },
      ];
      const written = await writeInventory(s3, inventoryBucket, entries, {
        format,
        sourceBucket: source,
        configId: `versions-${format}`,
        versioned: true,
        files: 2,
      });
      expect((await readInventoryManifest(s3, written.manifestUrl)).versioned).toBe(true);
      expect(await collect(readInventory(s3, written.manifestUrl))).toEqual([
        { key: 'logs/a', size: 10, etag: '"aa"', lastModified: '2024-05-01T10:00:00.000Z' },
        {
          key: 'logs/c d',
          size: 0,
          etag: '"d41d8cd98f00b204e9800998ecf8427e"',
          lastModified: '2024-05-01T10:00:00.000Z',
        },
      ]);
    },
  );

  it.each(['CSV', 'Parquet'] as const)(
    'stops at a data file whose bytes differ from its MD5, naming it, reading nothing of it or after it (%s)',
    async (format) => {
      const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
        format,
        sourceBucket: source,
        configId: `flipped-${format}`,
        files: 3,
      });
      const damaged = written.dataKeys[1]!;
      const bytes = await getBytes(s3, inventoryBucket, damaged);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = bytes[middle]! ^ 0x01;
      await putObjects(s3, inventoryBucket, [{ key: damaged, body: bytes }]);

      const { client, gets } = recordingClient();
      try {
        const { rows, error } = await readUntilError(readInventory(client, written.manifestUrl));
        expect(error).toBeInstanceOf(UserError);
        expect((error as Error).message).toContain(
          `Inventory data file s3://${inventoryBucket}/${damaged} does not match`,
        );
        expect((error as UserError).fix).toMatch(/another delivery/);
        // Only the first file's rows came out; the third file was never fetched.
        const firstFile = Math.ceil(listed.length / 3);
        expect(rows).toEqual(listed.slice(0, firstFile));
        expect(gets).not.toContain(written.dataKeys[2]);
        expect(gets).toContain(damaged);
      } finally {
        client.destroy();
      }
    },
  );

  it('refuses a manifest.json that does not match manifest.checksum, before reading any data file', async () => {
    const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
      format: 'CSV',
      sourceBucket: source,
      configId: 'bad-checksum',
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: inventoryBucket,
        Key: written.checksumKey,
        Body: md5('something else'),
      }),
    );
    const { client, gets } = recordingClient();
    try {
      const { rows, error } = await readUntilError(readInventory(client, written.manifestUrl));
      expect(rows).toEqual([]);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toContain(
        `${written.manifestUrl} does not match its manifest.checksum`,
      );
      expect(gets.filter((key) => written.dataKeys.includes(key))).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('reads a delivery whose manifest.checksum is not there yet', async () => {
    const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
      format: 'CSV',
      sourceBucket: source,
      configId: 'no-checksum',
      checksum: false,
    });
    expect(await collect(readInventory(s3, written.manifestUrl))).toEqual(listed);
  });

  it('refuses an ORC inventory, saying to configure CSV or Parquet', async () => {
    const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
      format: 'ORC',
      sourceBucket: source,
      configId: 'orc',
    });
    const error = await readInventoryManifest(s3, written.manifestUrl).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('lists ORC files');
    expect((error as UserError).fix).toMatch(/Configure the inventory to deliver CSV or Parquet/);
    await expect(collect(readInventory(s3, written.manifestUrl))).rejects.toThrow(/lists ORC files/);
  });

  it('says which fields to add when the inventory lacks ETag and LastModifiedDate', async () => {
    const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
      format: 'Parquet',
      sourceBucket: source,
      configId: 'few-fields',
      fields: ['Size', 'StorageClass'],
    });
    const error = await readInventoryManifest(s3, written.manifestUrl).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(
      'The inventory lists no ETag, LastModifiedDate for its objects',
    );
    expect((error as UserError).fix).toContain('Add ETag, LastModifiedDate to the inventory configuration');
  });

  it('names a missing manifest and where deliveries live', async () => {
    const url = `s3://${inventoryBucket}/inventory/${source}/daily/2024-01-01T00-00Z/manifest.json`;
    const error = await readInventoryManifest(s3, url).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`There is no inventory manifest at ${url}.`);
    expect((error as UserError).fix).toContain(
      `aws s3 ls s3://${inventoryBucket}/inventory/${source}/daily/2024-01-01T00-00Z/`,
    );
  });

  it('names a missing bucket', async () => {
    const error = await readInventoryManifest(s3, 's3://no-such-inventory-bucket-x1/a/manifest.json').catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('no-such-inventory-bucket-x1 does not exist');
  });

  it.each([
    ['not JSON', '<html>nope</html>', /is not JSON, so not an S3 Inventory manifest/],
    [
      'JSON of another kind',
      JSON.stringify({ Records: [] }),
      /is not an S3 Inventory manifest \(sourceBucket:/,
    ],
    [
      'an unknown fileFormat',
      JSON.stringify({
        sourceBucket: 'src',
        destinationBucket: 'arn:aws:s3:::dst',
        creationTimestamp: '1714700000000',
        fileFormat: 'Avro',
        fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag',
        files: [],
      }),
      /names an inventory format this tool does not know: "Avro"/,
    ],
  ])('refuses a manifest that is %s', async (_, body, message) => {
    const key = `odd/${md5(body)}/manifest.json`;
    await putObjects(s3, inventoryBucket, [{ key, body }]);
    await expect(readInventoryManifest(s3, `s3://${inventoryBucket}/${key}`)).rejects.toThrow(message);
  });

  it('names a data file that is gone', async () => {
    const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
      format: 'CSV',
      sourceBucket: source,
      configId: 'gone',
      files: 2,
    });
    await s3.send(new DeleteObjectCommand({ Bucket: inventoryBucket, Key: written.dataKeys[0]! }));
    const { rows, error } = await readUntilError(readInventory(s3, written.manifestUrl));
    expect(rows).toEqual([]);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `Inventory data file s3://${inventoryBucket}/${written.dataKeys[0]}, listed in the manifest, is gone.`,
    );
  });

  it('reads with a manifest already read, and stops on abort', async () => {
    const written = await writeInventory(s3, inventoryBucket, entriesOf(listed), {
      format: 'Parquet',
      sourceBucket: source,
      configId: 'abort',
      files: 2,
    });
    const manifest = await readInventoryManifest(s3, written.manifestUrl);
    const controller = new AbortController();
    const rows: InventoryRow[] = [];
    const reading = (async () => {
      for await (const row of readInventory(s3, written.manifestUrl, {
        manifest,
        signal: controller.signal,
      })) {
        rows.push(row);
        if (rows.length === 2) controller.abort(new Error('stop'));
      }
    })();
    await expect(reading).rejects.toThrow('stop');
    expect(rows).toEqual(listed.slice(0, 2));
  });
});
