// One contender run: a fresh clone of the workload's template bucket, its own latency proxy (so the
// proxy's log is this run's requests), the process measured, the server's CPU read around it, and the
// bucket checked and dropped afterwards.
import type { S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy, type FaultRule } from '../test/support/fault-proxy.js';
import type { Contender } from './contenders.js';
import { countRequests, cpuSecondsOf, runMeasured } from './measure.js';
import type { RunRecord } from './results.js';
import { cloneBucket, dropBucket } from './seed.js';
import { verifyRun, type Expected } from './verify.js';
import type { Workload } from './workloads.js';

/** What every run shares: the server, a client straight to it, and a folder for spec files. */
export interface BenchServer {
  readonly endpoint: string;
  readonly directory: string;
  /** The s3rver process, when /proc showed it. */
  readonly pid: number | undefined;
  readonly direct: S3Client;
  readonly scratch: string;
}

export interface RunCase {
  readonly workload: Workload;
  readonly template: string;
  readonly expected: readonly Expected[];
  readonly latencyMs: number;
  readonly contender: Contender;
  readonly repeat: number;
  /** Read every output back through SHA-256 (else sizes only). */
  readonly full: boolean;
  /** Every Nth GET of the run is answered 503 SlowDown (retries included). */
  readonly throttleEvery?: number | undefined;
}

/** The proxy's rule for one run: pass everything, or throttle every Nth GET as S3 does under load. */
function ruleFor(throttleEvery: number | undefined): FaultRule {
  if (throttleEvery === undefined) return () => ({ kind: 'pass' });
  let gets = 0;
  return (request) => {
    if (request.operation !== 'GetObject') return { kind: 'pass' };
    gets += 1;
    return gets % throttleEvery === 0 ? { kind: 'error', status: 503, code: 'SlowDown' } : { kind: 'pass' };
  };
}

export const bucketName = (...parts: Array<string | number>) =>
  parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63);

const serverCpu = (server: BenchServer) =>
  server.pid === undefined ? Promise.resolve(null) : cpuSecondsOf(server.pid);

export async function runCase(server: BenchServer, run: RunCase): Promise<RunRecord> {
  const { workload, template, expected, latencyMs, contender, repeat, full } = run;
  const bucket = bucketName('run', workload.name, latencyMs, contender.id, repeat);
  await cloneBucket(server.directory, template, bucket);
  const proxy = await startFaultProxy(server.endpoint, ruleFor(run.throttleEvery), { latencyMs });
  try {
    const endpoint = proxy.endpoint;
    const launch = await contender.launch({ endpoint, bucket, workload, scratch: server.scratch });
    const serverBefore = await serverCpu(server);
    const benchBefore = process.cpuUsage();
    const figures = await runMeasured(launch.command, launch.args, launch.env);
    const bench = process.cpuUsage(benchBefore);
    const serverAfter = await serverCpu(server);
    const requests = countRequests(proxy.seen);
    const problem = contender.problem(figures, workload);
    const problems = [
      ...(problem ? [problem] : []),
      ...(await verifyRun(server.direct, bucket, workload, expected, full)),
    ];
    return {
      workload: workload.name,
      latencyMs,
      contender: contender.id,
      label: contender.label,
      repeat,
      objects: workload.objects.length,
      bytes: workload.bytes,
      wallMs: Math.round(figures.wallMs),
      peakRssKiB: figures.peakRssKiB,
      cpuS: Number(figures.cpuS.toFixed(2)),
      serverCpuS:
        serverBefore === null || serverAfter === null
          ? null
          : Number((serverAfter - serverBefore).toFixed(2)),
      proxyCpuS: Number(((bench.user + bench.system) / 1e6).toFixed(2)),
      requests,
      verified: full ? 'sha256' : 'size',
      problems,
    };
  } finally {
    await proxy.close();
    await dropBucket(server.directory, bucket);
  }
}
