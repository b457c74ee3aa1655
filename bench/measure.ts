// What one contender run costs: wall time, the peak RSS and CPU of its process (children included),
// the CPU the local S3 server spent meanwhile, and the requests the latency proxy saw, by operation.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProxiedRequest } from '../test/support/fault-proxy.js';

export interface ProcessFigures {
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The largest resident set of the process or of any child it waited for. */
  readonly peakRssKiB: number;
  /** User + system CPU of the process and every child it waited for. */
  readonly cpuS: number;
}

const GNU_TIME = '/usr/bin/time';
/** Linux reports CPU in clock ticks of 1/100 s on every platform Node runs on. */
const CLOCK_TICKS = 100;
const STDERR_KEPT = 64 * 1024;

/**
 * Runs a command to its end, asynchronously (a blocking spawn would stall the proxy, which lives in
 * this process). Under GNU time when it is installed, which reports the children's CPU and peak RSS
 * as the kernel counted them; otherwise /proc is sampled, and short-lived children are missed.
 */
export async function runMeasured(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ProcessFigures> {
  const scratch = await mkdtemp(join(tmpdir(), 's3collapse-bench-time-'));
  const timeFile = join(scratch, 'time');
  const underTime = existsSync(GNU_TIME);
  const started = performance.now();
  const child = underTime
    ? spawn(GNU_TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...args], { env })
    : spawn(command, args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)));
  let sampled = { peakRssKiB: 0, cpuS: 0 };
  const sampler = underTime
    ? undefined
    : setInterval(() => {
        void sampleProcess(child.pid).then((now) => {
          if (now) sampled = { peakRssKiB: Math.max(sampled.peakRssKiB, now.peakRssKiB), cpuS: now.cpuS };
        });
      }, 50);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const wallMs = performance.now() - started;
  if (sampler) clearInterval(sampler);
  let figures = sampled;
  if (underTime) {
    const fields = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
    const [, maxRssKiB = 0, user = 0, system = 0] = fields;
    figures = { peakRssKiB: maxRssKiB, cpuS: user + system };
  }
  await rm(scratch, { recursive: true, force: true });
  return { wallMs, exitCode, stdout, stderr, ...figures };
}

async function sampleProcess(
  pid: number | undefined,
): Promise<{ peakRssKiB: number; cpuS: number } | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const peakRssKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { peakRssKiB, cpuS: await cpuSecondsOf(pid, true) };
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far (with `children`, also those it waited for). */
export async function cpuSecondsOf(pid: number, children = false): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses: state is field 3.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
  return (utime + stime + (children ? cutime + cstime : 0)) / CLOCK_TICKS;
}

async function listeningInode(port: number): Promise<string | undefined> {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:PORT; state 0A is LISTEN; field 9 the socket's inode.
      if (fields[1]?.endsWith(`:${portHex}`) && fields[3] === '0A') return fields[9];
    }
  }
  return undefined;
}

/**
 * The process listening on a local port, found through /proc: startLocalS3() does not expose its
 * child's pid, and the server is the one process whose CPU the bench must tell apart from the tool's.
 */
export async function pidListeningOn(port: number): Promise<number | undefined> {
  const inode = await listeningInode(port);
  if (!inode) return undefined;
  const target = `socket:[${inode}]`;
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === target) return Number(pid);
    }
  }
  return undefined;
}

export type RequestCounts = Record<string, number>;

/** Requests by S3 operation; one the proxy cannot name is counted by method and query (`Other GET ?location`). */
export function countRequests(seen: readonly ProxiedRequest[]): RequestCounts {
  const counts: RequestCounts = {};
  for (const request of seen) {
    const name =
      request.operation === 'Other'
        ? `Other ${request.method} ?${[...request.query.keys()].join('&')}`
        : request.operation;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
