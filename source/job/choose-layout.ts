import { detectLayouts } from '../engine/detect-bucket.js';
import type { EngineContext } from '../engine/types.js';
import { chooseCandidate, type Detection } from '../layouts/detect.js';
import { layoutById, layoutsForChoice, type Layout } from '../layouts/index.js';

export interface ChosenLayout {
  readonly layout: Layout;
  readonly root: string;
  readonly detection?: Detection;
}

/**
 * The layout and root to plan with. A specific `--layout` with a `--prefix` is taken as given; anything
 * else is detected from a sample, and must come out as exactly one candidate.
 */
export async function chooseLayout(
  ctx: EngineContext,
  choice: string,
  prefix: string | undefined,
  signal?: AbortSignal,
): Promise<ChosenLayout> {
  const layouts = layoutsForChoice(choice);
  if (layouts.length === 1 && prefix !== undefined) return { layout: layouts[0]!, root: prefix };
  const detection = await detectLayouts(ctx, prefix ?? '', layouts, signal);
  const candidate = chooseCandidate(detection, `s3://${ctx.bucket}/${prefix ?? ''}`);
  return { layout: layoutById(candidate.layout), root: candidate.root, detection };
}
