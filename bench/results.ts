// The record of a bench run (bench/results/latest.json): the machine, the settings, and every run's raw
// figures; and the medians the table and the chart are drawn from.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { ContenderId } from './contenders.js';
import type { RequestCounts } from './measure.js';
import type { Verified } from './verify.js';

export const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));

export interface RunRecord {
  readonly workload: string;
  readonly latencyMs: number;
  readonly contender: ContenderId;
  readonly label: string;
  readonly repeat: number;
  readonly objects: number;
  readonly bytes: number;
  readonly wallMs: number;
  readonly peakRssKiB: number;
  /** User + system CPU of the contender's process and its children. */
  readonly cpuS: number;
  /** CPU the local S3 server used during the run; null when its process was not found. */
  readonly serverCpuS: number | null;
  /**
   * CPU of the bench's own process during the run: the latency proxy every request passes through.
   * Absent from results written before it was measured.
   */
  readonly proxyCpuS?: number;
  readonly requests: RequestCounts;
  readonly verified: Verified;
  readonly problems: readonly string[];
}

export interface RangeCheck {
  readonly objects: number;
  readonly days: number;
  readonly collapsedDay: string;
  readonly listRequests: number;
  /** Pages a listing of the whole bucket takes: what a range-blind tool would send at least. */
  readonly wholeBucketPages: number;
  readonly requests: RequestCounts;
  readonly problems: readonly string[];
}

export interface BenchResults {
  readonly format: 's3collapse-bench/1';
  readonly date: string;
  readonly machine: {
    readonly cpuModel: string;
    readonly cpus: number;
    readonly memoryGiB: number;
    readonly os: string;
  };
  readonly node: string;
  readonly commit: string;
  readonly settings: {
    readonly scale: number;
    readonly repeats: number;
    readonly latenciesMs: readonly number[];
    /** BENCH_THROTTLE: every Nth GET was answered 503 SlowDown. */
    readonly throttleEvery?: number;
  };
  readonly workloads: ReadonlyArray<{
    name: string;
    title: string;
    objects: number;
    bytes: number;
    outputs: number;
  }>;
  readonly runs: readonly RunRecord[];
  readonly skipped: readonly string[];
  readonly rangeCheck: RangeCheck | null;
  readonly totalMinutes: number;
}

export async function writeResults(results: BenchResults): Promise<void> {
  await mkdir(dirname(RESULTS_FILE), { recursive: true });
  // Formatted as the project's prettier would, so `npm run lint` stays green with the file committed.
  const options = (await resolveConfig(RESULTS_FILE)) ?? {};
  await writeFile(RESULTS_FILE, await format(JSON.stringify(results), { ...options, parser: 'json' }));
}

export async function readResults(): Promise<BenchResults> {
  return JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as BenchResults;
}

export interface Summary {
  readonly workload: string;
  readonly latencyMs: number;
  readonly contender: ContenderId;
  readonly label: string;
  readonly objects: number;
  readonly runs: number;
  readonly wallMs: number;
  readonly peakRssKiB: number;
  readonly cpuS: number;
  readonly serverCpuS: number | null;
  readonly proxyCpuS: number | null;
  readonly requests: RequestCounts;
  readonly problems: number;
}

/**
 * How busy the run kept the machine: the CPU of the contender, the server and the proxy over what the
 * machine's cores could give in its wall time. Near 1, every CPU second any of them spends is wall
 * time, whichever process spends it; null when a figure is missing.
 */
export function machineBusy(
  row: Pick<Summary, 'wallMs' | 'cpuS' | 'serverCpuS' | 'proxyCpuS'>,
  cores: number,
): number | null {
  if (row.serverCpuS === null || row.proxyCpuS === null || row.wallMs <= 0 || cores <= 0) return null;
  return (row.cpuS + row.serverCpuS + row.proxyCpuS) / ((row.wallMs / 1000) * cores);
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One row per workload, latency and contender: medians of its runs, requests of its first. */
export function summarize(runs: readonly RunRecord[]): Summary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const key = `${run.workload}\u0000${run.latencyMs}\u0000${run.contender}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const servers = group.flatMap((run) => (run.serverCpuS === null ? [] : [run.serverCpuS]));
    const proxies = group.flatMap((run) => (run.proxyCpuS === undefined ? [] : [run.proxyCpuS]));
    return {
      workload: first.workload,
      latencyMs: first.latencyMs,
      contender: first.contender,
      label: first.label,
      objects: first.objects,
      runs: group.length,
      wallMs: median(group.map((run) => run.wallMs)),
      peakRssKiB: median(group.map((run) => run.peakRssKiB)),
      cpuS: median(group.map((run) => run.cpuS)),
      serverCpuS: servers.length ? median(servers) : null,
      proxyCpuS: proxies.length ? median(proxies) : null,
      requests: first.requests,
      problems: group.reduce((total, run) => total + run.problems.length, 0),
    };
  });
}

/** Median wall time of one contender over another's in the same case, when both ran. */
export function wallRatio(
  rows: readonly Summary[],
  over: ContenderId,
  under: ContenderId,
): number | undefined {
  const top = rows.find((row) => row.contender === over);
  const bottom = rows.find((row) => row.contender === under);
  return top && bottom ? top.wallMs / bottom.wallMs : undefined;
}

/** The summaries grouped by workload and latency, in the order they ran. */
export function casesOf(
  summaries: readonly Summary[],
): Array<{ workload: string; latencyMs: number; rows: Summary[] }> {
  const cases = new Map<string, { workload: string; latencyMs: number; rows: Summary[] }>();
  for (const row of summaries) {
    const key = `${row.workload}\u0000${row.latencyMs}`;
    const found = cases.get(key) ?? { workload: row.workload, latencyMs: row.latencyMs, rows: [] };
    found.rows.push(row);
    cases.set(key, found);
  }
  return [...cases.values()];
}
