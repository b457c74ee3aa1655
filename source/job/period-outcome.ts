import type { PeriodError, PeriodLeft } from '../engine/period-error.js';
import type { DeleteFailure, PeriodResult, PeriodStatus } from '../engine/types.js';
import { counted, formatCount } from '../format.js';

/** What a failed period's state means for the operator, in words. */
const LEFT_TEXT: Readonly<Record<PeriodLeft, string>> = {
  unchanged: 'Originals kept; nothing was changed.',
  pending: 'Originals kept; the period’s manifest is left pending and the next run finishes it.',
  taken: 'Originals kept; another run holds this period now.',
  written: 'The output was written and verified but its manifest is still pending, so nothing was deleted.',
};

/** A period's error as one line: what happened, what it left, what to do. */
export function periodErrorText(error: PeriodError): string {
  return [error.message, LEFT_TEXT[error.left], error.fix].filter(Boolean).join(' ');
}

/** The part of a period's outcome every face shows the same way. */
export interface PeriodOutcomeInput {
  readonly status?: PeriodStatus | undefined;
  readonly keysDeleted: number;
  /** Already gone when deleted: said apart, so "deleted" counts only what this run's deletes removed. */
  readonly keysGone?: number | undefined;
  readonly deleteFailed: readonly DeleteFailure[];
  readonly error?: PeriodError | undefined;
}

export interface PeriodOutcome {
  readonly tone: 'done' | 'failed' | 'skipped';
  /** `✔ verified · 300 deleted`, `✔ already collapsed · 4 leftovers deleted`, `✖ …`. */
  readonly text: string;
}

/** How a finished period reads in the run's list, whichever face draws it. */
export function periodOutcome(period: PeriodOutcomeInput): PeriodOutcome {
  const notDeleted = period.deleteFailed.length
    ? ` · ✖ ${formatCount(period.deleteFailed.length)} not deleted (${period.deleteFailed[0]!.code}; the next run deletes them)`
    : '';
  const tone = period.deleteFailed.length ? 'failed' : 'done';
  const gone = period.keysGone ? ` · ${formatCount(period.keysGone)} already gone` : '';
  switch (period.status) {
    case 'collapsed':
      return { tone, text: `✔ verified · ${formatCount(period.keysDeleted)} deleted${gone}${notDeleted}` };
    case 'already-collapsed':
      return {
        tone,
        text: period.keysDeleted
          ? `✔ already collapsed · ${formatCount(period.keysDeleted)} leftovers deleted${gone}${notDeleted}`
          : `✔ already collapsed${gone}${notDeleted}`,
      };
    case 'skipped':
      return { tone: 'skipped', text: `– ${period.error ? periodErrorText(period.error) : 'no keys'}` };
    default:
      return {
        tone: 'failed',
        text: `✖ ${period.error ? periodErrorText(period.error) : 'failed'}`,
      };
  }
}

/** The line a line-by-line face prints when a period ends (nothing for a period without logs). */
export function finishedPeriodLine(result: PeriodResult, name: string): string | undefined {
  if (result.status === 'skipped' && !result.error) return undefined;
  const what = result.status === 'collapsed' ? `  ${counted(result.keys, 'key')} → ${result.outputKey}` : '';
  return `${name}${what}  ${periodOutcome(result).text}`;
}
