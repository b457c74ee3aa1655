import { isUserError, UserError } from '../errors.js';
import {
  GRANULARITIES,
  isOpen,
  parseDateArg,
  periodLabel,
  periodOf,
  resolvePeriods,
  type Granularity,
  type Period,
} from '../periods.js';

export type RangeField = 'by' | 'from' | 'to';
export const RANGE_FIELDS: readonly RangeField[] = ['by', 'from', 'to'];

/** What the range step edits: dates as typed, so a half-typed date is not lost. */
export interface RangeDraft {
  readonly by: Granularity;
  readonly from: string;
  readonly to: string;
  readonly field: RangeField;
}

export interface RangeView {
  /** Every period of the range, finished or not. */
  readonly all: readonly Period[];
  /** The periods a run may collapse: finished ones (all with --include-open). */
  readonly selectable: readonly Period[];
  readonly open: readonly Period[];
  readonly error?: UserError | undefined;
}

const label = (instant: Date, by: Granularity): string => periodLabel(periodOf(instant, by));

/** Yesterday (last month when by month), in the granularity's own spelling. */
export function defaultRange(by: Granularity, now: Date): { from: string; to: string } {
  const unit: Granularity = by === 'month' ? 'month' : 'day';
  const current = periodOf(now, unit);
  const previous = periodOf(new Date(current.start.getTime() - 1), unit);
  return { from: label(previous.start, by), to: label(new Date(previous.end.getTime() - 1), by) };
}

export function initialDraft(
  options: { from?: string | undefined; to?: string | undefined; by: Granularity },
  now: Date,
): RangeDraft {
  if (options.from === undefined && options.to === undefined)
    return { by: options.by, ...defaultRange(options.by, now), field: 'by' };
  const from = options.from ?? options.to ?? '';
  const to = options.to ?? options.from ?? '';
  return { by: options.by, from, to, field: 'by' };
}

/** The last instant a typed date covers (the end of its day, hour or month). */
function lastInstant(text: string): Date | undefined {
  try {
    const arg = parseDateArg(text, '--to');
    return new Date(periodOf(arg.start, arg.unit).end.getTime() - 1);
  } catch {
    return undefined;
  }
}

function firstInstant(text: string): Date | undefined {
  try {
    return parseDateArg(text, '--from').start;
  } catch {
    return undefined;
  }
}

/** Respells both dates for a new granularity, keeping the span they cover. */
export function changeGranularity(draft: RangeDraft, step: -1 | 1): RangeDraft {
  const index = GRANULARITIES.indexOf(draft.by) + step;
  const by = GRANULARITIES[Math.min(GRANULARITIES.length - 1, Math.max(0, index))]!;
  const first = firstInstant(draft.from);
  const last = lastInstant(draft.to);
  return {
    ...draft,
    by,
    from: first ? label(first, by) : draft.from,
    to: last ? label(last, by) : draft.to,
  };
}

/** Moves one date by whole periods of the draft's granularity. */
export function shiftDate(draft: RangeDraft, field: 'from' | 'to', step: -1 | 1): RangeDraft {
  const instant = field === 'from' ? firstInstant(draft[field]) : lastInstant(draft[field]);
  if (!instant) return draft;
  const period = periodOf(instant, draft.by);
  const moved = step === 1 ? period.end : new Date(period.start.getTime() - 1);
  return { ...draft, [field]: label(moved, draft.by) };
}

export function editDate(
  draft: RangeDraft,
  field: 'from' | 'to',
  input: string,
  backspace: boolean,
): RangeDraft {
  const text = draft[field];
  if (backspace) return { ...draft, [field]: text.slice(0, -1) };
  const typed = input.replace(/[^0-9T-]/g, '');
  return typed === '' ? draft : { ...draft, [field]: `${text}${typed}`.slice(0, 13) };
}

/** The periods a draft stands for, split into finished and open; a bad draft carries its error. */
export function rangeView(draft: RangeDraft, now: Date, includeOpen: boolean): RangeView {
  try {
    const all = resolvePeriods({ from: draft.from, to: draft.to, by: draft.by, now, includeOpen: true });
    const open = all.filter((period) => isOpen(period, now));
    const selectable = includeOpen ? all : all.filter((period) => !isOpen(period, now));
    if (selectable.length === 0) {
      return {
        all,
        selectable,
        open,
        error: new UserError(
          `${periodLabel(open[0]!)} is not finished yet: its logs are still arriving.`,
          'End the range at an earlier period.',
        ),
      };
    }
    return { all, selectable, open: includeOpen ? [] : open };
  } catch (error) {
    if (isUserError(error)) return { all: [], selectable: [], open: [], error };
    throw error;
  }
}

/** `(yesterday; today is still being written)` and the like, for the To line. */
export function toNote(draft: RangeDraft, now: Date): string | undefined {
  const yesterday = defaultRange(draft.by === 'month' ? 'month' : 'day', now);
  const last = lastInstant(draft.to);
  if (!last) return undefined;
  if (draft.by === 'month')
    return label(last, 'month') === yesterday.to
      ? 'last month; this month is still being written'
      : undefined;
  return label(last, 'day') === yesterday.to ? 'yesterday; today is still being written' : undefined;
}
