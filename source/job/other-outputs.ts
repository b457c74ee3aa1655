import { manifestKeyFor } from '../engine/manifest.js';
import { outputKeyFor } from '../engine/plan.js';
import { headObject } from '../engine/s3-objects.js';
import type { EngineContext, Plan } from '../engine/types.js';
import { layoutById } from '../layouts/index.js';
import { GRANULARITIES, periodOf } from '../periods.js';

/**
 * Outputs of other granularities over a plan's periods: those of shorter periods were seen while
 * listing (`otherOutputs`); those of longer ones are looked up by their manifests (a few requests:
 * one per day or month the range touches). Used only when a plan found nothing, to tell "already
 * collapsed another way" from "nothing here".
 */
export async function findOtherOutputs(
  ctx: EngineContext,
  plan: Plan,
  outPrefix: string | undefined,
  signal?: AbortSignal,
): Promise<{ count: number; example?: string | undefined }> {
  const shorter = plan.periods.flatMap((period) => period.otherOutputs);
  const layout = layoutById(plan.layout);
  const longer = GRANULARITIES.slice(GRANULARITIES.indexOf(plan.by) + 1);
  const candidates = new Map<string, string>();
  for (const by of longer) {
    for (const period of plan.periods) {
      const outputKey = outputKeyFor(layout, period.series, periodOf(period.period.start, by), outPrefix);
      candidates.set(manifestKeyFor(outputKey), outputKey);
    }
  }
  const found: string[] = [];
  for (const [manifestKey, outputKey] of candidates) {
    if (await headObject(ctx.s3, ctx.bucket, manifestKey, signal)) found.push(outputKey);
  }
  const all = [...shorter, ...found];
  return { count: all.length, example: all[0] };
}
