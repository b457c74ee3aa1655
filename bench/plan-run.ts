// One `plan --out` run of the built CLI, as its own process, through its own latency proxy (so the
// proxy's log is this run's requests alone), and what its plan file holds.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlanFile } from '../source/job/plan-file.js';
import { startFaultProxy, type ProxiedRequest } from '../test/support/fault-proxy.js';
import { benchEnvironment } from './contenders.js';
import { runMeasured } from './measure.js';
import { FIRST_DAY, LAST_DAY, LAYOUT_IDS, type PlanLayout } from './plan-keys.js';

const CLI = fileURLToPath(new URL('../dist/bin/cli.js', import.meta.url));

export type PlanSource = 'list' | 'inventory';

/** What a plan file says about one unit: the figures both sources must agree on. */
export interface UnitFigures {
  readonly id: string;
  readonly output: string;
  readonly keys: number;
  readonly bytes: number;
}

export interface PlanRequests {
  /** ListObjectsV2 pages sent to the bucket of logs. */
  readonly logLists: number;
  /** ListObjectsV2 pages sent anywhere else (the reports bucket). */
  readonly otherLists: number;
  readonly gets: number;
  readonly other: number;
  readonly byOperation: Record<string, number>;
}

export interface PlanRunRecord {
  readonly source: PlanSource;
  readonly latencyMs: number;
  readonly repeat: number;
  readonly wallMs: number;
  readonly cpuS: number;
  readonly peakRssKiB: number;
  readonly requests: PlanRequests;
  readonly units: readonly UnitFigures[];
  readonly problems: readonly string[];
}

export interface PlanRunSetting {
  readonly serverEndpoint: string;
  readonly bucket: string;
  readonly manifestUrl: string;
  readonly layout: PlanLayout;
  readonly scratch: string;
}

/** Pure: the proxy's log counted the way the table shows it. */
export function countPlanRequests(seen: readonly ProxiedRequest[], logBucket: string): PlanRequests {
  const byOperation: Record<string, number> = {};
  let logLists = 0;
  let otherLists = 0;
  let gets = 0;
  for (const request of seen) {
    byOperation[request.operation] = (byOperation[request.operation] ?? 0) + 1;
    if (request.operation === 'ListObjectsV2' || request.operation === 'ListObjects') {
      if (request.bucket === logBucket) logLists += 1;
      else otherLists += 1;
    } else if (request.operation === 'GetObject') gets += 1;
  }
  return { logLists, otherLists, gets, other: seen.length - logLists - otherLists - gets, byOperation };
}

export async function runPlan(
  setting: PlanRunSetting,
  source: PlanSource,
  latencyMs: number,
  repeat: number,
): Promise<PlanRunRecord> {
  const out = join(setting.scratch, `plan-${source}-${latencyMs}-${repeat}.json`);
  const proxy = await startFaultProxy(setting.serverEndpoint, () => ({ kind: 'pass' }), { latencyMs });
  try {
    const args = [
      CLI,
      'plan',
      ...['--endpoint', proxy.endpoint, '--bucket', setting.bucket],
      // The layout and root are given: both sources then plan the same range with no detection.
      ...['--layout', LAYOUT_IDS[setting.layout], '--prefix', 'logs/', '--from', FIRST_DAY, '--to', LAST_DAY],
      ...(source === 'inventory' ? ['--inventory', setting.manifestUrl] : []),
      ...['--out', out],
    ];
    const figures = await runMeasured(process.execPath, args, await benchEnvironment(setting.scratch));
    const requests = countPlanRequests(proxy.seen, setting.bucket);
    const problems: string[] = [];
    let units: UnitFigures[] = [];
    if (figures.exitCode !== 0)
      problems.push(`exited ${figures.exitCode}: ${figures.stderr.trim().slice(-600)}`);
    else {
      const file = parsePlanFile(await readFile(out, 'utf8'), out);
      units = file.units.map(({ id, output, keys, bytes }) => ({ id, output, keys, bytes }));
    }
    return {
      source,
      latencyMs,
      repeat,
      wallMs: Math.round(figures.wallMs),
      cpuS: Number(figures.cpuS.toFixed(2)),
      peakRssKiB: figures.peakRssKiB,
      requests,
      units,
      problems,
    };
  } finally {
    await proxy.close();
  }
}

export interface UnitDifference {
  readonly id: string;
  readonly reference: UnitFigures | null;
  readonly other: UnitFigures | null;
}

/** Pure: the units two plans disagree on (missing from one, or with other keys, bytes or output). */
export function unitDifferences(
  reference: readonly UnitFigures[],
  other: readonly UnitFigures[],
): UnitDifference[] {
  const byId = new Map(other.map((unit) => [unit.id, unit]));
  const differences = reference.flatMap((unit): UnitDifference[] => {
    const found = byId.get(unit.id) ?? null;
    byId.delete(unit.id);
    return found && JSON.stringify(found) === JSON.stringify(unit)
      ? []
      : [{ id: unit.id, reference: unit, other: found }];
  });
  for (const [id, unit] of byId) differences.push({ id, reference: null, other: unit });
  return differences;
}
