// What one request of each kind costs the local server, in its own CPU time: the bench's workloads
// are bound by this single-threaded server, so these prices tell which part of a contender's time
// is the server's. Then each contender's requests (from bench/results/latest.json) are priced, for
// the server time its requests alone explain. Usage: npm run bench:server
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startLocalS3 } from '../source/demo/s3-server.js';
import { cpuSecondsOf, pidListeningOn } from './measure.js';
import { readResults, summarize } from './results.js';
import { benchClient } from './s3.js';
import { seedTemplate } from './seed.js';
import { buildWorkload } from './workloads.js';

const COSTS_FILE = fileURLToPath(new URL('./results/server-costs.json', import.meta.url));

interface Price {
  readonly operation: string;
  readonly what: string;
  readonly ms: number;
}

async function price(
  serverPid: number,
  operation: string,
  what: string,
  times: number,
  send: (index: number) => Promise<unknown>,
): Promise<Price> {
  // Sequential requests: the server does nothing else meanwhile, so its CPU time is theirs.
  const before = await cpuSecondsOf(serverPid);
  for (let index = 0; index < times; index += 1) await send(index);
  const ms = ((await cpuSecondsOf(serverPid)) - before) * 1000;
  return { operation, what, ms: ms / times };
}

const body = async (answer: { Body?: { transformToByteArray(): Promise<Uint8Array> } }) =>
  answer.Body?.transformToByteArray();

async function priceAll(s3: S3Client, serverPid: number): Promise<Price[]> {
  const access = buildWorkload('access-20k', 1);
  process.stderr.write(`seeding ${access.objects.length} access-log objects…\n`);
  await seedTemplate(s3, 'costs', access.objects, 16, () => undefined);
  const keys = access.objects.map((object) => object.key);
  const day = access.groups[2]!;
  // Read before pricing, so the conditional GETs are priced alone.
  const etags = await Promise.all(
    keys
      .slice(500, 1000)
      .map(async (Key) => (await s3.send(new HeadObjectCommand({ Bucket: 'costs', Key }))).ETag),
  );
  const prices = [
    await price(serverPid, 'HeadBucket', 'a bucket of 20,000 objects', 20, () =>
      s3.send(new HeadBucketCommand({ Bucket: 'costs' })),
    ),
    await price(serverPid, 'GetBucketVersioning', '', 20, () =>
      s3.send(new GetBucketVersioningCommand({ Bucket: 'costs' })),
    ),
    await price(serverPid, 'ListObjectsV2', 'one day: a page of 1,000 of 20,000 keys', 10, () =>
      s3.send(new ListObjectsV2Command({ Bucket: 'costs', Prefix: day.listPrefix })),
    ),
    await price(serverPid, 'ListObjectsV2', 'the sample of detection: 200 keys', 10, () =>
      s3.send(new ListObjectsV2Command({ Bucket: 'costs', Prefix: 'logs/', MaxKeys: 200 })),
    ),
    await price(serverPid, 'GetObject', 'a 1–4 KiB log', 500, (index) =>
      s3.send(new GetObjectCommand({ Bucket: 'costs', Key: keys[index]! })).then(body),
    ),
    await price(serverPid, 'GetObject', 'a 1–4 KiB log, If-Match its ETag', 500, (index) =>
      s3
        .send(new GetObjectCommand({ Bucket: 'costs', Key: keys[500 + index]!, IfMatch: etags[index] }))
        .then(body),
    ),
    await price(serverPid, 'HeadObject', 'a missing key', 200, (index) =>
      s3.send(new HeadObjectCommand({ Bucket: 'costs', Key: `missing-${index}` })).catch(() => undefined),
    ),
    await price(serverPid, 'PutObject', 'a 2 KiB manifest, If-None-Match', 200, (index) =>
      s3.send(
        new PutObjectCommand({
          Bucket: 'costs',
          Key: `m/${index}`,
          Body: 'x'.repeat(2048),
          IfNoneMatch: '*',
        }),
      ),
    ),
  ];
  // Deletes change the bucket: priced last, on keys no earlier request touched.
  const batch = (from: number, etags: boolean) =>
    Promise.all(
      keys.slice(from, from + 1000).map(async (Key) => ({
        Key,
        ...(etags ? { ETag: (await s3.send(new HeadObjectCommand({ Bucket: 'costs', Key }))).ETag } : {}),
      })),
    );
  const plain = await batch(2000, false);
  const withEtags = await batch(4000, true);
  prices.push(
    await price(serverPid, 'DeleteObjects', '1,000 keys', 1, () =>
      s3.send(new DeleteObjectsCommand({ Bucket: 'costs', Delete: { Objects: plain } })),
    ),
    await price(serverPid, 'DeleteObjects', '1,000 keys, each with its ETag', 1, () =>
      s3.send(new DeleteObjectsCommand({ Bucket: 'costs', Delete: { Objects: withEtags } })),
    ),
  );
  return prices;
}

const MiB = 1024 * 1024;

/** One multipart output of 64 MiB, its parts sent or copied; returns when it is complete. */
async function multipart(
  s3: S3Client,
  key: string,
  part: (uploadId: string, number: number) => Promise<CompletedPart>,
  parts: number,
): Promise<void> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'costs', Key: key }));
  const completed = [];
  for (let number = 1; number <= parts; number += 1) completed.push(await part(UploadId!, number));
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'costs',
      Key: key,
      UploadId,
      MultipartUpload: { Parts: completed },
    }),
  );
}

/**
 * What 64 MiB cost the server each way a collapse of large inputs can move them: read (GET), sent as
 * one PUT or as 8 MiB parts, or copied on the server (UploadPartCopy) — the part the tool cannot
 * make cheaper.
 */
async function priceLarge(s3: S3Client, serverPid: number): Promise<Price[]> {
  const data = Buffer.alloc(64 * MiB, 'a large log record\n');
  const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');
  await s3.send(new PutObjectCommand({ Bucket: 'costs', Key: 'large/source', Body: data }));
  const eighth = (number: number) => data.subarray((number - 1) * 8 * MiB, number * 8 * MiB);
  return [
    await price(serverPid, 'GetObject', '64 MiB', 4, () =>
      s3.send(new GetObjectCommand({ Bucket: 'costs', Key: 'large/source' })).then(body),
    ),
    await price(serverPid, 'PutObject', '64 MiB, with its Content-MD5', 4, (index) =>
      s3.send(
        new PutObjectCommand({
          Bucket: 'costs',
          Key: `large/put-${index}`,
          Body: data,
          ContentMD5: md5(data),
        }),
      ),
    ),
    await price(serverPid, 'UploadPart', '64 MiB in 8 parts, with Complete', 4, (index) =>
      multipart(
        s3,
        `large/parts-${index}`,
        async (UploadId, PartNumber) => {
          const bytes = eighth(PartNumber);
          const answer = await s3.send(
            new UploadPartCommand({
              Bucket: 'costs',
              Key: `large/parts-${index}`,
              UploadId,
              PartNumber,
              Body: bytes,
              ContentMD5: md5(bytes),
            }),
          );
          return { PartNumber, ETag: answer.ETag };
        },
        8,
      ),
    ),
    await price(serverPid, 'UploadPartCopy', '64 MiB as one copied part, with Complete', 4, (index) =>
      multipart(
        s3,
        `large/copy-${index}`,
        async (UploadId, PartNumber) => {
          const answer = await s3.send(
            new UploadPartCopyCommand({
              Bucket: 'costs',
              Key: `large/copy-${index}`,
              UploadId,
              PartNumber,
              CopySource: 'costs/large/source',
            }),
          );
          return { PartNumber, ETag: answer.CopyPartResult?.ETag };
        },
        1,
      ),
    ),
  ];
}

async function main(): Promise<void> {
  const server = await startLocalS3();
  const s3 = benchClient(server.endpoint);
  try {
    const serverPid = await pidListeningOn(Number(new URL(server.endpoint).port));
    if (!serverPid) throw new Error('the local server process was not found');
    const prices = [...(await priceAll(s3, serverPid)), ...(await priceLarge(s3, serverPid))];
    console.log('server CPU per request (local s3rver, one request at a time)');
    for (const one of prices)
      console.log(`  ${one.operation.padEnd(20)} ${one.what.padEnd(44)} ${one.ms.toFixed(2).padStart(8)} ms`);
    await writeFile(COSTS_FILE, `${JSON.stringify({ date: new Date().toISOString(), prices }, null, 2)}\n`);
    explainResults(prices).catch(() => undefined);
  } finally {
    s3.destroy();
    await server.stop();
  }
}

/** Each contender's requests in the last bench run, priced: the server time they alone explain. */
async function explainResults(prices: readonly Price[]): Promise<void> {
  const results = await readResults();
  const cost = (operation: string) =>
    prices.find((one) => one.operation === operation && !one.what.includes('sample'))?.ms ?? 0;
  console.log('\nrequests of the last bench run, priced (access-20k, 0 ms):');
  for (const summary of summarize(results.runs)) {
    if (summary.workload !== 'access-20k' || summary.latencyMs !== 0) continue;
    const requests = Object.entries(summary.requests);
    const ms = requests.reduce((total, [operation, count]) => total + count * cost(operation), 0);
    console.log(
      `  ${summary.contender.padEnd(14)} ${(ms / 1000).toFixed(1).padStart(6)} s priced, ${(summary.serverCpuS?.toFixed(1) ?? '–').padStart(6)} s measured server CPU`,
    );
  }
}

await main();
