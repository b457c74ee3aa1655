// Seeds a local S3 server with many small log objects, then times the tool against the raw floor
// (the same requests with no logic) and the seed's approach (one key at a time), and prints ratios.
// Usage: npm run bench  [BENCH_OBJECTS=2000 BENCH_REPEATS=3 BENCH_SIZE=2048]
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import pMap from 'p-map';
import { createS3Client } from '../source/aws/s3-client.js';
import { seedBuckets } from '../source/demo/demo.js';
import { randomSource, type SeedObject } from '../source/demo/log-generator.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../source/demo/s3-server.js';
import { planRun } from '../source/engine/plan.js';
import { listPages } from '../source/engine/s3-objects.js';
import { executePlan } from '../source/engine/run.js';
import { DEFAULT_RUN_OPTIONS } from '../source/engine/types.js';
import { formatBytes, formatCount } from '../source/format.js';
import { s3AccessSimple } from '../source/layouts/s3-access-simple.js';
import { periodOf } from '../source/periods.js';
import { startFaultProxy } from '../test/support/fault-proxy.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 2000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SIZE = Number(process.env.BENCH_SIZE ?? 2048);
/** Added to every request: a local server answers in well under a millisecond, S3 in tens. */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const DAY = new Date('2024-05-01T00:00:00Z');

function objects(seed: number): SeedObject[] {
  const random = randomSource(seed);
  return Array.from({ length: OBJECTS }, (_, index) => {
    const at = new Date(DAY.getTime() + Math.floor((index / OBJECTS) * 86_400_000));
    const stamp = at.toISOString().slice(0, 19).replace(/[T:]/g, '-');
    const unique = Array.from({ length: 16 }, () => '0123456789ABCDEF'[Math.floor(random() * 16)]).join('');
    const line = `${'x'.repeat(SIZE - 1)}\n`;
    return { key: `logs/${stamp}-${unique}`, body: Buffer.from(line) };
  });
}

async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of listPages(s3, bucket, prefix))
    for (const object of page) if (object.Key) keys.push(object.Key);
  return keys;
}

async function deleteAll(s3: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let index = 0; index < keys.length; index += 1000) {
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(index, index + 1000).map((Key) => ({ Key })) },
      }),
    );
  }
}

/** The same requests as the tool — list, GET every key 32 at a time, one upload, deletes — and no logic. */
async function rawFloor(s3: S3Client, bucket: string): Promise<void> {
  const keys = await listAll(s3, bucket, 'logs/2024-05-01-');
  const bodies = await pMap(
    keys,
    async (key) =>
      Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        ).Body!.transformToByteArray(),
      ),
    { concurrency: 32 },
  );
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: 'logs/floor_collapsed', Body: Buffer.concat(bodies) },
    partSize: 8 * 1024 * 1024,
  }).done();
  await deleteAll(s3, bucket, keys);
}

/** The seed's approach: one GET at a time into a buffer, one upload, one delete per key. */
async function oneAtATime(s3: S3Client, bucket: string): Promise<void> {
  const keys = await listAll(s3, bucket, 'logs/2024-05-01-');
  const parts: Buffer[] = [];
  for (const key of keys)
    parts.push(
      Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        ).Body!.transformToByteArray(),
      ),
    );
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'logs/seed_collapsed', Body: Buffer.concat(parts) }),
  );
  await deleteAll(s3, bucket, keys);
}

async function tool(s3: S3Client, bucket: string): Promise<void> {
  const ctx = { s3, bucket, now: () => new Date() };
  const plan = await planRun(ctx, {
    layout: s3AccessSimple,
    root: 'logs/',
    by: 'day',
    periods: [periodOf(DAY, 'day')],
  });
  const result = await executePlan(ctx, plan, DEFAULT_RUN_OPTIONS, () => undefined);
  if (result.periods[0]?.status !== 'collapsed')
    throw new Error(`tool run failed: ${JSON.stringify(result.periods[0])}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const server = await startLocalS3();
  const proxy = await startFaultProxy(server.endpoint, () => ({ kind: 'pass' }), { latencyMs: LATENCY_MS });
  const s3 = createS3Client({ endpoint: proxy.endpoint, credentials: LOCAL_S3_CREDENTIALS });
  // Seeding goes straight to the server: only the measured runs pay the emulated latency.
  const seeder = createS3Client({ endpoint: server.endpoint, credentials: LOCAL_S3_CREDENTIALS });
  const runners = { tool, 'raw floor': rawFloor, 'one at a time (seed)': oneAtATime } as const;
  const times: Record<string, number[]> = {};
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    console.log(
      `bench: ${formatCount(OBJECTS)} objects of ${formatBytes(SIZE)} in one day, ${REPEATS} runs each, local s3rver + ${LATENCY_MS} ms per request`,
    );
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      for (const [name, run] of Object.entries(runners)) {
        if (name.startsWith('one at a time') && repeat > 0) continue;
        const bucket = `bench-${repeat}-${name.replace(/[^a-z]/g, '')}`.slice(0, 40);
        await seedBuckets(seeder, [{ name: bucket, what: 'bench', objects: objects(repeat + 1) }]);
        const started = performance.now();
        await run(s3, bucket);
        (times[name] ??= []).push(performance.now() - started);
      }
    }
  } finally {
    clearInterval(sampler);
    s3.destroy();
    seeder.destroy();
    await proxy.close();
    await server.stop();
  }
  const floor = median(times['raw floor']!);
  for (const [name, values] of Object.entries(times)) {
    const ms = median(values);
    console.log(
      `${name.padEnd(22)} median ${String(Math.round(ms)).padStart(6)} ms  ${formatCount(Math.round(OBJECTS / (ms / 1000))).padStart(6)} objects/s  ${(ms / floor).toFixed(2)}× the floor  (runs: ${values.map((v) => Math.round(v)).join(', ')})`,
    );
  }
  console.log(
    `peak RSS ${formatBytes(peakRss)} (start ${formatBytes(rssBefore)}); the raw floor holds every body in memory, the tool a bounded window`,
  );
}

await main();
