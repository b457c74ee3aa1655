import { writesOrDeletes } from '../engine/plan.js';
import type { RunOptions } from '../engine/types.js';

/**
 * A run's budget for cron windows and long backlogs: `--until HH:MM` (UTC) and `--max-periods N`.
 * Only the start of a period is bounded: one already running finishes its protocol, so a budget
 * never leaves a period half done. Periods not started are left as the plan found them.
 */

export interface UtcTime {
  readonly hours: number;
  readonly minutes: number;
}

/** Pure: the first instant at HH:MM UTC after `from` (today's, or tomorrow's once it has passed). */
export function nextUtc(from: Date, time: UtcTime): Date {
  const today = Date.UTC(
    from.getUTCFullYear(),
    from.getUTCMonth(),
    from.getUTCDate(),
    time.hours,
    time.minutes,
  );
  return new Date(today > from.getTime() ? today : today + 24 * 60 * 60 * 1000);
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

export function runWindow(
  limits: { readonly maxPeriods?: number | undefined; readonly until?: UtcTime | undefined },
  now: () => Date,
): RunOptions['stopStarting'] {
  const { maxPeriods, until } = limits;
  if (maxPeriods === undefined && until === undefined) return undefined;
  const deadline = until ? nextUtc(now(), until) : undefined;
  let started = 0;
  return (period) => {
    // The budget counts only periods that write or delete anything.
    if (!writesOrDeletes(period)) return undefined;
    if (deadline && now() >= deadline)
      return `Not started: --until ${twoDigits(until!.hours)}:${twoDigits(until!.minutes)} UTC has passed (${deadline.toISOString()}).`;
    if (maxPeriods !== undefined && started >= maxPeriods)
      return `Not started: this run started its --max-periods ${maxPeriods}.`;
    started += 1;
    return undefined;
  };
}
