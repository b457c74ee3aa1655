import { outputKeyFor } from '../engine/plan.js';
import type { EngineContext } from '../engine/types.js';
import { UserError } from '../errors.js';
import { readInventory, readInventoryManifest, type InventoryRow } from '../inventory/read-inventory.js';
import { layoutById, type Layout, type Series } from '../layouts/index.js';
import type { CliOptions } from '../options.js';
import { periodLabel, periodOf, type Period } from '../periods.js';
import type { JobAnswers } from './collapse-job.js';
import { PLAN_FORMAT, type PlanFile, type PlanFileUnit } from './plan-file.js';

/**
 * `plan --inventory`: the units of a range found in an S3 Inventory report instead of by LIST. On a
 * bucket of millions of keys LIST is an hour of serial paging; the report is a few files. It is up
 * to a day old, which a plan may be: every unit is listed again, by its own prefix only, when it runs.
 */

interface Tally {
  readonly series: Series;
  readonly period: Period;
  keys: number;
  bytes: number;
}

/**
 * The rows of the layout and range counted into units, in the order first seen. The report streams
 * by once; only a tally per unit is kept, so memory grows with units, not with keys.
 */
export async function unitsFromRows(
  rows: AsyncIterable<InventoryRow>,
  layout: Layout,
  root: string,
  periods: readonly Period[],
  outPrefix: string | undefined,
): Promise<PlanFileUnit[]> {
  const wanted = new Set(periods.map((period) => period.start.getTime()));
  const by = periods[0]?.by ?? 'day';
  const tallies = new Map<string, Tally>();
  for await (const row of rows) {
    if (!row.key.startsWith(root)) continue;
    const parsed = layout.parse(row.key);
    if (!parsed || parsed.series.root !== root) continue;
    const period = periodOf(parsed.time, by);
    if (!wanted.has(period.start.getTime())) continue;
    const id = `${parsed.series.base}|${periodLabel(period)}`;
    let tally = tallies.get(id);
    if (!tally) tallies.set(id, (tally = { series: parsed.series, period, keys: 0, bytes: 0 }));
    tally.keys += 1;
    tally.bytes += row.size;
  }
  return [...tallies.entries()].map(([id, { series, period, keys, bytes }]) => ({
    id,
    series,
    start: period.start.toISOString(),
    label: periodLabel(period),
    output: outputKeyFor(layout, series, period, outPrefix),
    keys,
    bytes,
  }));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Series by base, then periods by start: the order a LIST-made plan file has too. */
export const unitOrder = (a: PlanFileUnit, b: PlanFileUnit): number =>
  compare(a.series.base, b.series.base) || compare(a.start, b.start);

/** The report's rows, once its manifest says it is an inventory of this bucket. */
async function* rowsOf(ctx: EngineContext, url: string, signal?: AbortSignal): AsyncGenerator<InventoryRow> {
  const manifest = await readInventoryManifest(ctx.s3, url, { signal });
  if (manifest.sourceBucket !== ctx.bucket)
    throw new UserError(
      `${url} is an inventory of ${manifest.sourceBucket}, not of ${ctx.bucket}.`,
      `Give the inventory of ${ctx.bucket}, or --bucket ${manifest.sourceBucket}.`,
    );
  yield* readInventory(ctx.s3, url, { signal, manifest });
}

export async function planFileFromInventory(
  ctx: EngineContext,
  answers: JobAnswers,
  options: CliOptions,
  setting: { readonly createdAt: Date; readonly tool: string },
  signal?: AbortSignal,
): Promise<PlanFile> {
  const url = options.inventory!;
  const layout = layoutById(answers.layout.layout);
  const units = await unitsFromRows(
    rowsOf(ctx, url, signal),
    layout,
    answers.layout.root,
    answers.range.periods,
    options.outPrefix,
  );

  return {
    format: PLAN_FORMAT,
    createdAt: setting.createdAt.toISOString(),
    tool: setting.tool,
    bucket: ctx.bucket,
    layout: layout.id,
    root: answers.layout.root,
    ...(options.keyPattern !== undefined ? { keyPattern: options.keyPattern } : {}),
    by: answers.range.by,
    ...(options.outPrefix !== undefined ? { outPrefix: options.outPrefix } : {}),
    ...(options.checkDigests ? { checkDigests: true } : {}),
    source: { kind: 'inventory', manifest: url },
    // The report shows originals only: periods already collapsed hold none and are simply absent.
    alreadyCollapsed: 0,
    units: units.sort(unitOrder),
  };
}
