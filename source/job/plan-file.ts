import { z } from 'zod';
import { writesOrDeletes, type PlanUnit } from '../engine/plan.js';
import type { Plan, PeriodPlan } from '../engine/types.js';
import { UserError } from '../errors.js';
import { LAYOUTS, type LayoutId, type Series } from '../layouts/index.js';
import { GRANULARITIES, periodOf, type Granularity } from '../periods.js';

/**
 * A plan file: every (series, period) of a range as a unit of work, with the keys and bytes it held
 * when planned. Written by `plan --out`, read by `run --plan` on one machine or many (each takes a
 * shard or one unit). It is a snapshot of where the work is, not of which keys to delete: every
 * unit is listed and checked again when it runs, so keys deleted since are skipped and keys added
 * since are collapsed (or left for the next run).
 */

export const PLAN_FORMAT = 's3collapse-plan/1';

const LAYOUT_IDS: [LayoutId, ...LayoutId[]] = ['key-pattern', ...LAYOUTS.map((layout) => layout.id)];

const seriesSchema = z.object({
  layout: z.enum(LAYOUT_IDS),
  root: z.string(),
  base: z.string(),
  keyPrefix: z.string().optional(),
  hourFolders: z.boolean().optional(),
  label: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
});

const count = z.number().int().nonnegative();

const unitSchema = z.object({
  /** `<series base>|<period label>`: what `--period` names, unique in the file. */
  id: z.string().min(1),
  series: seriesSchema,
  /** The period's first instant (UTC); its granularity is the file's `by`. */
  start: z.string(),
  label: z.string(),
  /** Where the unit's output goes. */
  output: z.string(),
  /** Originals (and outputs of shorter periods rolled in) found when planned, and their bytes. */
  keys: count,
  bytes: count,
});

export const planFileSchema = z.object({
  format: z.literal(PLAN_FORMAT),
  createdAt: z.string(),
  tool: z.string(),
  bucket: z.string().min(1),
  layout: z.enum(LAYOUT_IDS),
  root: z.string(),
  /** With `layout: 'key-pattern'`: the pattern the layout is rebuilt from. */
  keyPattern: z.string().optional(),
  by: z.enum(GRANULARITIES as [Granularity, ...Granularity[]]),
  outPrefix: z.string().optional(),
  checkDigests: z.boolean().optional(),
  /** How the units were found: a LIST of every period, or an S3 Inventory report (its manifest). */
  source: z.object({ kind: z.enum(['list', 'inventory']), manifest: z.string().optional() }),
  /** Periods found already collapsed when planned: not units. */
  alreadyCollapsed: count,
  units: z.array(unitSchema),
});

export type PlanFile = z.infer<typeof planFileSchema>;
export type PlanFileUnit = z.infer<typeof unitSchema>;

/** What a plan file says beyond its units: how it was made. */
export interface PlanFileSetting {
  readonly createdAt: Date;
  readonly tool: string;
  readonly keyPattern?: string | undefined;
  readonly outPrefix?: string | undefined;
  readonly checkDigests?: boolean | undefined;
  readonly source: PlanFile['source'];
}

/** A period is work when a run would write or delete something for it, or must report a problem. */
const isWork = (period: PeriodPlan): boolean => period.status === 'failed' || writesOrDeletes(period);

export function unitOfPeriod(period: PeriodPlan): PlanFileUnit {
  const rolled = period.rollIn ?? [];
  return {
    id: period.id,
    series: period.series,
    start: period.period.start.toISOString(),
    label: period.label,
    output: period.outputKey,
    keys: period.keys + rolled.length,
    bytes: period.bytes + rolled.reduce((total, input) => total + input.output.size, 0),
  };
}

/** Pure: the engine's plan as a plan file (work only; periods with nothing to do are counted). */
export function planFileOf(plan: Plan, setting: PlanFileSetting): PlanFile {
  const work = plan.periods.filter(isWork);
  return {
    format: PLAN_FORMAT,
    createdAt: setting.createdAt.toISOString(),
    tool: setting.tool,
    bucket: plan.bucket,
    layout: plan.layout,
    root: plan.root,
    ...(setting.keyPattern !== undefined ? { keyPattern: setting.keyPattern } : {}),
    by: plan.by,
    ...(setting.outPrefix !== undefined ? { outPrefix: setting.outPrefix } : {}),
    ...(setting.checkDigests ? { checkDigests: true } : {}),
    source: setting.source,
    alreadyCollapsed:
      plan.periods.filter((period) => period.status === 'already-collapsed').length -
      work.filter((period) => period.status === 'already-collapsed').length,
    units: work.map(unitOfPeriod),
  };
}

export function serializePlanFile(file: PlanFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads a plan file's text; anything that is not one is a UserError naming where it came from. */
export function parsePlanFile(text: string, where: string): PlanFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(
      `${where} is not a plan file: it is not JSON.`,
      'Write one with s3collapse-tui plan --out FILE.',
    );
  }
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new UserError(
      `${where} is not a plan file this version reads (${first?.path.join('.') || 'format'}: ${first?.message ?? 'invalid'}).`,
      `Write it again with this version: s3collapse-tui plan --out FILE (format ${PLAN_FORMAT}).`,
    );
  }
  const ids = new Set<string>();
  for (const unit of parsed.data.units) {
    if (ids.has(unit.id))
      throw new UserError(
        `${where} names the unit ${unit.id} twice.`,
        'Write the plan file again with s3collapse-tui plan.',
      );
    ids.add(unit.id);
  }
  return parsed.data;
}

/** The engine's units for a plan file's units: the series as recorded, each period rebuilt from its start. */
export function planUnitsOf(file: PlanFile, units: readonly PlanFileUnit[]): PlanUnit[] {
  return units.map((unit) => {
    const start = new Date(unit.start);
    const period = periodOf(start, file.by);
    if (Number.isNaN(start.getTime()) || period.start.getTime() !== start.getTime())
      throw new UserError(
        `The plan file's unit ${unit.id} starts at ${unit.start}, which is not the start of a ${file.by}.`,
        'Write the plan file again with s3collapse-tui plan.',
      );
    return { series: unit.series as Series, period };
  });
}
