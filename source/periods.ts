import { UserError } from './errors.js';

export type Granularity = 'hour' | 'day' | 'month';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'month'];

/** A half-open UTC interval [start, end) of one granularity. */
export interface Period {
  readonly by: Granularity;
  readonly start: Date;
  readonly end: Date;
}

export interface UtcParts {
  readonly yyyy: string;
  readonly mm: string;
  readonly dd: string;
  readonly hh: string;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function utcParts(date: Date): UtcParts {
  return {
    yyyy: pad(date.getUTCFullYear(), 4),
    mm: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    hh: pad(date.getUTCHours()),
  };
}

export function periodOf(instant: Date, by: Granularity): Period {
  const y = instant.getUTCFullYear();
  const m = instant.getUTCMonth();
  const d = instant.getUTCDate();
  const h = instant.getUTCHours();
  switch (by) {
    case 'hour':
      return { by, start: new Date(Date.UTC(y, m, d, h)), end: new Date(Date.UTC(y, m, d, h + 1)) };
    case 'day':
      return { by, start: new Date(Date.UTC(y, m, d)), end: new Date(Date.UTC(y, m, d + 1)) };
    case 'month':
      return { by, start: new Date(Date.UTC(y, m)), end: new Date(Date.UTC(y, m + 1)) };
  }
}

/** `2024-05-01T13`, `2024-05-01` or `2024-05`: what the user types and what the preview shows. */
export function periodLabel(period: Period): string {
  const { yyyy, mm, dd, hh } = utcParts(period.start);
  switch (period.by) {
    case 'hour':
      return `${yyyy}-${mm}-${dd}T${hh}`;
    case 'day':
      return `${yyyy}-${mm}-${dd}`;
    case 'month':
      return `${yyyy}-${mm}`;
  }
}

export function isOpen(period: Period, now: Date): boolean {
  return period.end.getTime() > now.getTime();
}

export function contains(period: Period, instant: Date): boolean {
  const t = instant.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

/** Every period of `by` from the one holding `first` to the one holding `last`, in order. */
export function periodsCovering(first: Date, last: Date, by: Granularity): Period[] {
  const periods: Period[] = [];
  let period = periodOf(first, by);
  while (period.start.getTime() <= last.getTime()) {
    periods.push(period);
    period = periodOf(period.end, by);
  }
  return periods;
}

/** A date flag as typed: the instant it starts and the unit it names. */
export interface DateArg {
  readonly start: Date;
  readonly unit: Granularity;
}

const DATE_ARG = /^(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}))?)?$/;

export function parseDateArg(text: string, flag: string): DateArg {
  const match = DATE_ARG.exec(text.trim());
  const malformed = new UserError(
    `${flag} ${JSON.stringify(text)} is not a date.`,
    `Use UTC dates like 2024-05-01, 2024-05-01T13 (an hour) or 2024-05 (a month).`,
  );
  if (!match) throw malformed;
  const [, y, m, d, h] = match;
  const year = Number(y);
  const month = Number(m) - 1;
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const start = new Date(Date.UTC(year, month, day, hour));
  // Date.UTC rolls 2024-02-30 over into March: a round trip tells a real date from a rolled one.
  if (
    start.getUTCFullYear() !== year ||
    start.getUTCMonth() !== month ||
    start.getUTCDate() !== day ||
    start.getUTCHours() !== hour
  ) {
    throw malformed;
  }
  const unit: Granularity = h !== undefined ? 'hour' : d !== undefined ? 'day' : 'month';
  return { start, unit };
}

export interface RangeRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly by: Granularity;
  readonly now: Date;
  readonly includeOpen: boolean;
}

/** The default range is the last finished period of a day (yesterday), or last month when by month. */
function defaultRange(by: Granularity, now: Date): { first: Date; last: Date } {
  const unit: Granularity = by === 'month' ? 'month' : 'day';
  const current = periodOf(now, unit);
  const previous = periodOf(new Date(current.start.getTime() - 1), unit);
  return { first: previous.start, last: new Date(previous.end.getTime() - 1) };
}

/**
 * The periods a run covers: whole periods of `by` from the one holding `--from` to the one holding the
 * end of `--to` (inclusive). Refuses reversed ranges, ranges in the future, and unfinished periods
 * unless `includeOpen` — logs for those are still arriving.
 */
export function resolvePeriods(request: RangeRequest): Period[] {
  const { by, now } = request;
  let first: Date;
  let last: Date;
  if (request.from === undefined && request.to === undefined) {
    ({ first, last } = defaultRange(by, now));
  } else {
    const from = request.from === undefined ? undefined : parseDateArg(request.from, '--from');
    const to = request.to === undefined ? undefined : parseDateArg(request.to, '--to');
    const start = from ?? to!;
    const end = to ?? from!;
    first = start.start;
    last = new Date(periodOf(end.start, end.unit).end.getTime() - 1);
    if (first.getTime() > last.getTime()) {
      throw new UserError(
        `--from ${request.from} is after --to ${request.to}.`,
        'Swap them: --from is the first period, --to the last (both inclusive).',
      );
    }
    if (end.start.getTime() > now.getTime()) {
      throw new UserError(
        `${to ? '--to' : '--from'} ${to ? request.to : request.from} is in the future (now is ${now.toISOString().slice(0, 13)}Z UTC).`,
        'Logs cannot exist yet for it: end the range at yesterday or earlier.',
      );
    }
  }
  const periods = periodsCovering(first, last, by);
  const open = periods.filter((period) => isOpen(period, now));
  if (open.length > 0 && !request.includeOpen) {
    const finished = periods.filter((period) => !isOpen(period, now));
    const lastFinished = finished.at(-1);
    throw new UserError(
      `${periodLabel(open[0]!)} is not finished yet: its logs are still arriving.`,
      lastFinished
        ? `End the range at ${periodLabel(lastFinished)}, or pass --include-open to collapse it anyway (late keys are appended on the next run).`
        : 'Choose an earlier range, or pass --include-open to collapse it anyway (late keys are appended on the next run).',
    );
  }
  return periods;
}
