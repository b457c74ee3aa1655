import type { PeriodPlan, Plan } from '../engine/types.js';
import { counted, formatBytes, formatCount, table } from '../format.js';
import { periodErrorText } from './period-outcome.js';
import { planTotals } from './plan-totals.js';

function note(period: PeriodPlan): string {
  if (period.status === 'failed') return `✖ ${period.problem ? periodErrorText(period.problem) : 'failed'}`;
  if (period.status === 'skipped') return 'no logs';
  if (period.status === 'already-collapsed')
    return period.alreadyCollapsed.length
      ? `already collapsed; ${counted(period.alreadyCollapsed.length, 'leftover key')} to delete`
      : 'already collapsed';
  if (period.committed) return `+${formatCount(period.incoming.length)} late keys appended`;
  return '';
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
  return [
    ...table([['period', several ? 'series' : '', 'keys', 'size', 'output', ''], ...rows], [2, 3]),
    `total: ${formatCount(totals.keys)} keys, ${formatBytes(totals.bytes)} → ${counted(totals.toCollapse, 'output')} + ${counted(totals.toCollapse, 'manifest')}` +
      (totals.failed ? `; ${counted(totals.failed, 'period')} cannot run` : ''),
    `requests: ≈ ${formatCount(totals.requests.get)} GET, ${formatCount(totals.requests.put)} PUT, ${formatCount(totals.requests.deleteBatches)} DeleteObjects`,
  ];
}
