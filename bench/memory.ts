// Peak RSS of the tool against the number and total size of the objects it collapses: it must not grow
// with either. Each case runs in its own child process. Usage: npm run bench:memory
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createS3Client } from '../source/aws/s3-client.js';
import { seedBuckets } from '../source/demo/demo.js';
import type { SeedObject } from '../source/demo/log-generator.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../source/demo/s3-server.js';
import { formatBytes, formatCount } from '../source/format.js';

// The SDK in this process would warn about Node 20 on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const run = promisify(execFile);
/** The old-generation cap of each run: the run must fit in it whatever the number or size of objects. */
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 64);
const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

function objects(count: number, size: number): SeedObject[] {
  return Array.from({ length: count }, (_, index) => {
    const second = Math.floor((index / count) * 86_400);
    const stamp = new Date(Date.UTC(2024, 4, 1, 0, 0, second))
      .toISOString()
      .slice(0, 19)
      .replace(/[T:]/g, '-');
    return {
      key: `logs/${stamp}-${index.toString(16).toUpperCase().padStart(16, '0')}`,
      body: Buffer.alloc(size, `line ${index}\n`),
    };
  });
}

const CASES = [
  { name: 'small', count: 4000, size: 4096 },
  { name: '4× as many', count: 16000, size: 4096 },
  { name: 'few large', count: 24, size: 8 * 1024 * 1024 },
];

const server = await startLocalS3();
const s3 = createS3Client({ endpoint: server.endpoint, credentials: LOCAL_S3_CREDENTIALS });
try {
  console.log(
    `memory: peak RSS of one run of the tool per case (a child process each, old space capped at ${HEAP_MB} MB; local s3rver)`,
  );
  for (const [index, one] of CASES.entries()) {
    const bucket = `memory-${index}`;
    await seedBuckets(s3, [{ name: bucket, what: one.name, objects: objects(one.count, one.size) }]);
    // A capped heap shows what the run keeps, apart from garbage V8 has not collected yet.
    const { stdout } = await run(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', CHILD, server.endpoint, bucket, '2024-05-01'],
      {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        maxBuffer: 1024 * 1024,
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      status: string;
      keys: number;
      bytes: number;
      maxRssKiB: number;
    };
    console.log(
      `${one.name.padEnd(11)} ${formatCount(result.keys).padStart(6)} objects  ${formatBytes(result.bytes).padStart(8)}  ${result.status}  peak RSS ${formatBytes(result.maxRssKiB * 1024)}`,
    );
  }
} finally {
  s3.destroy();
  await server.stop();
}
