// What the original Python tool (s3collapse, the seed) did, one request at a time: per day, download
// each key and append it to a local temp file, upload the file, then delete the keys one by one.
// Usage: node one-at-a-time.mjs SPEC.json
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { clientFor, listObjects, readSpec } from './s3-client.mjs';

const spec = await readSpec(process.argv[2]);
const s3 = clientFor(spec.endpoint);
const Bucket = spec.bucket;
const scratch = await mkdtemp(join(tmpdir(), 's3collapse-one-at-a-time-'));
try {
  for (const group of spec.groups) {
    const objects = await listObjects(s3, Bucket, group.listPrefix);
    const file = join(scratch, 'collapsed');
    await rm(file, { force: true });
    for (const { key } of objects) {
      const answer = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
      await pipeline(answer.Body, createWriteStream(file, { flags: 'a' }));
    }
    const { size } = await stat(file);
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: group.outputKey,
        Body: createReadStream(file),
        ContentLength: size,
      }),
    );
    for (const { key } of objects) await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
  s3.destroy();
}
