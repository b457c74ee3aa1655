import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, randomSource, type SeedObject } from '../../source/demo/log-generator.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems, lostOriginals } from '../support/invariant.js';
import { runCli, startCli, type CliRun, type StartedCli } from '../support/run-cli.js';
import { endpoint, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * Rounds of cron-like trouble, each from a seed: two or three runs of the same command started at
 * random moments, through a wire that throttles, resets and cuts bodies at random, one of them
 * perhaps killed at a random request; late keys arriving meanwhile. After each round the invariant
 * must hold (nothing lost), and one clean run must finish the job exactly.
 *
 * The suite runs a few rounds; `npm run soak` runs many (SOAK_ROUNDS, SOAK_SEED to replay one).
 */
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 3);
const FIRST_SEED = Number(process.env.SOAK_SEED ?? 1);

const s3 = testClient();
afterAll(() => s3.destroy());

const DAYS = [new Date('2024-05-01T00:00:00Z'), new Date('2024-05-02T00:00:00Z')];
const flags = (url: string, bucket: string) => [
  '--endpoint',
  url,
  '--bucket',
  bucket,
  '--from',
  '2024-05-01',
  '--to',
  '2024-05-02',
  '--yes',
  '--json',
];

/** A wire that misbehaves now and then, decided by the round's own random source. */
function flakyWire(random: () => number, kill: { at: number; victim: () => StartedCli | undefined }) {
  let requests = 0;
  return (): Fault => {
    requests += 1;
    if (requests === kill.at) {
      kill.victim()?.process.kill('SIGKILL');
      return { kind: 'reset' };
    }
    const roll = random();
    if (roll < 0.04) return { kind: 'error', status: 503, code: 'SlowDown' };
    if (roll < 0.06) return { kind: 'reset' };
    if (roll < 0.08) return { kind: 'error', status: 500, code: 'InternalError' };
    if (roll < 0.2) return { kind: 'delay', ms: Math.floor(random() * 40) };
    return { kind: 'pass' };
  };
}

async function round(seed: number): Promise<string[]> {
  const random = randomSource(seed);
  const originals = accessLogObjects({
    prefix: 'logs/',
    days: DAYS,
    objectsPerDay: 15,
    sourceBucket: 'site',
    seed,
  });
  const late: SeedObject[] = [
    {
      key: `logs/2024-05-01-23-59-59-LATE${String(seed).padStart(12, '0')}`,
      body: Buffer.from(`late ${seed}\n`),
    },
  ];
  const bucket = await newBucket(s3, `soak-${seed}`);
  await putObjects(s3, bucket, originals);

  const runs: StartedCli[] = [];
  const victim = Math.floor(random() * 3);
  const proxy: FaultProxy = await startFaultProxy(
    endpoint(),
    flakyWire(random, {
      at: random() < 0.7 ? 5 + Math.floor(random() * 60) : -1,
      victim: () => runs[victim],
    }),
  );
  let done: CliRun[];
  try {
    const count = 2 + Math.floor(random() * 2);
    const starts = Array.from({ length: count }, () => Math.floor(random() * 400));
    const lateAt = Math.floor(random() * 400);
    const waits = starts.map(
      (delay) =>
        new Promise<CliRun>((resolve) =>
          setTimeout(() => {
            const started = startCli(flags(proxy.endpoint, bucket));
            runs.push(started);
            void started.done.then(resolve);
          }, delay),
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, lateAt));
    await putObjects(s3, bucket, late);
    done = await Promise.all(waits);
  } finally {
    await proxy.close();
  }
  const all = [...originals, ...late];
  const problems: string[] = [];
  for (const run of done) {
    // 1: a period failed (another run, a fault), or the run was killed; anything else is wrong.
    if (![0, 1].includes(run.code))
      problems.push(`a run exited ${run.code}: ${run.stderr.trim().split('\n').at(-1)}`);
  }
  const lost = lostOriginals(await auditBucket(s3, bucket, all), all);
  if (lost.length > 0) problems.push(`lost during the round: ${lost.join(', ')}`);
  const clean = await runCli(flags(endpoint(), bucket));
  if (clean.code !== 0)
    problems.push(`the clean run exited ${clean.code}: ${clean.stderr.trim().split('\n').at(-1)}`);
  problems.push(...finishedProblems(await auditBucket(s3, bucket, all), all));
  return problems.map((problem) => `seed ${seed}: ${problem}`);
}

describe('soak: overlapping runs, a flaky wire, a random kill, late keys', () => {
  it(
    `${ROUNDS} rounds from seed ${FIRST_SEED}: nothing lost, and a clean run finishes each exactly`,
    async () => {
      const problems: string[] = [];
      for (let seed = FIRST_SEED; seed < FIRST_SEED + ROUNDS; seed += 1)
        problems.push(...(await round(seed)));
      expect(problems).toEqual([]);
    },
    ROUNDS * 100_000,
  );
});
