// The ways to collapse a workload that the bench puts side by side, each run as its own process: how to
// start it, whether it can run on this machine, and how to tell that a run did the whole job.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessFigures } from './measure.js';
import type { Workload } from './workloads.js';

export const CONTENDER_IDS = ['tool', 'baseline', 'raw-floor', 'one-at-a-time', 'aws-cli'] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

export interface RunContext {
  /** The latency proxy in front of the server. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly workload: Workload;
  /** A folder this bench run owns, for spec and config files. */
  readonly scratch: string;
}

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  /** Runs per workload and latency: the seed's approach takes minutes and runs once. */
  readonly repeats: (configured: number) => number;
  /** Why it cannot run on this machine, if it cannot. */
  readonly unavailable: () => Promise<string | undefined>;
  readonly launch: (context: RunContext) => Promise<Launch>;
  /** What a finished run left undone, judged from its exit code and output. */
  readonly problem: (figures: ProcessFigures, workload: Workload) => string | undefined;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONTENDERS = join(ROOT, 'bench', 'contenders');

/** Every contender sees the same keys, and none of the user's AWS profiles or settings. */
export async function benchEnvironment(scratch: string): Promise<NodeJS.ProcessEnv> {
  const config = join(scratch, 'aws-config');
  // The AWS CLI: path-style addressing, and checksums only where required (as s3rver needs).
  await writeFile(config, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

async function specFile(context: RunContext): Promise<string> {
  const path = join(context.scratch, `spec-${context.bucket}.json`);
  const groups = context.workload.groups.map(({ listPrefix, outputKey }) => ({ listPrefix, outputKey }));
  await writeFile(path, JSON.stringify({ endpoint: context.endpoint, bucket: context.bucket, groups }));
  return path;
}

const exited = (figures: ProcessFigures): string | undefined =>
  figures.exitCode === 0 ? undefined : `exited ${figures.exitCode}: ${figures.stderr.trim().slice(-600)}`;

interface ToolDocument {
  periods: Array<{ status: string; outputKey: string; error: unknown }>;
}

/** The tool must report every period of the workload collapsed. */
function toolProblem(figures: ProcessFigures, workload: Workload): string | undefined {
  let document: ToolDocument;
  try {
    document = JSON.parse(figures.stdout) as ToolDocument;
  } catch {
    return exited(figures) ?? `printed no JSON document: ${figures.stdout.slice(0, 300)}`;
  }
  const notCollapsed = document.periods.filter((period) => period.status !== 'collapsed');
  if (notCollapsed.length > 0)
    return `${notCollapsed.length} period(s) not collapsed: ${JSON.stringify(notCollapsed[0])}`;
  if (document.periods.length !== workload.groups.length)
    return `collapsed ${document.periods.length} periods, the workload has ${workload.groups.length}`;
  return exited(figures);
}

function commandWorks(command: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

const always = async () => undefined;

/** Extra node flags for the tool and the floor, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p". */
const nodeFlags = (): string[] => (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * The tool's own run: `dist/bin/cli.js` of this checkout, or (the baseline) of another build, to put a
 * change beside what it changes, run for run.
 */
const toolLaunch =
  (cli: () => string) =>
  async (context: RunContext): Promise<Launch> => ({
    command: process.execPath,
    args: [
      ...nodeFlags(),
      cli(),
      ...['--endpoint', context.endpoint, '--bucket', context.bucket],
      ...['--from', context.workload.from, '--to', context.workload.to, '--yes', '--json'],
    ],
    env: await benchEnvironment(context.scratch),
  });

/**
 * BENCH_BASELINE: a folder holding another build's `dist/` (a worktree of another commit, built);
 * builds before the bundle have only dist/cli.js.
 */
function baselineCli(): string {
  const root = process.env.BENCH_BASELINE ?? '';
  const bundled = join(root, 'dist', 'bin', 'cli.js');
  return existsSync(bundled) ? bundled : join(root, 'dist', 'cli.js');
}

export const CONTENDERS_BY_ID: Record<ContenderId, Contender> = {
  tool: {
    id: 'tool',
    label: 'tool',
    repeats: (configured) => configured,
    unavailable: always,
    launch: toolLaunch(() => join(ROOT, 'dist', 'bin', 'cli.js')),
    problem: toolProblem,
  },
  baseline: {
    id: 'baseline',
    label: 'baseline',
    repeats: (configured) => configured,
    unavailable: async () => {
      if (!process.env.BENCH_BASELINE) return 'BENCH_BASELINE names no built checkout';
      return existsSync(baselineCli()) ? undefined : `${baselineCli()} is missing`;
    },
    launch: toolLaunch(baselineCli),
    problem: toolProblem,
  },
  'raw-floor': {
    id: 'raw-floor',
    label: 'raw floor',
    repeats: (configured) => configured,
    unavailable: always,
    launch: async (context) => ({
      command: process.execPath,
      args: [...nodeFlags(), join(CONTENDERS, 'raw-floor.mjs'), await specFile(context)],
      env: await benchEnvironment(context.scratch),
    }),
    problem: exited,
  },
  'one-at-a-time': {
    id: 'one-at-a-time',
    label: 'one at a time',
    repeats: () => 1,
    unavailable: always,
    launch: async (context) => ({
      command: process.execPath,
      args: [join(CONTENDERS, 'one-at-a-time.mjs'), await specFile(context)],
      env: await benchEnvironment(context.scratch),
    }),
    problem: exited,
  },
  'aws-cli': {
    id: 'aws-cli',
    label: 'aws cli',
    repeats: (configured) => configured,
    unavailable: async () => ((await commandWorks('aws', ['--version'])) ? undefined : 'not installed'),
    launch: async (context) => ({
      command: 'bash',
      args: [
        join(CONTENDERS, 'aws-cli.sh'),
        context.endpoint,
        context.bucket,
        ...context.workload.groups.flatMap((group) => [group.folder, group.pattern, group.outputKey]),
      ],
      env: await benchEnvironment(context.scratch),
    }),
    problem: exited,
  },
};
