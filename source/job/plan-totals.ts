import type { Plan } from '../engine/types.js';

export interface PlanTotals {
  readonly periods: number;
  /** Periods that will write an output. */
  readonly toCollapse: number;
  readonly keys: number;
  readonly bytes: number;
  /** Originals that will be deleted after verification (new and already collapsed). */
  readonly keysToDelete: number;
  /**
   * `--by month`: outputs and manifests of shorter periods deleted once the month's output holding
   * them is verified and recorded (the rolled-in ones, and leftovers of an earlier rollup).
   */
  readonly rolledToDelete: number;
  /** Outputs and manifests the run leaves (one of each per collapsed period). */
  readonly outputs: number;
  readonly failed: number;
  readonly requests: { readonly get: number; readonly put: number; readonly deleteBatches: number };
}

const PART = 8 * 1024 * 1024;

export function planTotals(plan: Plan): PlanTotals {
  const active = plan.periods.filter(
    (period) => period.status === 'planned' || period.status === 'already-collapsed',
  );
  const collapsing = plan.periods.filter((period) => period.status === 'planned');
  const sum = (periods: typeof active, value: (period: (typeof active)[number]) => number) =>
    periods.reduce((total, period) => total + value(period), 0);
  return {
    periods: plan.periods.length,
    toCollapse: collapsing.length,
    keys: sum(active, (period) => period.keys),
    bytes: sum(active, (period) => period.bytes),
    keysToDelete: sum(active, (period) => period.keys),
    rolledToDelete: sum(
      active,
      (period) =>
        (period.rollIn?.length ?? 0) * 2 +
        (period.rolledLeftovers ?? []).reduce(
          (count, left) => count + (left.output ? 1 : 0) + (left.manifest ? 1 : 0),
          0,
        ),
    ),
    outputs: plan.periods.filter((period) => period.status === 'planned' || period.committed).length,
    failed: plan.periods.filter((period) => period.status === 'failed').length,
    requests: {
      get: sum(
        collapsing,
        (period) => period.incoming.length + (period.rollIn?.length ?? 0) + (period.committed ? 1 : 0),
      ),
      // output (one request per 8 MiB part, at least one) + pending and complete manifests
      put: sum(collapsing, (period) => Math.max(1, Math.ceil(period.bytes / PART)) + 2),
      deleteBatches: sum(active, (period) => Math.ceil(period.keys / 1000)),
    },
  };
}
