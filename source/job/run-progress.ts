import type { PeriodError } from '../engine/period-error.js';
import type { DeleteFailure, EngineEvent, PeriodResult, PeriodStatus, Plan } from '../engine/types.js';

/** What a face shows of one period while a run goes on. */
export interface PeriodProgress {
  readonly id: string;
  readonly label: string;
  readonly series: string;
  readonly keys: number;
  /** Bytes to download and to write: the committed prefix plus the new keys. */
  readonly total: number;
  readonly downloaded: number;
  readonly concatenated: number;
  readonly uploaded: number;
  readonly phase: 'waiting' | 'running' | 'verified' | 'deleting' | 'done' | 'failed';
  readonly status?: PeriodStatus | undefined;
  readonly keysDeleted: number;
  readonly deleteFailed: readonly DeleteFailure[];
  readonly error?: PeriodError | undefined;
}

export interface RunProgress {
  readonly periods: readonly PeriodProgress[];
  readonly startedAt: number;
  readonly finished: boolean;
  readonly results: readonly PeriodResult[];
}

export function initialProgress(plan: Plan, startedAt: number): RunProgress {
  return {
    startedAt,
    finished: false,
    results: [],
    periods: plan.periods.map((period) => {
      const incomingBytes =
        period.bytes - period.alreadyCollapsed.reduce((total, member) => total + member.size, 0);
      return {
        id: period.id,
        label: period.label,
        series: period.series.label,
        keys: period.keys,
        total: incomingBytes + (period.committed?.output?.size ?? 0),
        downloaded: 0,
        concatenated: 0,
        uploaded: 0,
        phase: 'waiting',
        keysDeleted: 0,
        deleteFailed: [],
      };
    }),
  };
}

function update(
  state: RunProgress,
  id: string,
  change: (period: PeriodProgress) => PeriodProgress,
): RunProgress {
  return { ...state, periods: state.periods.map((period) => (period.id === id ? change(period) : period)) };
}

/** Folds one engine event into what the faces draw. Pure: the Ink app and plain mode share it. */
export function reduceProgress(state: RunProgress, event: EngineEvent): RunProgress {
  switch (event.type) {
    case 'period-start':
      return update(state, event.periodId, (period) => ({
        ...period,
        phase: 'running',
        total: event.downloadTotal,
      }));
    case 'bytes-downloaded':
      return update(state, event.periodId, (period) => ({
        ...period,
        downloaded: period.downloaded + event.bytes,
      }));
    case 'bytes-concatenated':
      return update(state, event.periodId, (period) => ({
        ...period,
        concatenated: period.concatenated + event.bytes,
      }));
    case 'bytes-uploaded':
      return update(state, event.periodId, (period) => ({
        ...period,
        uploaded: Math.max(period.uploaded, event.loaded),
      }));
    case 'period-verified':
      // Separators make the output a little larger than its inputs: the bars end at the real size.
      return update(state, event.periodId, (period) => ({
        ...period,
        phase: 'verified',
        total: event.size,
        downloaded: period.total,
        concatenated: event.size,
        uploaded: event.size,
      }));
    case 'deleting':
      return update(state, event.periodId, (period) => ({ ...period, phase: 'deleting' }));
    case 'keys-deleted':
      return update(state, event.periodId, (period) => ({
        ...period,
        keysDeleted: event.deleted,
        deleteFailed: event.failed,
      }));
    case 'period-failed':
      return update(state, event.periodId, (period) => ({ ...period, phase: 'failed', error: event.error }));
    case 'period-done':
      return {
        ...update(state, event.result.id, (period) => ({
          ...period,
          phase: event.result.status === 'failed' ? 'failed' : 'done',
          status: event.result.status,
          keysDeleted: event.result.keysDeleted,
          deleteFailed: event.result.deleteFailed,
          error: event.result.error,
        })),
        results: [...state.results, event.result],
      };
    case 'done':
      return { ...state, finished: true };
    default:
      return state;
  }
}

export interface OverallProgress {
  readonly periodsDone: number;
  readonly periods: number;
  readonly keysDone: number;
  readonly keys: number;
  readonly bytesDone: number;
  readonly bytes: number;
  /** Seconds left at the current rate, once there is a rate to go by. */
  readonly etaSeconds?: number | undefined;
  readonly bytesPerSecond: number;
}

export function overall(state: RunProgress, now: number): OverallProgress {
  const finished = state.periods.filter((period) => period.phase === 'done' || period.phase === 'failed');
  const bytes = state.periods.reduce((total, period) => total + period.total, 0);
  const bytesDone = state.periods.reduce(
    (total, period) => total + Math.min(period.uploaded, period.total),
    0,
  );
  const seconds = Math.max(0.001, (now - state.startedAt) / 1000);
  const rate = bytesDone / seconds;
  return {
    periodsDone: finished.length,
    periods: state.periods.length,
    keysDone: finished.reduce((total, period) => total + period.keys, 0),
    keys: state.periods.reduce((total, period) => total + period.keys, 0),
    bytesDone,
    bytes,
    bytesPerSecond: rate,
    etaSeconds: rate > 0 && bytesDone > 0 ? Math.max(0, (bytes - bytesDone) / rate) : undefined,
  };
}
