import { deleteMembers } from './delete-members.js';
import { deleteRolledRemains } from './delete-rolled.js';
import type { RunScope } from './run-scope.js';
import type { Member, PeriodPlan, PeriodResult, RolledRemains } from './types.js';

/**
 * Deletes a verified period's members, each only if it is still the version the plan saw; then what
 * is left of the shorter periods it rolled up (this run's inputs, or an earlier run's leftovers).
 */
export async function deleteVerified(
  scope: RunScope,
  period: PeriodPlan,
  members: readonly Member[],
  rolled: readonly RolledRemains[] = period.rolledLeftovers ?? [],
): Promise<Pick<PeriodResult, 'keysDeleted' | 'keysGone' | 'deleteFailed' | 'rolledDeleted'>> {
  const originals = await deleteOriginals(scope, period, members);
  if (rolled.length === 0) return originals;
  const remains = await deleteRolledRemains(scope, rolled);
  return {
    ...originals,
    deleteFailed: [...originals.deleteFailed, ...remains.failed],
    rolledDeleted: remains.deleted,
  };
}

async function deleteOriginals(
  scope: RunScope,
  period: PeriodPlan,
  members: readonly Member[],
): Promise<Pick<PeriodResult, 'keysDeleted' | 'keysGone' | 'deleteFailed'>> {
  if (members.length === 0) return { keysDeleted: 0, deleteFailed: [] };
  scope.emit({ type: 'deleting', periodId: period.id, keys: members.length });
  const outcome = await deleteMembers(scope.ctx.s3, scope.ctx.bucket, members, {
    signal: scope.signal,
    settle: scope.settle,
  });
  scope.emit({
    type: 'keys-deleted',
    periodId: period.id,
    deleted: outcome.deleted.length + outcome.gone.length,
    failed: outcome.failed,
  });
  return {
    keysDeleted: outcome.deleted.length,
    ...(outcome.gone.length > 0 ? { keysGone: outcome.gone.length } : {}),
    deleteFailed: outcome.failed,
  };
}
