// The bench's knobs, read from the environment:
//   BENCH_WORKLOADS=access-20k,cloudtrail-2k,large-2g,range-1of30   which workloads (default: all)
//   BENCH_LATENCIES=0,20      milliseconds added to every request by the proxy (default: 0 and 20)
//   BENCH_REPEATS=3           runs per contender and case; the median is reported (one-at-a-time: 1)
//   BENCH_SCALE=1             0.1 → 2,000 access-log objects, 200 CloudTrail files, 256 MiB large
//   BENCH_CONTENDERS=tool,raw-floor,one-at-a-time,aws-cli         which contenders (default: all)
//   BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p"   node flags for the tool and the floor
//   BENCH_BASELINE=/tmp/before   a built checkout of another commit: its tool runs too, as `baseline`,
//                                alternating with this one (e.g. git worktree add /tmp/before HEAD~1,
//                                then npm ci && npm run build there)
//   BENCH_THROTTLE=5          every 5th GET of a run is answered 503 SlowDown by the proxy (retries
//                             included): how a contender copes with throttling. Only contenders that
//                             retry enough finish (the tool, the baseline)
import { CONTENDER_IDS, type ContenderId } from './contenders.js';
import { WORKLOAD_NAMES, type WorkloadName } from './workloads.js';

export const RANGE_CHECK = 'range-1of30';

export interface BenchConfig {
  readonly workloads: readonly WorkloadName[];
  readonly rangeCheck: boolean;
  readonly latencies: readonly number[];
  readonly repeats: number;
  readonly scale: number;
  readonly contenders: readonly ContenderId[];
  /** Every Nth GET is answered 503 SlowDown; none when undefined. */
  readonly throttleEvery: number | undefined;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T[] {
  if (value === undefined || value.trim() === '') return [...allowed];
  const picked = value.split(',').map((item) => item.trim());
  const unknown = picked.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0)
    throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
  return picked as T[];
}

function positive(value: string | undefined, fallback: number, name: string): number {
  const number = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new Error(`${name} must be a positive number, not ${value}`);
  return number;
}

function throttleEvery(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const every = Number(value);
  if (!Number.isInteger(every) || every < 2)
    throw new Error(`BENCH_THROTTLE must be a whole number of 2 or more (every Nth GET), not ${value}`);
  return every;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const workloads = list(env.BENCH_WORKLOADS, [...WORKLOAD_NAMES, RANGE_CHECK], 'BENCH_WORKLOADS');
  const latencies = (env.BENCH_LATENCIES ?? '0,20').split(',').map((item) => Number(item.trim()));
  if (latencies.some((latency) => !Number.isInteger(latency) || latency < 0))
    throw new Error(`BENCH_LATENCIES must be whole milliseconds, not ${env.BENCH_LATENCIES}`);
  return {
    workloads: workloads.filter((name): name is WorkloadName => name !== RANGE_CHECK),
    rangeCheck: workloads.includes(RANGE_CHECK),
    latencies,
    repeats: Math.round(positive(env.BENCH_REPEATS, 3, 'BENCH_REPEATS')),
    scale: positive(env.BENCH_SCALE, 1, 'BENCH_SCALE'),
    contenders: list(env.BENCH_CONTENDERS, CONTENDER_IDS, 'BENCH_CONTENDERS').filter(
      // The baseline runs when it is asked for, or named: by default there is none.
      (id) => id !== 'baseline' || env.BENCH_BASELINE || env.BENCH_CONTENDERS,
    ),
    throttleEvery: throttleEvery(env.BENCH_THROTTLE),
  };
}
