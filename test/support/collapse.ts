import { gunzipSync } from 'node:zlib';
import { planRun } from '../../source/engine/plan.js';
import { executePlan } from '../../source/engine/run.js';
import {
  DEFAULT_RUN_OPTIONS,
  type EngineContext,
  type EngineEvent,
  type Plan,
  type RunOptions,
  type RunResult,
} from '../../source/engine/types.js';
import { layoutById, type LayoutId } from '../../source/layouts/index.js';
import { periodsCovering, type Granularity } from '../../source/periods.js';

export interface CollapseRequest {
  readonly layout: LayoutId;
  readonly root: string;
  readonly from: string;
  readonly to?: string;
  readonly by?: Granularity;
  readonly outPrefix?: string;
  readonly options?: Partial<RunOptions>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
}

/** Plans and runs through the real engine, as the CLI does, collecting every event. */
export async function collapseRange(
  ctx: EngineContext,
  request: CollapseRequest,
): Promise<{ plan: Plan; result: RunResult; events: EngineEvent[] }> {
  const by = request.by ?? 'day';
  const periods = periodsCovering(new Date(request.from), new Date(request.to ?? request.from), by);
  const plan = await planRun(ctx, {
    layout: layoutById(request.layout),
    root: request.root,
    by,
    periods,
    outPrefix: request.outPrefix,
  });
  const events: EngineEvent[] = [];
  const result = await executePlan(
    ctx,
    plan,
    { ...DEFAULT_RUN_OPTIONS, ...request.options },
    (event) => {
      events.push(event);
      request.onEvent?.(event);
    },
    request.signal,
  );
  return { plan, result, events };
}

/** What a reader sees in a gzip output: every member decompressed, in order. */
export const gunzipText = (bytes: Buffer): string => gunzipSync(bytes).toString('utf8');
