import pMap from 'p-map';
import { onThrottle } from '../aws/request-middleware.js';
import { collapsePeriod, PeriodFailure, periodErrorText } from './collapse-period.js';
import { PrefixGates } from './request-gate.js';
import { settleSignal, type RunScope } from './run-scope.js';
import type { EmitEvent, EngineContext, PeriodResult, Plan, RunOptions, RunResult } from './types.js';
import { AnotherRunError } from './write-condition.js';

const isAbort = (error: unknown, signal?: AbortSignal): boolean =>
  signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');

/** The message of a failed period. Failures that know the state they left say it themselves. */
function failureText(error: unknown, signal?: AbortSignal): string {
  if (isAbort(error, signal)) return 'stopped before its output was verified; originals kept';
  if (error instanceof PeriodFailure || error instanceof AnotherRunError) return error.message;
  return `${periodErrorText(error)} Originals kept.`;
}

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
  const gates = new PrefixGates(options.periodConcurrency * options.downloadConcurrency);
  for (const series of plan.series) gates.forPrefix(series.base);
  const stopListening = onThrottle(ctx.s3, ({ key }) => {
    if (key !== undefined) gates.forKey(key)?.throttled();
  });
  const settle = settleSignal(signal, options.settleMs);
  const scope: RunScope = { ctx, plan, options, emit, signal, settle, gates };
  try {
    const periods = await pMap(
      plan.periods,
      async (period): Promise<PeriodResult> => {
        const base = {
          id: period.id,
          label: period.label,
          series: period.series.label,
          keys: period.incoming.length + period.alreadyCollapsed.length,
          bytes: [...period.incoming, ...period.alreadyCollapsed].reduce(
            (total, member) => total + member.size,
            0,
          ),
          outputKey: period.outputKey,
          keysDeleted: 0,
          deleteFailed: [],
        };
        if (signal?.aborted) return { ...base, status: 'skipped', error: 'not started: the run was stopped' };
        let result: PeriodResult;
        try {
          result = await collapsePeriod(scope, period);
        } catch (error) {
          result = { ...base, status: 'failed', error: failureText(error, signal) };
        }
        if (result.status === 'failed')
          emit({ type: 'period-failed', periodId: period.id, error: result.error ?? 'failed' });
        emit({ type: 'period-done', result });
        return result;
      },
      { concurrency: options.periodConcurrency },
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

/** 0 done, 1 some period failed or a key could not be deleted (nothing lost), 130 interrupted. */
export function exitCodeOf(result: RunResult): number {
  if (result.interrupted) return 130;
  const troubled = result.periods.some(
    (period) => period.status === 'failed' || period.deleteFailed.length > 0,
  );
  return troubled ? 1 : 0;
}
