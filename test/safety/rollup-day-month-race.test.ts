import { afterAll, describe, expect, it } from 'vitest';
import { accessLogObjects, cloudTrailObjects, type SeedObject } from '../../source/demo/log-generator.js';
import { manifestKeyFor } from '../../source/engine/manifest.js';
import { exitCodeOf } from '../../source/engine/run.js';
import type { RunResult } from '../../source/engine/types.js';
import type { LayoutId } from '../../source/layouts/index.js';
import { collapseRange } from '../support/collapse.js';
import { startFaultProxy, type Fault, type ProxiedRequest } from '../support/fault-proxy.js';
import { auditBucket, finishedProblems, lostOriginals } from '../support/invariant.js';
import { contextFor, endpoint, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

/**
 * A `--by month` run and a `--by day` run over the same keys at once (two crons of different
 * granularities). Run A (month) plans, then is held before its pending manifest; run B (day 2) plans
 * — no month manifest yet — and is held at its delete; A then collapses the month and deletes every
 * original, and B's delete finds them gone. Both outputs now hold day 2's keys. With a key that
 * arrived after A planned, B's day output also holds one key the month lacks. The next month run
 * must finish alone: no key twice, none lost, the day output gone.
 */
const s3 = testClient();
afterAll(() => s3.destroy());

const NOW = new Date('2024-06-10T10:00:00Z');
const DAYS = [1, 2, 3].map((day) => new Date(Date.UTC(2024, 4, day)));

interface Workload {
  readonly name: string;
  readonly layout: LayoutId;
  readonly originals: readonly SeedObject[];
  /** The month's output, as `--by month` names it. */
  readonly monthOutput: string;
}

const access: Workload = {
  name: 'plain access logs',
  layout: 's3-access-simple',
  originals: accessLogObjects({
    prefix: 'logs/',
    days: DAYS,
    objectsPerDay: 4,
    sourceBucket: 'site',
    seed: 61,
  }),
  monthOutput: 'logs/2024-05_collapsed',
};
const trail: Workload = {
  name: 'gzip CloudTrail files (each followed by a newline member)',
  layout: 'cloudtrail',
  originals: cloudTrailObjects({
    prefix: '',
    accounts: [{ account: '111122223333' }],
    regions: ['eu-west-1'],
    days: DAYS,
    filesPerDay: 4,
    seed: 62,
  }).filter((object) => object.key.includes('/CloudTrail/')),
  monthOutput:
    'AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/111122223333_CloudTrail_eu-west-1_202405_collapsed.json.gz',
};

const root = (workload: Workload) => (workload.layout === 'cloudtrail' ? '' : 'logs/');
const monthRun = (workload: Workload) =>
  ({ layout: workload.layout, root: root(workload), from: '2024-05', by: 'month' }) as const;
const dayRun = (workload: Workload) =>
  ({ layout: workload.layout, root: root(workload), from: '2024-05-02', by: 'day' }) as const;
const isDay2 = (key: string) => /2024-05-02-|2024\/05\/02\//.test(key);

function gate(): { reached: Promise<void>; reach: () => void; release: () => void; released: Promise<void> } {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return { reached, reach, release, released };
}

/** A proxy that holds the first request `at` matches until the gate is released. */
async function holdingProxy(at: (request: ProxiedRequest) => boolean, held: ReturnType<typeof gate>) {
  let parked = false;
  return startFaultProxy(endpoint(), (request): Fault => {
    if (parked || !at(request)) return { kind: 'pass' };
    parked = true;
    held.reach();
    return { kind: 'hold', until: held.released };
  });
}

async function race(bucket: string, workload: Workload, late: SeedObject | undefined): Promise<RunResult[]> {
  const aHeld = gate();
  const bHeld = gate();
  const proxyA = await holdingProxy(
    (r) => r.operation === 'PutObject' && r.key === manifestKeyFor(workload.monthOutput),
    aHeld,
  );
  const proxyB = await holdingProxy((r) => r.operation === 'DeleteObjects', bHeld);
  const clientA = testClient(proxyA.endpoint);
  const clientB = testClient(proxyB.endpoint);
  try {
    const runA = collapseRange(contextFor(clientA, bucket, NOW), monthRun(workload));
    await aHeld.reached;
    if (late) await putObjects(s3, bucket, [late]);
    const runB = collapseRange(contextFor(clientB, bucket, NOW), dayRun(workload));
    await bHeld.reached;
    aHeld.release();
    const a = await runA;
    bHeld.release();
    const b = await runB;
    return [a.result, b.result];
  } finally {
    aHeld.release();
    bHeld.release();
    clientA.destroy();
    clientB.destroy();
    await Promise.all([proxyA.close(), proxyB.close()]);
  }
}

describe('a month run and a day run over the same keys at once', () => {
  const cases = [access, trail].flatMap((workload) => [
    { title: `${workload.name}, the same keys`, workload, withLate: false },
    { title: `${workload.name}, with a key only the day output holds`, workload, withLate: true },
  ]);
  it.each(cases)('$title: the next month run finishes alone', async ({ workload, withLate }) => {
    const bucket = await newBucket(s3, 'day-month');
    const late = withLate ? workload.originals.filter((object) => isDay2(object.key)).at(-1) : undefined;
    await putObjects(
      s3,
      bucket,
      workload.originals.filter((object) => object !== late),
    );
    const [a, b] = await race(bucket, workload, late);
    expect(a?.periods[0]?.status).toBe('collapsed');
    expect(b?.periods[0]?.status).toBe('collapsed');
    const monthOutput = workload.monthOutput;
    expect(a?.periods[0]?.outputKey).toBe(monthOutput);
    const audit = await auditBucket(s3, bucket, workload.originals);
    expect(lostOriginals(audit, workload.originals)).toEqual([]);
    // Both outputs hold day 2's keys: the state the next run must finish.
    const day2 = workload.originals.filter((object) => isDay2(object.key) && object !== late);
    for (const { key } of day2) expect(audit.collapsed.get(key), key).toBe(2);
    // B's deletes found A's already done: it says so instead of claiming them.
    expect(b?.periods[0]).toMatchObject({ keysDeleted: withLate ? 1 : 0, keysGone: day2.length });

    const after = await collapseRange(contextFor(s3, bucket, NOW), monthRun(workload));
    expect(exitCodeOf(after.result), JSON.stringify(after.result.periods[0]?.error)).toBe(0);
    expect(after.result.periods[0]?.status).toBe(withLate ? 'collapsed' : 'already-collapsed');
    expect(finishedProblems(await auditBucket(s3, bucket, workload.originals), workload.originals)).toEqual(
      [],
    );
    expect((await listKeys(s3, bucket)).sort()).toEqual([monthOutput, manifestKeyFor(monthOutput)].sort());

    // Finished means finished: one more run changes nothing.
    const again = await collapseRange(contextFor(s3, bucket, NOW), monthRun(workload));
    expect(again.result.periods[0]?.status).toBe('already-collapsed');
  });
});
