import pMap from 'p-map';
import { onThrottle } from '../aws/request-middleware.js';
import { ExitCode } from '../exit-code.js';
import { collapsePeriod, resultOf } from './collapse-period.js';
import { periodErrorOf } from './period-error.js';
import { PrefixGates } from './request-gate.js';
import { runBudget } from './run-budget.js';
import { settleSignal, type RunScope } from './run-scope.js';
import type { EmitEvent, EngineContext, PeriodResult, Plan, RunOptions, RunResult } from './types.js';

/** Periods that may be verifying, recording or deleting for each one downloading and uploading. */
const TAILS_PER_STREAM = 4;

/**
 * Runs every period of a plan, several at once. A failing period never stops the others; an abort
 * stops starting new ones and lets the running ones unwind (aborting their multipart uploads).
 */
export async function executePlan(
  ctx: EngineContext,
  plan: Plan,
  options: RunOptions,
  emit: EmitEvent,
  signal?: AbortSignal,
): Promise<RunResult> {
  const started = Date.now();
  const gates = new PrefixGates(options.downloadConcurrency);
  // A series named in file names below date folders (Redshift) has a base no key starts with.
  for (const series of plan.series) gates.forPrefix(series.keyPrefix ?? series.base);
  const stopListening = onThrottle(ctx.s3, ({ key }) => {
    if (key !== undefined) gates.forKey(key)?.throttled();
  });
  const settle = settleSignal(signal, options.settleMs);
  const budget = runBudget(options);
  const scope: RunScope = { ctx, plan, options, emit, signal, settle, gates, budget };
  try {
    const periods = await pMap(
      plan.periods,
      async (period): Promise<PeriodResult> => {
        const budgetSpent = signal?.aborted ? undefined : options.stopStarting?.(period);
        if (signal?.aborted || budgetSpent !== undefined) {
          return resultOf(period, {
            status: 'skipped',
            error: {
              stage: 'plan',
              code: 'not-started',
              message: budgetSpent ?? 'Not started: the run was stopped.',
              fix: 'Run the same command again to finish.',
              left: 'unchanged',
              originalsKept: true,
            },
          });
        }
        let result: PeriodResult;
        try {
          result = await collapsePeriod(scope, period);
        } catch (error) {
          // collapsePeriod reports its own failures; this is only for what it did not foresee.
          result = resultOf(period, {
            status: 'failed',
            error: periodErrorOf(error, { stage: 'plan', left: 'pending', stopped: signal?.aborted }),
          });
        }
        if (result.status === 'failed' && result.error)
          emit({ type: 'period-failed', periodId: period.id, error: result.error });
        emit({ type: 'period-done', result });
        return result;
      },
      // Periods past their upload (verifying, recording, deleting) hold no budget: many may do so at once.
      { concurrency: options.periodConcurrency * TAILS_PER_STREAM },
    );
    const result: RunResult = {
      periods,
      interrupted: signal?.aborted === true,
      elapsedMs: Date.now() - started,
    };
    emit({ type: 'done', result });
    return result;
  } finally {
    stopListening();
  }
}

/** Done, unfinished (a period failed or a key could not be deleted: nothing lost), or interrupted. */
export function exitCodeOf(result: RunResult): ExitCode {
  if (result.interrupted) return ExitCode.Interrupted;
  const troubled = result.periods.some(
    (period) => period.status === 'failed' || period.deleteFailed.length > 0,
  );
  return troubled ? ExitCode.Unfinished : ExitCode.Done;
}
