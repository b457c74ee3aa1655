import { setMaxListeners } from 'node:events';
import { useEffect } from 'react';
import type { EngineContext } from '../../engine/types.js';
import { planJob, type JobAnswers, type JobPlan } from '../../job/collapse-job.js';
import type { CliOptions } from '../../options.js';

/**
 * Snapshots the range once its answers are complete and no plan is held: the plan (or why there is
 * none) goes straight into the app's state, which the preview only draws. Changed answers abort the
 * listing in flight and its answer is dropped.
 */
export function usePlanning(
  ctx: EngineContext | undefined,
  answers: JobAnswers | undefined,
  options: CliOptions,
  onPlanned: (plan: JobPlan) => void,
  onFailed: (error: unknown) => void,
): void {
  useEffect(() => {
    if (!ctx || !answers) return;
    const controller = new AbortController();
    // A plan lists many prefixes at once, each request listening on this one signal.
    setMaxListeners(0, controller.signal);
    planJob(ctx, answers, options, controller.signal).then(
      (plan) => {
        if (!controller.signal.aborted) onPlanned(plan);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) onFailed(error);
      },
    );
    return () => controller.abort();
  }, [ctx, answers, options, onPlanned, onFailed]);
}
