// Where the tool's own CPU goes on one workload: seeds a local server, runs `dist/cli.js` once under
// --cpu-prof and prints its self time by owner (an npm package, a module of dist/, or V8/Node itself).
// That is tsc's output, one module a file, not the bundle users run (dist/bin/): a bundle's functions
// all live in a few chunks, which tells no owner apart. Start-up costs a little more unbundled.
//   npm run bench:profile                          cloudtrail-2k at scale 1
//   BENCH_WORKLOADS=access-20k BENCH_SCALE=0.5 npm run bench:profile
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pMap from 'p-map';
import { createS3Client } from '../source/aws/s3-client.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../source/demo/s3-server.js';
import { buildWorkload, WORKLOAD_NAMES, type WorkloadName } from './workloads.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Who a sample's time belongs to: the nearest frame outside Node's own code. */
function ownerOf(url: string, name: string): string | undefined {
  if (url === '') return name.startsWith('(') ? name : undefined;
  if (url.startsWith('node:')) return undefined;
  const inModules = url.split('node_modules/').at(-1)!;
  if (inModules !== url) {
    const parts = inModules.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return url.split('/dist/').at(-1);
}

function selfTimeByOwner(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<string, number>();
  profile.samples.forEach((sample, index) => {
    let id: number | undefined = sample;
    let owner: string | undefined;
    while (id !== undefined && owner === undefined) {
      const node = byId.get(id);
      owner = node && ownerOf(node.callFrame.url, node.callFrame.functionName);
      id = parent.get(id!);
    }
    const key = owner ?? 'node (internal)';
    owners.set(key, (owners.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return owners;
}

const name = (process.env.BENCH_WORKLOADS ?? 'cloudtrail-2k') as WorkloadName;
if (!WORKLOAD_NAMES.includes(name)) throw new Error(`BENCH_WORKLOADS: one of ${WORKLOAD_NAMES.join(', ')}`);
const workload = buildWorkload(name, Number(process.env.BENCH_SCALE ?? 1));
const server = await startLocalS3();
try {
  const s3 = createS3Client({ endpoint: server.endpoint, credentials: LOCAL_S3_CREDENTIALS });
  const bucket = 'profile-bench';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await pMap(
    workload.objects,
    (object) =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: Buffer.concat([...object.chunks()]) }),
      ),
    { concurrency: workload.seedConcurrency },
  );
  s3.destroy();
  const directory = mkdtempSync(join(tmpdir(), 's3collapse-profile-'));
  const started = performance.now();
  execFileSync(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${directory}`,
      'dist/cli.js',
      ...['--endpoint', server.endpoint, '--bucket', bucket, '--from', workload.from, '--to', workload.to],
      ...['--yes', '--json'],
    ],
    {
      env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      stdio: 'ignore',
    },
  );
  const wall = performance.now() - started;
  const file = readdirSync(directory).find((entry) => entry.endsWith('.cpuprofile'))!;
  const owners = selfTimeByOwner(JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile);
  const total = [...owners.values()].reduce((sum, ms) => sum + ms, 0);
  console.log(
    `${workload.title}: ${(wall / 1000).toFixed(2)} s wall, ${(total / 1000).toFixed(2)} s profiled`,
  );
  for (const [owner, ms] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`${ms.toFixed(0).padStart(7)} ms  ${((ms / total) * 100).toFixed(0).padStart(3)}%  ${owner}`);
} finally {
  await server.stop();
}
