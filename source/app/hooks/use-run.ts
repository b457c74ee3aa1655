import { setMaxListeners } from 'node:events';
import { useEffect, useState } from 'react';
import type { EngineContext, Plan, RunOptions } from '../../engine/types.js';
import { executeJob, type JobOutcome } from '../../job/collapse-job.js';
import { initialProgress, reduceProgress, type RunProgress } from '../../job/run-progress.js';

export interface RunView {
  readonly progress: RunProgress;
  /** When the view was taken, for rates and the ETA. */
  readonly at: number;
  readonly outcome?: JobOutcome | undefined;
  readonly error?: unknown;
}

const REDRAW_MS = 120;

/**
 * Runs a plan once. Engine events fold into a progress value outside React (there are thousands of
 * byte events); the screen takes a snapshot a few times a second. Aborting `signal`, or leaving the
 * screen, stops the run: the engine aborts in-flight uploads and deletes nothing unverified.
 */
export function useRun(ctx: EngineContext, plan: Plan, options: RunOptions, signal: AbortSignal): RunView {
  const [view, setView] = useState<RunView>(() => ({
    progress: initialProgress(plan, Date.now()),
    at: Date.now(),
  }));
  useEffect(() => {
    const local = new AbortController();
    const both = AbortSignal.any([signal, local.signal]);
    // Every request in flight listens on the one run signal.
    setMaxListeners(0, both);
    let progress = initialProgress(plan, Date.now());
    let changed = false;
    const timer = setInterval(() => {
      if (!changed) return;
      changed = false;
      setView({ progress, at: Date.now() });
    }, REDRAW_MS);
    const onEvent = (event: Parameters<typeof reduceProgress>[1]) => {
      progress = reduceProgress(progress, event);
      changed = true;
    };
    executeJob(ctx, plan, options, onEvent, both).then(
      (outcome) => {
        clearInterval(timer);
        if (!local.signal.aborted) setView({ progress, at: Date.now(), outcome });
      },
      (error: unknown) => {
        clearInterval(timer);
        if (!local.signal.aborted) setView({ progress, at: Date.now(), error });
      },
    );
    return () => {
      clearInterval(timer);
      local.abort();
    };
  }, [ctx, plan, options, signal]);
  return view;
}
