// npm run bench: seeds a local S3 server with each workload, collapses it with the tool and with every
// alternative (each its own process, each on a fresh identical bucket, behind a latency proxy), checks
// that all wrote the same bytes, and prints one table; writes bench/results/latest.json and
// docs/bench.svg. Knobs: see config.ts. Quick run: npm run bench:quick.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalS3 } from '../source/demo/s3-server.js';
import { writeChart } from './chart.js';
import { configFromEnv, RANGE_CHECK } from './config.js';
import { CONTENDERS_BY_ID, type Contender } from './contenders.js';
import { pidListeningOn } from './measure.js';
import { rangeCheck } from './range-check.js';
import { printReport, runLine, seconds } from './report.js';
import { writeResults, type BenchResults, type RangeCheck, type RunRecord } from './results.js';
import { bucketName, runCase, type BenchServer } from './run-case.js';
import { benchClient } from './s3.js';
import { dropBucket, seedTemplate } from './seed.js';
import { expectedOutputs } from './verify.js';
import { buildWorkload, type Workload } from './workloads.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GiB = 1024 ** 3;

function exitCodeOf(
  command: string,
  args: readonly string[],
  capture = false,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: capture ? ['ignore', 'pipe', 'ignore'] : 'inherit',
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** A fresh clone has no dist/: the tool contender runs the built CLI. */
async function ensureBuilt(): Promise<void> {
  if (existsSync(join(ROOT, 'dist', 'bin', 'cli.js'))) return;
  console.log('dist/ is missing: npm run build');
  const { code } = await exitCodeOf('npm', ['run', 'build']);
  if (code !== 0) throw new Error(`npm run build exited ${code}`);
}

/**
 * Template, output, and the AWS CLI's local copies in and out, with room to spare: five times the
 * workload, 10 GiB for the 2 GiB one. The server's folder is where those bytes go.
 */
async function lacksDisk(directory: string, workload: Workload): Promise<string | undefined> {
  const { bavail, bsize } = await statfs(directory);
  const free = bavail * bsize;
  const needed = workload.bytes * 5;
  return free < needed
    ? `${workload.name}: skipped (${(free / GiB).toFixed(1)} GiB free in ${directory}, needs ${(needed / GiB).toFixed(1)} GiB)`
    : undefined;
}

// The SDK in this process (seeding, checking) would warn about Node 20 on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const config = configFromEnv();
const benchStarted = performance.now();
await ensureBuilt();
const localS3 = await startLocalS3();
const server: BenchServer = {
  endpoint: localS3.endpoint,
  directory: localS3.directory,
  pid: await pidListeningOn(Number(new URL(localS3.endpoint).port)),
  direct: benchClient(localS3.endpoint),
  scratch: await mkdtemp(join(tmpdir(), 's3collapse-bench-')),
};
const runs: RunRecord[] = [];
const skipped: string[] = [];
const workloadsRun: Array<BenchResults['workloads'][number]> = [];
let range: RangeCheck | null = null;

const active: Contender[] = [];
for (const id of config.contenders) {
  const contender = CONTENDERS_BY_ID[id];
  const reason = await contender.unavailable();
  if (reason) {
    skipped.push(`${contender.label}: skipped (${reason})`);
    console.log(skipped.at(-1));
  } else active.push(contender);
}
if (server.pid === undefined)
  console.log('server CPU: the s3rver process was not found through /proc; shown as –');

try {
  console.log(
    `bench: ${[...config.workloads, ...(config.rangeCheck ? [RANGE_CHECK] : [])].join(', ')}; latencies ${config.latencies.join(', ')} ms; ${config.repeats} repeat(s); scale ${config.scale}; ${active.map((c) => c.label).join(', ')}${config.throttleEvery ? `; every ${config.throttleEvery}th GET answered 503 SlowDown` : ''}`,
  );
  for (const name of config.workloads) {
    const workload = buildWorkload(name, config.scale);
    const short = await lacksDisk(server.directory, workload);
    if (short) {
      skipped.push(short);
      console.log(short);
      continue;
    }
    const template = bucketName('template', name);
    const seedStarted = performance.now();
    await seedTemplate(server.direct, template, workload.objects, workload.seedConcurrency, () => undefined);
    const expected = expectedOutputs(workload);
    console.log(
      `\n${name}: ${workload.title}, ${(workload.bytes / 1024 ** 2).toFixed(0)} MiB, ${workload.groups.length} outputs (seeded in ${seconds(performance.now() - seedStarted)} s)`,
    );
    workloadsRun.push({
      name,
      title: workload.title,
      objects: workload.objects.length,
      bytes: workload.bytes,
      outputs: workload.groups.length,
    });
    const checked = new Set<string>();
    for (const latencyMs of config.latencies)
      for (let repeat = 0; repeat < config.repeats; repeat += 1)
        for (const contender of active) {
          if (repeat >= contender.repeats(config.repeats)) continue;
          // Outputs are read back through SHA-256 once per contender and workload; sizes otherwise.
          const full = !checked.has(contender.id);
          checked.add(contender.id);
          const run = await runCase(server, {
            workload,
            template,
            expected,
            latencyMs,
            contender,
            repeat,
            full,
            throttleEvery: config.throttleEvery,
          });
          runs.push(run);
          console.log(runLine(run));
        }
    await dropBucket(server.directory, template);
  }
  if (config.rangeCheck) {
    range = await rangeCheck(server.endpoint, server.direct, server.scratch);
    for (const problem of range.problems) console.log(`  !!! range-1of30: ${problem}`);
  }
} finally {
  server.direct.destroy();
  await localS3.stop();
  await rm(server.scratch, { recursive: true, force: true });
}

const commit = await exitCodeOf('git', ['rev-parse', '--short', 'HEAD'], true).catch(() => ({ out: '' }));
const results: BenchResults = {
  format: 's3collapse-bench/1',
  date: new Date().toISOString(),
  machine: {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / GiB),
    os: `${osType()} ${release()}`,
  },
  node: process.version,
  commit: commit.out.trim(),
  settings: {
    scale: config.scale,
    repeats: config.repeats,
    latenciesMs: config.latencies,
    ...(config.throttleEvery ? { throttleEvery: config.throttleEvery } : {}),
  },
  workloads: workloadsRun,
  runs,
  skipped,
  rangeCheck: range,
  totalMinutes: Number(((performance.now() - benchStarted) / 60_000).toFixed(1)),
};
printReport(results);
if (runs.length > 0) {
  await writeResults(results);
  await writeChart(results);
  console.log(`\nwrote bench/results/latest.json and docs/bench.svg in ${results.totalMinutes} min`);
} else console.log('\nno contender ran: bench/results/latest.json and docs/bench.svg left as they were');
if (runs.some((run) => run.problems.length > 0) || (range?.problems.length ?? 0) > 0) process.exitCode = 1;
