// The bucket the planning bench plans: small S3 server access logs spread over 30 days, seeded once
// through the S3 API, and an S3 Inventory delivery of exactly those objects written beside it. Planning
// changes nothing in a bucket, so every run plans the same one.
//
// Date-partitioned by default (`logs/<account>/<region>/<bucket>/YYYY/MM/DD/…`): s3rver answers each
// LIST page by walking the key's folder from the start and statting every file, so with the simple
// layout (one `logs/` folder of 100,000 keys, 300,000 files) a page costs the server seconds and the
// LIST plan's time grows with the square of the bucket, which S3's does not. Day folders keep a page's
// cost near a page's. BENCH_PLAN_LAYOUT=simple shows the other; the request counts are the same.
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { accessLogObjects } from '../source/demo/log-generator.js';
import { writeInventory, type InventoryEntry, type WrittenInventory } from '../test/support/inventory.js';
import { seedTemplate } from './seed.js';
import type { BenchObject } from './workloads.js';

export const PLAN_DAYS = 30;
export type PlanLayout = 'partitioned' | 'simple';
export const LAYOUT_IDS: Readonly<Record<PlanLayout, string>> = {
  partitioned: 's3-access-partitioned',
  simple: 's3-access-simple',
};
export const FIRST_DAY = '2024-04-01';
export const LAST_DAY = '2024-04-30';
const SEED = 15;

export interface SeededKeys {
  readonly objects: readonly BenchObject[];
  readonly bytes: number;
  readonly seedMs: number;
  /** The bucket as an inventory lists it: key, size, ETag (the MD5 of a single-part PUT), time. */
  readonly entries: readonly InventoryEntry[];
}

/** `total` keys over 30 days, as evenly as whole numbers allow (100,000 is not a multiple of 30). */
export function accessLogKeys(
  total: number,
  layout: PlanLayout,
): Array<BenchObject & { readonly md5: string }> {
  const first = new Date(`${FIRST_DAY}T00:00:00Z`).getTime();
  return Array.from({ length: PLAN_DAYS }, (_, day) => {
    const count = Math.floor(((day + 1) * total) / PLAN_DAYS) - Math.floor((day * total) / PLAN_DAYS);
    return accessLogObjects({
      prefix: 'logs/',
      days: [new Date(first + day * 86_400_000)],
      objectsPerDay: count,
      sourceBucket: 'www.example.com',
      seed: SEED + day,
      partition: layout === 'partitioned' ? { account: '111122223333', region: 'eu-west-1' } : undefined,
    });
  })
    .flat()
    .map(({ key, body }) => ({
      key,
      size: body.length,
      chunks: () => [body],
      md5: createHash('md5').update(body).digest('hex'),
    }));
}

export async function seedKeys(
  s3: S3Client,
  bucket: string,
  total: number,
  layout: PlanLayout,
  onProgress: (done: number) => void,
): Promise<SeededKeys> {
  const objects = accessLogKeys(total, layout);
  const started = performance.now();
  // 16 PUTs in flight, as the collapse bench seeds small objects: the server is single-threaded.
  await seedTemplate(s3, bucket, objects, 16, onProgress);
  const seededAt = new Date();
  return {
    objects,
    bytes: objects.reduce((sum, object) => sum + object.size, 0),
    seedMs: performance.now() - started,
    // Built from what was PUT rather than listed back: a listing of 100,000 keys from s3rver walks
    // its folder once per page (minutes), and the inventory would then cost more than the LIST plan.
    entries: objects.map(({ key, size, md5 }) => ({ key, size, etag: md5, lastModified: seededAt })),
  };
}

/** A CSV inventory of the seeded keys, in `files` data files, into the reports bucket. */
export function inventoryOf(
  s3: S3Client,
  reportsBucket: string,
  sourceBucket: string,
  seeded: SeededKeys,
  files: number,
): Promise<WrittenInventory> {
  return writeInventory(s3, reportsBucket, seeded.entries, { format: 'CSV', sourceBucket, files });
}
