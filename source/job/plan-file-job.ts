import { createS3Client, type ConnectionOptions } from '../aws/s3-client.js';
import type { PlanUnit } from '../engine/plan.js';
import type { EngineContext } from '../engine/types.js';
import { UserError } from '../errors.js';
import { formatBytes, formatCount } from '../format.js';
import { useKeyPatternLayout } from '../layouts/index.js';
import { keyPatternLayout } from '../layouts/user-pattern.js';
import type { CliOptions } from '../options.js';
import { periodLabel } from '../periods.js';
import { planJob, type JobAnswers, type JobRange, type LayoutChoice } from './collapse-job.js';
import { planFileFromInventory } from './inventory-plan.js';
import {
  parsePlanFile,
  planFileOf,
  planUnitsOf,
  serializePlanFile,
  type PlanFile,
  type PlanFileUnit,
} from './plan-file.js';
import { parseShard, unitsOfShard } from './shards.js';
import { describeLocation, locationOf, readText, writeText } from './text-location.js';

/**
 * Plan files in the job: `plan --out` writes the units a range holds; `run --plan` reads them back
 * and takes this machine's share (a shard, or the units `--period` names). The engine plans each
 * unit again, so a plan file only says where the work is.
 */

/** A plan file as read, and where from (for messages). */
export interface LoadedPlanFile {
  readonly file: PlanFile;
  readonly where: string;
}

export async function loadPlanFile(
  connection: ConnectionOptions,
  value: string,
  signal?: AbortSignal,
): Promise<LoadedPlanFile> {
  const location = locationOf('plan', value);
  const where = describeLocation(location);
  let client: ReturnType<typeof createS3Client> | undefined;
  try {
    const text = await readText(location, () => (client ??= createS3Client(connection)), signal);
    return { file: parsePlanFile(text, where), where };
  } finally {
    client?.destroy();
  }
}

/** What a plan file gives this machine's run: the layout, its periods as a range, and the units. */
export interface PlanFileRun {
  readonly layout: LayoutChoice;
  readonly range: JobRange;
  readonly units: readonly PlanUnit[];
  /** Said before planning: which share of the file this run takes. */
  readonly share: string;
}

function chosenUnits(loaded: LoadedPlanFile, options: CliOptions, env: NodeJS.ProcessEnv) {
  const { file, where } = loaded;
  if (options.period) {
    const byId = new Map(file.units.map((unit) => [unit.id, unit]));
    const unknown = options.period.filter((id) => !byId.has(id));
    if (unknown.length > 0)
      throw new UserError(
        `--period ${unknown[0]} is not a unit of ${where}.`,
        `Its units are named <series>|<period>, e.g. ${file.units[0]?.id ?? '(it has none)'}.`,
      );
    const units = options.period.map((id) => byId.get(id)!);
    return { units, share: `${formatCount(units.length)} of its ${formatCount(file.units.length)} units` };
  }
  if (options.shard) {
    const shard = parseShard(options.shard, env);
    const units = unitsOfShard(file.units, shard);
    return {
      units,
      share: `shard ${shard.index}/${shard.count}: ${formatCount(units.length)} of its ${formatCount(file.units.length)} units`,
    };
  }
  return { units: file.units, share: `all ${formatCount(file.units.length)} units` };
}

/** Pure apart from the key-pattern layout it sets for the run: this machine's share of the file. */
export function planFileRun(
  loaded: LoadedPlanFile,
  options: CliOptions,
  finished: ReadonlySet<string> = new Set(),
  env: NodeJS.ProcessEnv = process.env,
): PlanFileRun {
  const { file, where } = loaded;
  if (file.layout === 'key-pattern') {
    if (file.keyPattern === undefined)
      throw new UserError(
        `${where} is of a --key-pattern layout but records no pattern.`,
        'Write it again with s3collapse-tui plan.',
      );
    useKeyPatternLayout(keyPatternLayout(file.keyPattern));
  }
  const chosen = chosenUnits(loaded, options, env);
  // After the shard is chosen: a shard is the same units however many of them are done.
  const units = chosen.units.filter((unit) => !finished.has(unit.id));
  const done = chosen.units.length - units.length;
  const share =
    done > 0
      ? `${chosen.share}, ${formatCount(done)} of them finished before (marked in ${where}.done/): not listed again`
      : chosen.share;
  const planUnits = planUnitsOf(file, units);
  const periods = [
    ...new Map(planUnits.map((unit) => [unit.period.start.getTime(), unit.period])).values(),
  ].sort((a, b) => a.start.getTime() - b.start.getTime());
  const labels = periods.map(periodLabel);
  return {
    layout: { layout: file.layout, root: file.root },
    range: { by: file.by, periods, from: labels[0] ?? '', to: labels.at(-1) ?? '' },
    units: planUnits,
    share: `${where} (${file.bucket}, planned ${file.createdAt}): ${share}, ${formatBytes(sumBytes(units))}`,
  };
}

const sumBytes = (units: readonly PlanFileUnit[]): number =>
  units.reduce((total, unit) => total + unit.bytes, 0);

/** What `plan --out` wrote, for the face to say. */
export interface WrittenPlan {
  readonly where: string;
  readonly itemsWhere?: string | undefined;
  readonly units: number;
  readonly bytes: number;
  readonly keys: number;
  readonly alreadyCollapsed: number;
}

/** What a face says once the plan file is written. */
export function writtenPlanLines(written: WrittenPlan): string[] {
  return [
    `Plan: ${formatCount(written.units)} units, ${formatCount(written.keys)} keys (${formatBytes(written.bytes)}), written to ${written.where}` +
      (written.alreadyCollapsed > 0
        ? `; ${formatCount(written.alreadyCollapsed)} periods were already collapsed.`
        : '.'),
    ...(written.itemsWhere ? [`Items for a Distributed Map: ${written.itemsWhere}.`] : []),
    `Run it: s3collapse-tui run --plan ${written.where} --yes (add --shard I/N to split it across machines).`,
  ];
}

/** Writes the plan file (and, with --items, the Distributed Map's array of its units). */
export async function writePlanFile(
  ctx: EngineContext,
  file: PlanFile,
  options: CliOptions,
  signal?: AbortSignal,
): Promise<WrittenPlan> {
  const out = locationOf('out', options.out!);
  await writeText(out, serializePlanFile(file), () => ctx.s3, signal);
  const items = options.items ? locationOf('items', options.items) : undefined;
  if (items) {
    const array = file.units.map((unit) => ({ period: unit.id }));
    await writeText(items, `${JSON.stringify(array, null, 2)}\n`, () => ctx.s3, signal);
  }
  return {
    where: describeLocation(out),
    itemsWhere: items ? describeLocation(items) : undefined,
    units: file.units.length,
    bytes: sumBytes(file.units),
    keys: file.units.reduce((total, unit) => total + unit.keys, 0),
    alreadyCollapsed: file.alreadyCollapsed,
  };
}

/** `plan --out`: the range's units, from an S3 Inventory report or by planning every period (LIST). */
export async function planFileFor(
  ctx: EngineContext,
  answers: JobAnswers,
  options: CliOptions,
  setting: { readonly createdAt: Date; readonly tool: string },
  signal?: AbortSignal,
): Promise<PlanFile> {
  if (options.inventory) return planFileFromInventory(ctx, answers, options, setting, signal);
  const planned = await planJob(ctx, answers, options, signal);
  return planFileOf(planned.plan, {
    ...setting,
    keyPattern: options.keyPattern,
    outPrefix: options.outPrefix,
    checkDigests: options.checkDigests,
    source: { kind: 'list' },
  });
}
