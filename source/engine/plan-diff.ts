import type { Manifest, ManifestParse } from './manifest.js';
import type { Member, ObjectHead, PeriodPlan } from './types.js';

/** What the plan found at a period's output key and manifest key. */
export interface OutputState {
  readonly outputKey: string;
  readonly manifestKey: string;
  /** null when there is no manifest object. */
  readonly manifest: ManifestParse | null;
  readonly head: ObjectHead | null;
}

export interface PeriodDiff {
  readonly incoming: Member[];
  readonly alreadyCollapsed: Member[];
  readonly committed: Manifest | null;
  readonly manifest: Manifest | null;
  readonly status: PeriodPlan['status'];
  readonly problem?: string;
  /**
   * The output and its manifest disagree. Read at two moments, they can: another run may have
   * written one between the two reads. The planner reads again before believing it.
   */
  readonly inconsistent?: true;
}

const failed = (problem: string, manifest: Manifest | null = null): PeriodDiff => ({
  incoming: [],
  alreadyCollapsed: [],
  committed: null,
  manifest,
  status: 'failed',
  problem,
});

/**
 * Splits the keys listed for a period against what its output already holds. Keys the verified output
 * holds (same key, size and ETag) are only deleted; the rest are appended. Anything inconsistent is a
 * problem for that period, and nothing of it is touched.
 */
export function diffAgainstOutput(listed: readonly Member[], state: OutputState): PeriodDiff {
  const { outputKey, manifestKey, head } = state;
  if (state.manifest === null) {
    if (head) {
      return failed(
        `${outputKey} already exists but has no manifest (${manifestKey}); move it away or use --out-prefix.`,
      );
    }
    return {
      incoming: [...listed],
      alreadyCollapsed: [],
      committed: null,
      manifest: null,
      status: listed.length > 0 ? 'planned' : 'skipped',
    };
  }
  if (!state.manifest.ok) {
    return failed(
      `The manifest ${manifestKey} cannot be read (${state.manifest.reason}); nothing was changed.`,
    );
  }
  const manifest = state.manifest.manifest;
  const output = manifest.output;
  if (manifest.state === 'complete' && !output)
    return failed(`The manifest ${manifestKey} is complete but names no output.`, manifest);
  if (output) {
    if (!head) {
      return failed(
        `${outputKey} is missing although its manifest lists ${manifest.members.length} collapsed keys; restore it (e.g. from a noncurrent version) before running again.`,
        manifest,
      );
    }
    const unchanged = head.size === output.size && head.etag === output.etag;
    // A pending run may already have replaced the output with a longer one that starts with the
    // verified bytes; the collapse checks that prefix against the manifest's SHA-256 as it streams.
    if (manifest.state === 'complete' ? !unchanged : head.size < output.size) {
      return {
        ...failed(
          `${outputKey} changed since its manifest was written (size or ETag differ); nothing was changed.`,
          manifest,
        ),
        inconsistent: true,
      };
    }
  }
  const committed = output ? manifest : null;
  const collapsed = new Map(manifest.members.map((member) => [member.key, member]));
  const incoming: Member[] = [];
  const alreadyCollapsed: Member[] = [];
  for (const member of listed) {
    const previous = output ? collapsed.get(member.key) : undefined;
    if (!previous) incoming.push(member);
    else if (previous.etag === member.etag && previous.size === member.size) alreadyCollapsed.push(member);
    else
      return failed(
        `${member.key} changed since it was collapsed into ${outputKey}; nothing was changed.`,
        manifest,
      );
  }
  let status: PeriodPlan['status'];
  if (incoming.length > 0 || manifest.state === 'pending') status = 'planned';
  else status = 'already-collapsed';
  if (manifest.state === 'pending' && !committed && incoming.length === 0) {
    return failed(
      `${manifestKey} records an unfinished first run, and none of its inputs are left; inspect ${outputKey} by hand.`,
      manifest,
    );
  }
  return { incoming, alreadyCollapsed, committed, manifest, status };
}
