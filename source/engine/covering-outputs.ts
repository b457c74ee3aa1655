import { GRANULARITIES, periodLabel, periodOf, type Period } from '../periods.js';
import { manifestKeyFor, type ManifestParse } from './manifest.js';
import { planProblem, type PeriodDiff } from './plan-diff.js';
import type { ObjectHead } from './types.js';

/**
 * A shorter period (a day, an hour) inside a longer one whose output exists (the month's): what the
 * longer output already holds must not be collapsed again. Its originals still listed (its run
 * stopped before deleting them), or the day's own output still there after the month rolled it in,
 * are the longer run's to finish; the shorter period stops and says so. Keys that arrived later are
 * in no output: they are collapsed as usual (and a later month run rolls their output in).
 */

/** Where the output and manifest of a longer period holding this one would be. */
export interface CoveringSlot {
  readonly period: Period;
  readonly outputKey: string;
  readonly manifestKey: string;
}

export function coveringSlots(period: Period, outputKeyOf: (longer: Period) => string): CoveringSlot[] {
  return GRANULARITIES.slice(GRANULARITIES.indexOf(period.by) + 1).map((by) => {
    const longer = periodOf(period.start, by);
    const outputKey = outputKeyOf(longer);
    return { period: longer, outputKey, manifestKey: manifestKeyFor(outputKey) };
  });
}

export interface CoveringState {
  readonly slot: CoveringSlot;
  /** The longer period's manifest as read; null when there is none. */
  readonly manifest: ManifestParse | null;
}

/**
 * Pure: the shorter period's diff, stopped where a longer output holds (or is taking) what it would
 * write. A period that would only delete originals its own verified output holds goes on: that is
 * safe whatever the longer output holds.
 */
export function checkCovered(
  diff: PeriodDiff,
  own: { readonly outputKey: string; readonly head: ObjectHead | null },
  covering: readonly CoveringState[],
): PeriodDiff {
  for (const { slot, manifest: parse } of covering) {
    if (!parse?.ok) continue;
    const longer = parse.manifest;
    const label = periodLabel(slot.period);
    const finish = `Run --by ${slot.period.by} for ${label} to finish it, then run this again.`;
    const stop = (code: 'another-run' | 'in-longer-output', message: string): PeriodDiff => ({
      incoming: [],
      alreadyCollapsed: [],
      committed: null,
      manifest: diff.manifest,
      status: 'failed',
      problem: planProblem(code, message, finish),
    });
    if (longer.state === 'pending' && diff.status === 'planned')
      return stop(
        'another-run',
        `A run is collapsing ${label}, which holds this period (${slot.manifestKey} is pending).`,
      );
    const record = longer.rolledUp?.find((rolled) => rolled.key === own.outputKey);
    const ownStillThere =
      record !== undefined &&
      ((own.head !== null && own.head.etag === record.etag && own.head.size === record.size) ||
        (diff.manifest?.output?.key === record.key && diff.manifest.output.etag === record.etag));
    if (ownStillThere && diff.status !== 'already-collapsed' && diff.status !== 'skipped')
      return stop(
        'in-longer-output',
        `${own.outputKey} was rolled into ${slot.outputKey}, whose run stopped before removing it.`,
      );
    const held = new Set(longer.members.map((member) => member.key));
    const inLonger = diff.incoming.filter((member) => held.has(member.key));
    if (inLonger.length > 0)
      return stop(
        'in-longer-output',
        `${inLonger.length === 1 ? 'A key' : `${inLonger.length} keys`} of this period ${inLonger.length === 1 ? 'is' : 'are'} already in ${slot.outputKey} (${inLonger[0]!.key}${inLonger.length > 1 ? ', …' : ''}): its run stopped before deleting them.`,
      );
  }
  return diff;
}
