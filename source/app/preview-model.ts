import type { Plan, PeriodPlan } from '../engine/types.js';
import { formatBytes, formatCount } from '../format.js';
import { periodErrorText } from '../job/period-outcome.js';
import { periodLabel, type Period } from '../periods.js';

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One row of the preview table. */
export interface PreviewRow {
  readonly period: string;
  readonly series: string;
  readonly keys: string;
  readonly size: string;
  readonly output: string;
  readonly note: string;
  readonly tone: 'normal' | 'dim' | 'warn' | 'error';
}

function noteOf(period: PeriodPlan): Pick<PreviewRow, 'note' | 'tone'> {
  switch (period.status) {
    case 'failed':
      return {
        note: `✖ ${period.problem ? periodErrorText(period.problem) : 'cannot be collapsed'}`,
        tone: 'error',
      };
    case 'skipped':
      return { note: 'no keys', tone: 'dim' };
    case 'already-collapsed':
      return {
        note:
          period.alreadyCollapsed.length > 0
            ? `done; ${formatCount(period.alreadyCollapsed.length)} leftovers deleted`
            : 'already collapsed',
        tone: 'dim',
      };
    case 'planned':
      if (period.committed) {
        const leftovers = period.alreadyCollapsed.length
          ? `, ${formatCount(period.alreadyCollapsed.length)} leftovers`
          : '';
        return { note: `+${formatCount(period.incoming.length)} late keys${leftovers}`, tone: 'warn' };
      }
      return { note: '', tone: 'normal' };
  }
}

/** Where the output key starts to differ from the plan's root: the part worth reading in a narrow column. */
function shortOutput(outputKey: string, root: string): string {
  return outputKey.startsWith(root) && outputKey.length > 40 ? `…${outputKey.slice(-39)}` : outputKey;
}

export function previewRows(plan: Plan, open: readonly Period[]): PreviewRow[] {
  const rows: PreviewRow[] = plan.periods.map((period) => {
    return {
      period: period.label,
      series: period.series.label,
      keys: formatCount(period.keys),
      size: formatBytes(period.bytes),
      output: shortOutput(period.outputKey, plan.root),
      ...noteOf(period),
    };
  });
  for (const period of open) {
    rows.push({
      period: periodLabel(period),
      series: '',
      keys: '',
      size: '',
      output: 'not finished: left out',
      note: '',
      tone: 'dim',
    });
  }
  return rows;
}

/** Keys per period (all series summed), as a sparkline at most `width` wide; a gap is a period with none. */
export function sparkline(plan: Plan, width = 40): string {
  const byLabel = new Map<string, number>();
  for (const period of plan.periods) {
    byLabel.set(period.label, (byLabel.get(period.label) ?? 0) + period.keys);
  }
  let counts = [...byLabel.values()];
  if (counts.length > width) {
    const size = Math.ceil(counts.length / width);
    const merged: number[] = [];
    for (let index = 0; index < counts.length; index += size)
      merged.push(counts.slice(index, index + size).reduce((a, b) => a + b, 0));
    counts = merged;
  }
  const top = Math.max(1, ...counts);
  return counts
    .map((count) => (count === 0 ? ' ' : BLOCKS[Math.min(7, Math.floor((count / top) * 7.999))]))
    .join('');
}

/** S3 Standard request prices (us-east-1, per 1,000): GET $0.0004, PUT/POST $0.005; DELETE is free. */
export function requestCost(requests: { readonly get: number; readonly put: number }): number {
  return (requests.get / 1000) * 0.0004 + (requests.put / 1000) * 0.005;
}

/** `≈ $0.08 once`, or `under $0.01` where a rounded figure would mislead. */
export function formatDollars(amount: number): string {
  return amount < 0.01 ? 'under $0.01' : `≈ $${amount.toFixed(2)} once`;
}

/** `198k` for request counts where the exact number would only add noise. */
export function roughCount(value: number): string {
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return formatCount(value);
}
