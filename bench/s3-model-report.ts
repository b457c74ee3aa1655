// npm run bench:model — the paper model of real S3 (s3-model.ts) for the collapse bench's two small-
// object workloads, next to what the local runs measured (bench/results/latest.json). Predicted
// figures come from the assumed latencies below and S3's published rates; measured ones from the file.
// Knobs (assumed per-request times against S3, in the bucket's region):
//   BENCH_MODEL_GET_MS=30 BENCH_MODEL_HEAD_MS=30 BENCH_MODEL_PUT_MS=50 BENCH_MODEL_LIST_MS=100
//   BENCH_MODEL_DELETE_MS=500 (one DeleteObjects of 1,000 keys) BENCH_MODEL_MIBPS=80 (one connection)
//   BENCH_MODEL_GETS=32 BENCH_MODEL_PERIODS=4 (the tool's defaults) BENCH_MODEL_TARGET=3000 (objects/s)
import { readResults, median, type BenchResults } from './results.js';
import {
  DEFAULT_LATENCIES,
  DEFAULT_TOOL,
  getsInFlightFor,
  machineModel,
  periodRequests,
  S3_LIMITS,
  shardRows,
  type Latencies,
  type ModelWorkload,
  type ToolShape,
} from './s3-model.js';
import { count, textTable } from './text-table.js';

const SHARDS = [1, 2, 4, 8, 16, 32];

function numberFrom(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new Error(`${name} must be a positive number, not ${value}`);
  return number;
}

const latencies: Latencies = {
  getFirstByteMs: numberFrom('BENCH_MODEL_GET_MS', DEFAULT_LATENCIES.getFirstByteMs),
  headMs: numberFrom('BENCH_MODEL_HEAD_MS', DEFAULT_LATENCIES.headMs),
  putMs: numberFrom('BENCH_MODEL_PUT_MS', DEFAULT_LATENCIES.putMs),
  listPageMs: numberFrom('BENCH_MODEL_LIST_MS', DEFAULT_LATENCIES.listPageMs),
  deleteBatchMs: numberFrom('BENCH_MODEL_DELETE_MS', DEFAULT_LATENCIES.deleteBatchMs),
  mibPerSecond: numberFrom('BENCH_MODEL_MIBPS', DEFAULT_LATENCIES.mibPerSecond),
};
const periodsStreaming = numberFrom('BENCH_MODEL_PERIODS', DEFAULT_TOOL.periodsStreaming);
const baseTool: ToolShape = {
  ...DEFAULT_TOOL,
  getsInFlight: numberFrom('BENCH_MODEL_GETS', DEFAULT_TOOL.getsInFlight),
  periodsStreaming,
  periodsInFlight: periodsStreaming * (DEFAULT_TOOL.periodsInFlight / DEFAULT_TOOL.periodsStreaming),
};
const target = numberFrom('BENCH_MODEL_TARGET', 3000);

interface Measured {
  readonly workload: ModelWorkload;
  readonly title: string;
  /** Median objects/s of the tool at each latency the proxy added. */
  readonly local: ReadonlyArray<{ latencyMs: number; objectsPerSecond: number; serverBusy: number }>;
  /** Median CPU of the tool's process per object (start-up and planning included: an upper bound). */
  readonly cpuMsPerObject: number;
}

const PREFIXES: Record<string, ModelWorkload['prefixes']> = {
  'access-20k': 'shared',
  'cloudtrail-2k': 'per-period',
};

function measured(results: BenchResults, name: string): Measured | undefined {
  const workload = results.workloads.find((w) => w.name === name);
  const runs = results.runs.filter((run) => run.workload === name && run.contender === 'tool');
  if (!workload || runs.length === 0) return undefined;
  const latenciesRun = [...new Set(runs.map((run) => run.latencyMs))];
  return {
    workload: {
      name,
      keysPerPeriod: workload.objects / workload.outputs,
      bytesPerObject: workload.bytes / workload.objects,
      prefixes: PREFIXES[name] ?? 'shared',
    },
    title: workload.title,
    local: latenciesRun.map((latencyMs) => {
      const at = runs.filter((run) => run.latencyMs === latencyMs);
      const wall = median(at.map((run) => run.wallMs));
      const server = at.flatMap((run) => (run.serverCpuS === null ? [] : [run.serverCpuS * 1000]));
      return {
        latencyMs,
        objectsPerSecond: workload.objects / (wall / 1000),
        serverBusy: server.length ? median(server) / wall : NaN,
      };
    }),
    cpuMsPerObject: (median(runs.map((run) => run.cpuS)) * 1000) / workload.objects,
  };
}

const rate = (value: number) => (Number.isFinite(value) ? `${count(value)}/s` : '–');

function report(entry: Measured): void {
  const { workload } = entry;
  const tool: ToolShape = { ...baseTool, cpuMsPerObject: entry.cpuMsPerObject };
  const network = machineModel(workload, latencies, { ...baseTool, cpuMsPerObject: undefined });
  const machine = machineModel(workload, latencies, tool);
  const requests = periodRequests(workload, tool);
  console.log(
    `\n## ${workload.name}: ${entry.title}\n${count(workload.keysPerPeriod)} keys a period of ${count(workload.bytesPerObject)} bytes each; keys ${workload.prefixes === 'shared' ? 'all under one prefix (the date is in the file name)' : 'in a folder per series and day: each period its own prefix'}`,
  );
  console.log(
    `requests a period (predicted from the protocol): LIST ${requests.listPages}, GET ${requests.logGets} + manifest/HEAD ${requests.otherGetHead}, PUT ${requests.puts}, DeleteObjects ${requests.deleteRequests} (${count(requests.deletedKeys)} keys)`,
  );
  console.log(
    `one log GET ${(machine.getSeconds * 1000).toFixed(1)} ms; a period streams ${machine.streamSeconds.toFixed(2)} s, then verifies, records and deletes in ${machine.tailSeconds.toFixed(2)} s`,
  );
  console.log(
    `\n${textTable([
      ['one machine, one process', 'objects/s', 'kind'],
      ...Object.entries(machine.bounds).map(([bound, value]) => [
        `bound: ${bound}`,
        rate(value),
        bound === 'CPU' ? 'predicted from measured CPU' : 'predicted',
      ]),
      ['bound: one partitioned prefix', rate(machine.perPrefix), 'predicted (S3 rates)'],
      [`=> S3, network and rates only`, rate(network.objectsPerSecond), `predicted (${network.limitedBy})`],
      [
        `=> S3, with the CPU measured here`,
        rate(machine.objectsPerSecond),
        `predicted (${machine.limitedBy})`,
      ],
      ...entry.local.map((local) => [
        `local s3rver, +${local.latencyMs} ms`,
        rate(local.objectsPerSecond),
        `measured (server busy ${Math.round(local.serverBusy * 100)}% of the run)`,
      ]),
    ])}`,
  );
  const rows = shardRows(workload, machine, tool, SHARDS);
  const networkRows = shardRows(workload, network, baseTool, SHARDS);
  console.log(
    `\n${textTable([
      [
        'shards',
        'prefixes',
        'predicted objects/s',
        'limited by',
        'linear',
        'without the CPU bound',
        'limited by',
      ],
      ...rows.map((row, index) => [
        String(row.shards),
        String(row.prefixes),
        rate(row.objectsPerSecond),
        row.limitedBy,
        `${Math.round(row.efficiency * 100)}%`,
        rate(networkRows[index]!.objectsPerSecond),
        networkRows[index]!.limitedBy,
      ]),
    ])}`,
  );
  const needed = getsInFlightFor(target, machine, requests.logGets / workload.keysPerPeriod);
  const cores = (target * entry.cpuMsPerObject) / 1000;
  console.log(
    `\ntarget ${count(target)} objects/s on one machine: ${needed} GETs in flight at ${(machine.getSeconds * 1000).toFixed(1)} ms a GET (the default ${tool.getsInFlight} gives ${rate(network.bounds['GETs in flight'])}), and ${cores.toFixed(1)} cores at the ${entry.cpuMsPerObject.toFixed(2)} ms of CPU an object measured here (start-up included, so an upper bound; a process's JavaScript runs on one core) — e.g. ${Math.ceil(cores)} shard processes on one machine with --shard I/N; ${workload.prefixes === 'shared' ? `one prefix caps every shard together at ${rate(machine.perPrefix)}` : 'each period is its own prefix, so the prefix rates do not bind'}.`,
  );
}

const results = await readResults();
console.log('# Model of real S3 (predicted) next to the local runs (measured)');
console.log(
  `assumed per request: GET first byte ${latencies.getFirstByteMs} ms, HEAD ${latencies.headMs} ms, PUT ${latencies.putMs} ms, LIST page ${latencies.listPageMs} ms, DeleteObjects ${latencies.deleteBatchMs} ms, ${latencies.mibPerSecond} MiB/s a connection`,
);
console.log(
  `S3 per partitioned prefix: ${count(S3_LIMITS.getHeadPerSecond)} GET/HEAD/s, ${count(S3_LIMITS.writePerSecond)} PUT/DELETE/s (each deleted key counts); ${count(S3_LIMITS.listPageKeys)} keys a LIST page and a DeleteObjects`,
);
console.log(
  `the tool: ${baseTool.getsInFlight} GETs in flight, ${baseTool.periodsStreaming} periods streaming, ${baseTool.periodsInFlight} in flight, ${baseTool.deleteBatchesInFlight} DeleteObjects a period at once`,
);
console.log(
  `measured: bench/results/latest.json (${results.date.slice(0, 10)}, ${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.node}, scale ${results.settings.scale}, medians of ${results.settings.repeats}); comparison: s3tar in memory ~2,800 objects/s (1 M objects in ~6 min, c7g.4xlarge)`,
);
for (const name of ['access-20k', 'cloudtrail-2k']) {
  const entry = measured(results, name);
  if (entry) report(entry);
  else console.log(`\n## ${name}: not in bench/results/latest.json (run npm run bench)`);
}
const pages = 10_000_000 / S3_LIMITS.listPageKeys;
console.log(
  `\nplanning 10 M keys by LIST: ${count(pages)} pages, ${count((pages * latencies.listPageMs) / 1000)} s one after another; the tool lists 16 periods at once, but a period's pages are serial (each needs the last one's token). An inventory plan reads the report's data files instead: no LIST of the logs (bench:plan measures both).`,
);
