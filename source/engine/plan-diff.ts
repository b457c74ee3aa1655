import type { Manifest, ManifestParse } from './manifest.js';
import type { PeriodError, PeriodErrorCode } from './period-error.js';
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
  readonly problem?: PeriodError;
  /**
   * The output and its manifest disagree. Read at two moments, they can: another run may have
   * written one between the two reads. The planner reads again before believing it.
   */
  readonly inconsistent?: true;
}

/** A period the plan will not touch: found in a state the tool cannot build on. */
export function planProblem(code: PeriodErrorCode, message: string, fix?: string): PeriodError {
  return { stage: 'plan', code, message, fix, left: 'unchanged', originalsKept: true };
}

const failed = (problem: PeriodError, manifest: Manifest | null = null): PeriodDiff => ({
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
      return {
        ...failed(
          planProblem(
            'output-without-manifest',
            `${outputKey} already exists but has no manifest (${manifestKey}).`,
            'Move it away, or put the outputs elsewhere with --out-prefix.',
          ),
        ),
        // Another run may have written its manifest, then its output, between the two reads.
        inconsistent: true,
      };
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
      planProblem(
        'manifest-unreadable',
        `The manifest ${manifestKey} cannot be read (${state.manifest.reason}).`,
        'Inspect it by hand; restore it (e.g. from a noncurrent version) before running again.',
      ),
    );
  }
  const manifest = state.manifest.manifest;
  const output = manifest.output;
  if (manifest.state === 'complete' && !output)
    return failed(
      planProblem(
        'manifest-without-output',
        `The manifest ${manifestKey} is complete but names no output.`,
        'Inspect it by hand; restore it (e.g. from a noncurrent version) before running again.',
      ),
      manifest,
    );
  if (output) {
    if (!head) {
      return failed(
        planProblem(
          'output-missing',
          `${outputKey} is missing although its manifest lists ${manifest.members.length} collapsed keys.`,
          'Restore it (e.g. from a noncurrent version) before running again.',
        ),
        manifest,
      );
    }
    const unchanged = head.size === output.size && head.etag === output.etag;
    // A pending run may already have replaced the output with a longer one that starts with the
    // verified bytes; the collapse checks that prefix against the manifest's SHA-256 as it streams.
    if (manifest.state === 'complete' ? !unchanged : head.size < output.size) {
      return {
        ...failed(
          planProblem(
            'output-changed',
            `${outputKey} changed since its manifest was written (size or ETag differ).`,
            'If another run is at work, run again once it is done; otherwise inspect the output by hand.',
          ),
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
        planProblem(
          'member-changed',
          `${member.key} changed since it was collapsed into ${outputKey}.`,
          'Its new bytes are in no output: move it away (or collapse it with --out-prefix) and run again.',
        ),
        manifest,
      );
  }
  let status: PeriodPlan['status'];
  if (incoming.length > 0 || manifest.state === 'pending') status = 'planned';
  else status = 'already-collapsed';
  if (manifest.state === 'pending' && !committed && incoming.length === 0) {
    return failed(
      planProblem(
        'unfinished-first-run',
        `${manifestKey} records an unfinished first run, and none of its inputs are left.`,
        `Inspect ${outputKey} by hand.`,
      ),
      manifest,
    );
  }
  return { incoming, alreadyCollapsed, committed, manifest, status };
}
