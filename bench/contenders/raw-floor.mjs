// The floor issue 13 measures the tool against: only the requests a collapse needs, and no logic. List
// each day, GET every key through ONE pool of 32 shared by all days, write each day's bytes in key
// order as one PUT (multipart in 8 MiB parts when larger, streamed), DeleteObjects in batches of 1000.
// No plan, manifest, checksum or verification. Usage: node raw-floor.mjs SPEC.json
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Buffer } from 'node:buffer';
import { clientFor, listObjects, readSpec } from './s3-client.mjs';

const GETS = 32;
const PART = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
/** Bytes fetched but not yet uploaded: a 2 GiB day of 64 MiB objects must not sit in memory. */
const WINDOW = 128 * 1024 * 1024;

const spec = await readSpec(process.argv[2]);
const s3 = clientFor(spec.endpoint);
const Bucket = spec.bucket;

/** Bytes in flight, granted first come first served: keys ask in key order, so none waits forever. */
const window = {
  free: WINDOW,
  waiting: [],
  acquire(bytes) {
    const need = Math.min(bytes, WINDOW);
    if (this.waiting.length === 0 && this.free >= need) {
      this.free -= need;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ need, resolve }));
  },
  release(bytes) {
    this.free += bytes;
    while (this.waiting.length > 0 && this.free >= this.waiting[0].need) {
      const next = this.waiting.shift();
      this.free -= next.need;
      next.resolve();
    }
  },
};

/** One day's output: takes bodies in any order, writes them in key order. */
function dayWriter(group, objects) {
  const total = objects.reduce((sum, object) => sum + object.size, 0);
  const pending = new Map();
  const parts = [];
  const uploads = new Set();
  let next = 0;
  const buffered = [];
  let bufferedBytes = 0;
  let uploadId;
  let chain = Promise.resolve();

  /** The next PART bytes, copied only where they span bodies: a 64 MiB body is cut, not copied. */
  const takePart = () => {
    const pieces = [];
    for (let need = PART; need > 0;) {
      const head = buffered[0];
      if (head.length <= need) {
        pieces.push(buffered.shift());
        need -= head.length;
      } else {
        pieces.push(head.subarray(0, need));
        buffered[0] = head.subarray(need);
        need = 0;
      }
    }
    bufferedBytes -= PART;
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  };

  const uploadPart = async (body) => {
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: group.outputKey }))).UploadId;
    const PartNumber = parts.length + 1;
    parts.push(undefined);
    const sent = s3
      .send(
        new UploadPartCommand({ Bucket, Key: group.outputKey, UploadId: uploadId, PartNumber, Body: body }),
      )
      .then(({ ETag }) => {
        parts[PartNumber - 1] = { ETag, PartNumber };
        window.release(body.length);
      });
    uploads.add(sent);
    const settled = () => uploads.delete(sent);
    sent.then(settled, settled);
    if (uploads.size >= PARTS_IN_FLIGHT) await Promise.race(uploads);
  };

  const drain = async () => {
    while (pending.has(next)) {
      const body = pending.get(next);
      pending.delete(next);
      next += 1;
      buffered.push(body);
      bufferedBytes += body.length;
      while (total >= PART && bufferedBytes >= PART) await uploadPart(takePart());
    }
  };

  return {
    deliver(index, body) {
      pending.set(index, body);
      chain = chain.then(drain);
    },
    async finish() {
      await chain;
      const rest = Buffer.concat(buffered);
      if (total < PART) {
        await s3.send(new PutObjectCommand({ Bucket, Key: group.outputKey, Body: rest }));
        window.release(rest.length);
      } else {
        if (rest.length > 0) await uploadPart(rest);
        await Promise.all(uploads);
        await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket,
            Key: group.outputKey,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      }
      const keys = objects.map((object) => object.key);
      const batches = [];
      for (let start = 0; start < keys.length; start += 1000) batches.push(keys.slice(start, start + 1000));
      await Promise.all(
        batches.map((batch) =>
          s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((Key) => ({ Key })) } })),
        ),
      );
    },
  };
}

const days = await Promise.all(
  spec.groups.map(async (group) => {
    const objects = await listObjects(s3, Bucket, group.listPrefix);
    return { objects, writer: dayWriter(group, objects) };
  }),
);
const tasks = days.flatMap(({ objects, writer }) =>
  objects.map((object, index) => ({ object, index, writer })),
);
let taken = 0;
await Promise.all(
  Array.from({ length: GETS }, async () => {
    while (taken < tasks.length) {
      const { object, index, writer } = tasks[taken++];
      await window.acquire(object.size);
      const answer = await s3.send(new GetObjectCommand({ Bucket, Key: object.key }));
      const bytes = await answer.Body.transformToByteArray();
      writer.deliver(index, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
  }),
);
await Promise.all(days.map(({ writer }) => writer.finish()));
s3.destroy();
