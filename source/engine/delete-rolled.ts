import { deleteMembers } from './delete-members.js';
import type { RunScope } from './run-scope.js';
import type { DeleteFailure, Member, RolledInput, RolledRemains } from './types.js';

/** A rolled-in output and its manifest, as this run read them: what it deletes once recorded. */
export function remainsOf(input: RolledInput): RolledRemains {
  return {
    output: input.output,
    manifest: { key: input.manifestKey, etag: input.manifestEtag, size: 0, lastModified: '' },
  };
}

/**
 * Deletes what a recorded rollup leaves of its shorter periods: first the outputs, then the manifests
 * of those whose output is gone — so at every moment an output still there has its manifest. Each
 * object is deleted only while it has the ETag the plan read (DeleteObjects with per-object ETags, as
 * for originals): an output or manifest rewritten since is kept and reported. Only call this after
 * the rolled-up output's manifest is complete. A per-object ETag in DeleteObjects is evaluated
 * against the current version; a mismatch is that object's <Error> (412), the rest are deleted
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html).
 */
export async function deleteRolledRemains(
  scope: RunScope,
  remains: readonly RolledRemains[],
): Promise<{ readonly deleted: number; readonly failed: readonly DeleteFailure[] }> {
  if (remains.length === 0) return { deleted: 0, failed: [] };
  const options = { signal: scope.signal, settle: scope.settle };
  const { s3, bucket } = scope.ctx;
  const outputs = remains.flatMap((one) => (one.output ? [one.output] : []));
  const first = await deleteMembers(s3, bucket, outputs, options);
  const gone = new Set([...first.deleted, ...first.gone]);
  const manifests = remains
    .filter((one) => one.output === null || gone.has(one.output.key))
    .flatMap((one): Member[] => (one.manifest ? [one.manifest] : []));
  const second = await deleteMembers(s3, bucket, manifests, options);
  return {
    deleted: first.deleted.length + first.gone.length + second.deleted.length + second.gone.length,
    failed: [...first.failed, ...second.failed],
  };
}
