// npm run bench:plan — planning from S3 Inventory against planning by LIST (issue 15). Seeds small
// access logs over 30 days into the local server, writes an S3 Inventory delivery (CSV) of them, then
// runs the built CLI's `plan --out` both ways, each its own process behind a counting latency proxy,
// and checks that every plan holds the same units. Writes bench/results/plan-sources.json.
// Knobs: BENCH_PLAN_KEYS=100000 (keys seeded), BENCH_PLAN_FILES=8 (inventory data files),
//        BENCH_LATENCIES=0,20 (ms added per request), BENCH_REPEATS=3 (runs per case; median shown),
//        BENCH_PLAN_LAYOUT=partitioned|simple (the access-log layout; see plan-keys.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { format, resolveConfig } from 'prettier';
import { startLocalS3 } from '../source/demo/s3-server.js';
import { inventoryOf, LAYOUT_IDS, PLAN_DAYS, seedKeys, type PlanLayout } from './plan-keys.js';
import {
  runPlan,
  unitDifferences,
  type PlanRunRecord,
  type PlanSource,
  type UnitFigures,
} from './plan-run.js';
import { median } from './results.js';
import { benchClient } from './s3.js';
import { count, textTable } from './text-table.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'plan-sources.json');
const SOURCES: readonly PlanSource[] = ['list', 'inventory'];

function whole(value: string | undefined, fallback: number, name: string, min = 1): number {
  const number = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, not ${value}`);
  return number;
}

const keys = whole(process.env.BENCH_PLAN_KEYS, 100_000, 'BENCH_PLAN_KEYS', PLAN_DAYS);
const dataFiles = whole(process.env.BENCH_PLAN_FILES, 8, 'BENCH_PLAN_FILES');
const repeats = whole(process.env.BENCH_REPEATS, 3, 'BENCH_REPEATS');
const latencies = (process.env.BENCH_LATENCIES ?? '0,20').split(',').map((item) => Number(item.trim()));
if (latencies.some((latency) => !Number.isInteger(latency) || latency < 0))
  throw new Error(`BENCH_LATENCIES must be whole milliseconds, not ${process.env.BENCH_LATENCIES}`);

const layout = (process.env.BENCH_PLAN_LAYOUT ?? 'partitioned') as PlanLayout;
if (!(layout in LAYOUT_IDS))
  throw new Error(`BENCH_PLAN_LAYOUT must be partitioned or simple, not ${layout}`);

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const unitsText = (units: readonly UnitFigures[]) => JSON.stringify(units);

function gitCommit(): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', () => resolve(''));
    child.once('exit', () => resolve(out.trim()));
  });
}

/** One row per source and latency: median wall and CPU; requests of the first run (all must match). */
function summarize(runs: readonly PlanRunRecord[]) {
  return latencies.flatMap((latencyMs) =>
    SOURCES.map((source) => {
      const group = runs.filter((run) => run.source === source && run.latencyMs === latencyMs);
      const first = group[0]!;
      const same = group.every((run) => JSON.stringify(run.requests) === JSON.stringify(first.requests));
      return {
        source,
        latencyMs,
        runs: group.length,
        wallMs: median(group.map((run) => run.wallMs)),
        cpuS: median(group.map((run) => run.cpuS)),
        requests: first.requests,
        requestsSameEachRun: same,
        units: first.units.length,
        keys: first.units.reduce((sum, unit) => sum + unit.keys, 0),
      };
    }),
  );
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
if (!existsSync(join(ROOT, 'dist', 'bin', 'cli.js')))
  throw new Error('dist/bin/cli.js is missing: run npm run build first');
const started = performance.now();
const localS3 = await startLocalS3();
const direct = benchClient(localS3.endpoint);
const scratch = await mkdtemp(join(tmpdir(), 's3collapse-bench-plan-'));
const bucket = 'plan-logs';
const reports = 'plan-inventory-reports';
const runs: PlanRunRecord[] = [];
let seeded: Awaited<ReturnType<typeof seedKeys>>;
let inventoryBytes: number | undefined;
try {
  console.log(
    `bench:plan: ${count(keys)} access-log keys (${LAYOUT_IDS[layout]}) over ${PLAN_DAYS} days; latencies ${latencies.join(', ')} ms; ${repeats} repeat(s)`,
  );
  let shown = 0;
  seeded = await seedKeys(direct, bucket, keys, layout, (done) => {
    if (done - shown >= 10_000 || done === keys) {
      shown = done;
      process.stderr.write(`  seeded ${count(done)} / ${count(keys)}\n`);
    }
  });
  await direct.send(new CreateBucketCommand({ Bucket: reports }));
  const inventory = await inventoryOf(direct, reports, bucket, seeded, dataFiles);
  inventoryBytes = await inventorySize(inventory.dataKeys);
  console.log(
    `seeded ${count(keys)} keys (${(seeded.bytes / 1024 ** 2).toFixed(1)} MiB) in ${seconds(seeded.seedMs)}; inventory: ${inventory.dataKeys.length} CSV data files, ${(inventoryBytes / 1024 ** 2).toFixed(2)} MiB gzip`,
  );
  const setting = {
    serverEndpoint: localS3.endpoint,
    bucket,
    manifestUrl: inventory.manifestUrl,
    layout,
    scratch,
  };
  for (const latencyMs of latencies)
    for (let repeat = 0; repeat < repeats; repeat += 1)
      // Alternating the sources, so neither always runs on a warmer server.
      for (const source of repeat % 2 ? [...SOURCES].reverse() : SOURCES) {
        const run = await runPlan(setting, source, latencyMs, repeat);
        runs.push(run);
        console.log(
          `  ${String(latencyMs).padStart(2)} ms  ${source.padEnd(9)} #${repeat + 1}  ${seconds(run.wallMs).padStart(8)}  CPU ${run.cpuS.toFixed(1)} s  LIST ${run.requests.logLists}+${run.requests.otherLists}  GET ${run.requests.gets}  other ${run.requests.other}  ${run.units.length} units${run.problems.length ? `  FAILED: ${run.problems.join('; ')}` : ''}`,
        );
      }
} finally {
  direct.destroy();
  await localS3.stop();
  await rm(scratch, { recursive: true, force: true });
}

async function inventorySize(dataKeys: readonly string[]): Promise<number> {
  const sizes = await Promise.all(
    dataKeys.map(
      async (Key) => (await direct.send(new HeadObjectCommand({ Bucket: reports, Key }))).ContentLength ?? 0,
    ),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

// Every plan, from either source and at any latency, must hold the units of the first LIST plan.
const problems = runs.flatMap((run) =>
  run.problems.map((problem) => `${run.source} ${run.latencyMs} ms #${run.repeat + 1}: ${problem}`),
);
const reference = runs.find((run) => run.source === 'list' && run.problems.length === 0);
const differing = reference
  ? runs.filter((run) => run.problems.length === 0 && unitsText(run.units) !== unitsText(reference.units))
  : [];
const differences = differing.map((run) => ({
  run: `${run.source} ${run.latencyMs} ms #${run.repeat + 1}`,
  units: unitDifferences(reference!.units, run.units),
}));
const side = (unit: UnitFigures | null) =>
  unit ? `${count(unit.keys)} keys, ${count(unit.bytes)} bytes` : 'absent';
for (const { run, units } of differences)
  problems.push(
    `${run}: ${units.length} unit(s) differ from the first LIST plan's — ${units
      .slice(0, 4)
      .map((unit) => `${unit.id}: first LIST plan ${side(unit.reference)}, this plan ${side(unit.other)}`)
      .join('; ')}`,
  );
const plannedKeys = reference?.units.reduce((sum, unit) => sum + unit.keys, 0) ?? 0;
const plannedBytes = reference?.units.reduce((sum, unit) => sum + unit.bytes, 0) ?? 0;
if (reference && (plannedKeys !== keys || plannedBytes !== seeded!.bytes))
  problems.push(
    `the plans hold ${count(plannedKeys)} keys / ${count(plannedBytes)} bytes; ${count(keys)} keys / ${count(seeded!.bytes)} bytes were seeded`,
  );
const sameUnits = reference !== undefined && differing.length === 0 && problems.length === 0;

const summary = summarize(runs);
console.log(
  `\n${textTable([
    [
      'source',
      'latency',
      'runs',
      'median wall',
      'median CPU',
      'LIST (pages) of logs',
      'LIST elsewhere',
      'GET',
      'other',
      'units',
      'keys',
    ],
    ...summary.map((row) => [
      row.source === 'list' ? 'LIST' : 'Inventory (CSV)',
      `${row.latencyMs} ms`,
      String(row.runs),
      seconds(row.wallMs),
      `${row.cpuS.toFixed(2)} s`,
      count(row.requests.logLists),
      count(row.requests.otherLists),
      count(row.requests.gets),
      `${count(row.requests.other)}${row.requestsSameEachRun ? '' : ' (varied)'}`,
      count(row.units),
      count(row.keys),
    ]),
  ])}`,
);
const other = summary.map(
  (row) =>
    `${row.source} ${row.latencyMs} ms: ${Object.entries(row.requests.byOperation)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}`,
);
console.log(`requests by operation (first run of each): \n  ${other.join('\n  ')}`);
console.log(
  sameUnits
    ? `\nsame units: yes — all ${runs.length} plans hold the same ${reference!.units.length} units (ids, output keys, keys, bytes): ${count(plannedKeys)} keys, ${count(plannedBytes)} bytes, every seeded key.`
    : `\n!!! NOT the same units:\n!!! ${problems.join('\n!!! ')}`,
);

const results = {
  format: 's3collapse-bench-plan-sources/1',
  date: new Date().toISOString(),
  machine: {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    os: `${osType()} ${release()}`,
  },
  node: process.version,
  commit: await gitCommit(),
  settings: {
    keys,
    days: PLAN_DAYS,
    inventoryFormat: 'CSV',
    inventoryDataFiles: dataFiles,
    latenciesMs: latencies,
    repeats,
  },
  seeded: {
    keys,
    bytes: seeded!.bytes,
    seedSeconds: Number((seeded!.seedMs / 1000).toFixed(1)),
    inventoryBytes,
  },
  summary,
  sameUnits,
  problems,
  differences,
  runs: runs.map(({ units, ...run }) => ({ ...run, units: units.length })),
  totalMinutes: Number(((performance.now() - started) / 60_000).toFixed(1)),
};
await mkdir(dirname(RESULTS), { recursive: true });
// Formatted as the project's prettier would, so `npm run lint` stays green with the file committed.
await writeFile(
  RESULTS,
  await format(JSON.stringify(results), { ...((await resolveConfig(RESULTS)) ?? {}), parser: 'json' }),
);
console.log(`\nwrote bench/results/plan-sources.json in ${results.totalMinutes} min`);
if (!sameUnits) process.exitCode = 1;
