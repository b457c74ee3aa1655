import type { Plan, PeriodPlan } from '../engine/types.js';

export interface PlanTotals {
  readonly periods: number;
  /** Periods that will write an output. */
  readonly toCollapse: number;
  readonly keys: number;
  readonly bytes: number;
  /** Originals that will be deleted after verification (new and already collapsed). */
  readonly keysToDelete: number;
  /** Outputs and manifests the run leaves (one of each per collapsed period). */
  readonly outputs: number;
  readonly failed: number;
  readonly requests: { readonly get: number; readonly put: number; readonly deleteBatches: number };
}

const keysOf = (period: PeriodPlan) => [...period.incoming, ...period.alreadyCollapsed];

export function planTotals(plan: Plan): PlanTotals {
  const active = plan.periods.filter(
    (period) => period.status === 'planned' || period.status === 'already-collapsed',
  );
  const collapsing = plan.periods.filter((period) => period.status === 'planned');
  const keys = active.flatMap(keysOf);
  const outputs = plan.periods.filter((period) => period.status === 'planned' || period.committed).length;
  return {
    periods: plan.periods.length,
    toCollapse: collapsing.length,
    keys: keys.length,
    bytes: keys.reduce((total, member) => total + member.size, 0),
    keysToDelete: keys.length,
    outputs,
    failed: plan.periods.filter((period) => period.status === 'failed').length,
    requests: {
      get: collapsing.reduce(
        (total, period) => total + period.incoming.length + (period.committed ? 1 : 0),
        0,
      ),
      // output (one request per 8 MiB part, at least one) + pending and complete manifests
      put: collapsing.reduce(
        (total, period) =>
          total +
          Math.max(1, Math.ceil(keysOf(period).reduce((sum, m) => sum + m.size, 0) / (8 * 1024 * 1024))) +
          2,
        0,
      ),
      deleteBatches: active.reduce((total, period) => total + Math.ceil(keysOf(period).length / 1000), 0),
    },
  };
}

/** Nothing to do at all: no log keys and no outputs in any period — the "no matching keys" case. */
export function planIsEmpty(plan: Plan): boolean {
  return plan.periods.every((period) => period.status === 'skipped');
}
