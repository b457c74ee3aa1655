// Puts a workload on the local server once, through the S3 API, into a template bucket; each contender
// run then gets a fresh bucket cloned from it on disk. s3rver keeps a bucket as a folder of plain files
// and never writes an input in place (a PUT writes a new file and renames it; a delete unlinks), so a
// hard-linked copy is an identical, independent bucket in milliseconds instead of a minute of PUTs.
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pMap from 'p-map';
import type { BenchObject } from './workloads.js';

function bodyOf(object: BenchObject): Buffer | Readable {
  const chunks = object.chunks()[Symbol.iterator]();
  const first = chunks.next();
  // One chunk is the whole (small) body; more are streamed, so a 64 MiB object is never built.
  if (!first.done && chunks.next().done) return first.value;
  return Readable.from(object.chunks());
}

export async function seedTemplate(
  s3: S3Client,
  bucket: string,
  objects: readonly BenchObject[],
  concurrency: number,
  onProgress: (done: number) => void,
): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  let done = 0;
  await pMap(
    objects,
    async (object) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: bodyOf(object),
          ContentLength: object.size,
        }),
      );
      onProgress((done += 1));
    },
    { concurrency },
  );
}

function run(command: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', resolve);
  });
}

/** A new bucket holding exactly the template's objects; a plain copy where hard links are refused. */
export async function cloneBucket(directory: string, template: string, bucket: string): Promise<void> {
  const from = join(directory, template);
  const to = join(directory, bucket);
  if ((await run('cp', ['-al', from, to])) === 0) return;
  await rm(to, { recursive: true, force: true });
  const code = await run('cp', ['-R', from, to]);
  if (code !== 0) throw new Error(`could not copy bucket ${template} to ${bucket} (cp exited ${code})`);
}

/** Frees the disk a finished run used (a 2 GiB output, for the large workload). */
export async function dropBucket(directory: string, bucket: string): Promise<void> {
  await rm(join(directory, bucket), { recursive: true, force: true });
}
