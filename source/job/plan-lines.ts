import type { PeriodPlan, Plan } from '../engine/types.js';
import { counted, formatBytes, formatCount, table } from '../format.js';
import { periodErrorText } from './period-outcome.js';
import { planTotals } from './plan-totals.js';

/** With --check-digests, keys no digest lists yet stay where they are: the preview says so. */
function note(period: PeriodPlan): string {
  const waiting = period.waitingForDigest?.length ?? 0;
  if (waiting === 0) return statusNote(period);
  const wait = `${counted(waiting, 'key')} waiting for their digest (kept)`;
  if (period.status === 'skipped') return wait;
  const base = statusNote(period);
  return base ? `${base}; ${wait}` : wait;
}

function statusNote(period: PeriodPlan): string {
  if (period.status === 'failed') return `✖ ${period.problem ? periodErrorText(period.problem) : 'failed'}`;
  if (period.status === 'skipped') return 'no logs';
  const leftovers = period.rolledLeftovers?.length ?? 0;
  if (period.status === 'already-collapsed')
    return period.alreadyCollapsed.length || leftovers
      ? `already collapsed; ${[
          ...(period.alreadyCollapsed.length
            ? [counted(period.alreadyCollapsed.length, 'leftover key')]
            : []),
          ...(leftovers ? [counted(leftovers, 'rolled-up output')] : []),
        ].join(' and ')} to delete`
      : 'already collapsed';
  const rolled = period.rollIn?.length ? `${counted(period.rollIn.length, 'shorter output')} rolled in` : '';
  if (period.committed)
    return [`+${formatCount(period.incoming.length)} late keys appended`, rolled].filter(Boolean).join('; ');
  return rolled;
}

/** The preview as text (script and plain faces): one row a period, then totals. */
export function planLines(plan: Plan): string[] {
  const several = plan.series.length > 1;
  const rows = plan.periods.map((period) => [
    period.label,
    several ? period.series.label : '',
    formatCount(period.keys),
    formatBytes(period.bytes),
    period.status === 'skipped' ? '' : period.outputKey,
    note(period),
  ]);
  const totals = planTotals(plan);
  const waiting = plan.periods.reduce((total, period) => total + (period.waitingForDigest?.length ?? 0), 0);
  return [
    ...table([['period', several ? 'series' : '', 'keys', 'size', 'output', ''], ...rows], [2, 3]),
    `total: ${formatCount(totals.keys)} keys, ${formatBytes(totals.bytes)} → ${counted(totals.toCollapse, 'output')} + ${counted(totals.toCollapse, 'manifest')}` +
      (totals.failed ? `; ${counted(totals.failed, 'period')} cannot run` : ''),
    `requests: ≈ ${formatCount(totals.requests.get)} GET, ${formatCount(totals.requests.put)} PUT, ${formatCount(totals.requests.deleteBatches)} DeleteObjects`,
    ...(waiting > 0
      ? [
          `digests: ${counted(waiting, 'key')} no CloudTrail digest lists yet: left in place, not collapsed, not deleted`,
        ]
      : []),
  ];
}
