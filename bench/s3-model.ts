// A paper model of the tool against real S3 (issue 15): pure arithmetic, no I/O. What one machine can
// collapse per second is the least of what its concurrency allows at S3's latency, what its CPU allows
// (measured locally), and what S3's per-prefix request rates allow; n shards multiply the first two
// and share the third. Printed by s3-model-report.ts (npm run bench:model).
//
// S3's published figures, checked against AWS documentation:
// - "at least 3,500 PUT/COPY/POST/DELETE or 5,500 GET/HEAD requests per second per partitioned Amazon
//   S3 prefix", with no limit to the number of prefixes in a bucket:
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
//   A prefix gets its own capacity only once S3 has partitioned it; until then (AWS says auto
//   partitioning can take 30–60 minutes) a rising rate earns 503 SlowDown:
//   https://repost.aws/knowledge-center/s3-object-key-naming-pattern
// - ListObjectsV2 "returns some or all (up to 1,000) of the objects" per request:
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
// - DeleteObjects takes "a list of up to 1000 keys" and "for each key, Amazon S3 performs a delete
//   operation": https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html — so the model
//   counts every key toward the 3,500/s DELETE rate, not the one request (the page does not say how
//   the rate is counted; per key is the conservative reading).

export const S3_LIMITS = {
  /** GET and HEAD requests per second per partitioned prefix (LIST is counted with them here). */
  getHeadPerSecond: 5500,
  /** PUT, COPY, POST and DELETE per second per partitioned prefix; every key of a DeleteObjects counts. */
  writePerSecond: 3500,
  listPageKeys: 1000,
  deleteBatchKeys: 1000,
} as const;

/** Per-request time against S3 from a machine in the bucket's region (assumed, not measured). */
export interface Latencies {
  /** Time to first byte of a GET. */
  readonly getFirstByteMs: number;
  readonly headMs: number;
  /** A PUT of a small body (a manifest), or the fixed part of any upload. */
  readonly putMs: number;
  readonly listPageMs: number;
  /** One DeleteObjects of up to 1,000 keys. */
  readonly deleteBatchMs: number;
  /** What one connection moves once the first byte is there. */
  readonly mibPerSecond: number;
}

export const DEFAULT_LATENCIES: Latencies = {
  getFirstByteMs: 30,
  headMs: 30,
  putMs: 50,
  listPageMs: 100,
  deleteBatchMs: 500,
  mibPerSecond: 80,
};

/** The tool's concurrency: source/engine/types.ts DEFAULT_RUN_OPTIONS, run.ts, delete-members.ts. */
export interface ToolShape {
  /** GETs in flight across the run (downloadConcurrency: one pool, run-budget.ts). */
  readonly getsInFlight: number;
  /** Periods downloading and uploading at once (periodConcurrency). */
  readonly periodsStreaming: number;
  /** Periods in any stage at once: periodConcurrency × TAILS_PER_STREAM (verifying, recording, deleting). */
  readonly periodsInFlight: number;
  /** DeleteObjects batches of one period in flight. */
  readonly deleteBatchesInFlight: number;
  /** Multipart part size; larger inputs are also read in ranges of this size. */
  readonly partSize: number;
  /** CPU the tool spends per object, measured on the local runs; undefined: not bounded by CPU. */
  readonly cpuMsPerObject?: number | undefined;
}

export const DEFAULT_TOOL: ToolShape = {
  getsInFlight: 32,
  periodsStreaming: 4,
  periodsInFlight: 16,
  deleteBatchesInFlight: 4,
  partSize: 8 * 1024 * 1024,
};

/**
 * Where a workload's keys sit relative to S3's prefixes. `shared`: every key under one prefix
 * (simple-layout access logs, `logs/YYYY-MM-DD-…`: the date is in the file name), so shards share one
 * prefix's rates. `per-period`: each (series, day) is its own folder (CloudTrail's
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`, date-partitioned access logs), so every period
 * a shard streams can be a prefix of its own, once S3 has partitioned there.
 */
export type PrefixSpread = 'shared' | 'per-period';

export interface ModelWorkload {
  readonly name: string;
  readonly keysPerPeriod: number;
  readonly bytesPerObject: number;
  readonly prefixes: PrefixSpread;
}

/** The requests one period costs, from the engine's protocol (collapse-period.ts) and the local counts. */
export interface PeriodRequests {
  readonly listPages: number;
  /** Log GETs: one per key, or one per part-sized range of a large one. */
  readonly logGets: number;
  /** The manifest read while planning, and HEADs of the output (plan, then verify). */
  readonly otherGetHead: number;
  /** The pending and complete manifests, and the output: one PUT, or create + parts + complete. */
  readonly puts: number;
  readonly deleteRequests: number;
  /** Keys deleted: each counts toward the DELETE rate. */
  readonly deletedKeys: number;
}

const MiB = 1024 * 1024;

export function periodRequests(workload: ModelWorkload, tool: ToolShape): PeriodRequests {
  const keys = workload.keysPerPeriod;
  const outputBytes = keys * workload.bytesPerObject;
  const outputWrites = outputBytes <= tool.partSize ? 1 : 2 + Math.ceil(outputBytes / tool.partSize);
  return {
    listPages: Math.ceil(keys / S3_LIMITS.listPageKeys),
    logGets: keys * Math.max(1, Math.ceil(workload.bytesPerObject / tool.partSize)),
    otherGetHead: 1 + 2,
    puts: 2 + outputWrites,
    deleteRequests: Math.ceil(keys / S3_LIMITS.deleteBatchKeys),
    deletedKeys: keys,
  };
}

export type Bound = 'GETs in flight' | 'periods streaming' | 'periods in flight' | 'CPU' | 'prefix rate';

export interface MachineModel {
  /** Seconds one log GET takes: first byte, then its bytes (at most a part) over one connection. */
  readonly getSeconds: number;
  /** Seconds a period holds a streaming slot: pending manifest, its GETs (all slots), its upload. */
  readonly streamSeconds: number;
  /** Seconds after that: verify HEAD, complete manifest, DeleteObjects batches. */
  readonly tailSeconds: number;
  /** Objects per second each bound allows one machine (one process). */
  readonly bounds: Readonly<Record<Exclude<Bound, 'prefix rate'>, number>>;
  readonly objectsPerSecond: number;
  readonly limitedBy: Bound;
  /** Objects per second one partitioned prefix allows, from its GET/HEAD and write rates. */
  readonly perPrefix: number;
  /** Seconds a LIST plan of one period takes (its pages are serial: each needs the last token). */
  readonly listPlanSecondsPerPeriod: number;
}

function least<K extends string>(bounds: Readonly<Record<K, number>>): { value: number; key: K } {
  const entries = Object.entries(bounds) as Array<[K, number]>;
  return entries.reduce((best, [key, value]) => (value < best.value ? { value, key } : best), {
    value: Infinity,
    key: entries[0]![0],
  });
}

export function machineModel(workload: ModelWorkload, latencies: Latencies, tool: ToolShape): MachineModel {
  const keys = workload.keysPerPeriod;
  const requests = periodRequests(workload, tool);
  const getsPerObject = requests.logGets / keys;
  const bytesPerGet = workload.bytesPerObject / getsPerObject;
  const getSeconds = latencies.getFirstByteMs / 1000 + bytesPerGet / MiB / latencies.mibPerSecond;
  const outputBytes = keys * workload.bytesPerObject;
  // The upload streams beside the GETs; what is left after the last GET is one part (or the whole PUT).
  const uploadSeconds =
    latencies.putMs / 1000 + Math.min(outputBytes, tool.partSize) / MiB / latencies.mibPerSecond;
  const streamSeconds =
    latencies.putMs / 1000 + (requests.logGets * getSeconds) / tool.getsInFlight + uploadSeconds;
  const deleteRounds = Math.ceil(requests.deleteRequests / tool.deleteBatchesInFlight);
  const tailSeconds =
    latencies.headMs / 1000 + latencies.putMs / 1000 + (deleteRounds * latencies.deleteBatchMs) / 1000;
  const bounds = {
    'GETs in flight': tool.getsInFlight / (getSeconds * getsPerObject),
    'periods streaming': (tool.periodsStreaming * keys) / streamSeconds,
    'periods in flight': (tool.periodsInFlight * keys) / (streamSeconds + tailSeconds),
    CPU: tool.cpuMsPerObject === undefined ? Infinity : 1000 / tool.cpuMsPerObject,
  };
  const { value, key } = least(bounds);
  const getHeadPerObject = (requests.listPages + requests.logGets + requests.otherGetHead) / keys;
  const writesPerObject = (requests.puts + requests.deletedKeys) / keys;
  const perPrefix = Math.min(
    S3_LIMITS.getHeadPerSecond / getHeadPerObject,
    S3_LIMITS.writePerSecond / writesPerObject,
  );
  // One machine works in one prefix, or in as many as it streams periods when each is its own.
  const prefixCap = (workload.prefixes === 'shared' ? 1 : tool.periodsStreaming) * perPrefix;
  return {
    getSeconds,
    streamSeconds,
    tailSeconds,
    bounds,
    objectsPerSecond: Math.min(value, prefixCap),
    limitedBy: prefixCap < value ? 'prefix rate' : key,
    perPrefix,
    listPlanSecondsPerPeriod: (requests.listPages * latencies.listPageMs) / 1000,
  };
}

export interface ShardRow {
  readonly shards: number;
  /** Distinct prefixes the shards work in at once. */
  readonly prefixes: number;
  readonly objectsPerSecond: number;
  readonly limitedBy: Bound;
  /** objectsPerSecond over shards × one machine's: 1 while scaling is linear. */
  readonly efficiency: number;
}

/** n shards, each one machine's worth, sharing the prefixes the layout gives them. */
export function shardRows(
  workload: ModelWorkload,
  machine: MachineModel,
  tool: ToolShape,
  counts: readonly number[],
): ShardRow[] {
  // One machine alone is never prefix-bound below its own figure: take the unbounded machine rate.
  const alone = Math.min(...Object.values(machine.bounds));
  return counts.map((shards) => {
    const prefixes = workload.prefixes === 'shared' ? 1 : shards * tool.periodsStreaming;
    const machines = shards * alone;
    const prefixCap = prefixes * machine.perPrefix;
    const objectsPerSecond = Math.min(machines, prefixCap);
    return {
      shards,
      prefixes,
      objectsPerSecond,
      limitedBy: prefixCap < machines ? 'prefix rate' : least(machine.bounds).key,
      efficiency: objectsPerSecond / (shards * alone),
    };
  });
}

/** Little's law: GETs that must be in flight to sustain `objectsPerSecond` at this GET time. */
export function getsInFlightFor(objectsPerSecond: number, machine: MachineModel, getsPerObject = 1): number {
  // Rounded first: 1,000/s × 40 ms is 40 slots, not the 41 that floating point's 40.000000001 asks for.
  return Math.ceil(Number((objectsPerSecond * machine.getSeconds * getsPerObject).toFixed(6)));
}
