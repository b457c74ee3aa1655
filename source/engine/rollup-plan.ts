import pMap from 'p-map';
import { periodLabel, periodsCovering, type Granularity, type Period } from '../periods.js';
import { manifestKeyFor, parseManifest, type Manifest, type ManifestMember } from './manifest.js';
import type { PeriodError } from './period-error.js';
import { remainsOf } from './delete-rolled.js';
import { planProblem, type PeriodDiff } from './plan-diff.js';
import { getText, listPages, type TextObject } from './s3-objects.js';
import type { EngineContext, Member, RolledInput, RolledRemains } from './types.js';

/**
 * Month rollups, planning side: under a month, the finished outputs of its days and hours (of the
 * same series) are inputs beside the originals still there. Only an output its complete manifest
 * vouches for is taken (same layout, series and period; the listed ETag and size are the manifest's);
 * anything else found there stops the month with a typed problem and is left as it is.
 */

/** Granularities whose periods take the outputs of shorter ones as inputs. */
const ROLLS_UP: Readonly<Partial<Record<Granularity, readonly Granularity[]>>> = { month: ['day', 'hour'] };

/** Where the output and manifest of one shorter period of the same series would be. */
export interface ShorterSlot {
  readonly period: Period;
  readonly outputKey: string;
  readonly manifestKey: string;
}

/** Every day and hour of a month, with its output and manifest keys; none for other periods. */
export function shorterSlots(period: Period, outputKeyOf: (shorter: Period) => string): ShorterSlot[] {
  const last = new Date(period.end.getTime() - 1);
  return (ROLLS_UP[period.by] ?? []).flatMap((by) =>
    periodsCovering(period.start, last, by).map((shorter) => {
      const outputKey = outputKeyOf(shorter);
      return { period: shorter, outputKey, manifestKey: manifestKeyFor(outputKey) };
    }),
  );
}

const commonPrefix = (keys: readonly string[]): string => {
  let prefix = keys[0] ?? '';
  for (const key of keys) while (!key.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
};

/**
 * The slots' keys the period's own listing did not cover (manifests start with `_`, and
 * `--out-prefix` moves both): listed under their common prefix, one for outputs and one for
 * manifests (a few keys each: nothing but outputs and manifests sit there).
 */
export async function listUncovered(
  ctx: EngineContext,
  slots: readonly ShorterSlot[],
  covered: string,
  signal?: AbortSignal,
): Promise<Member[]> {
  const keys = new Set(slots.flatMap((slot) => [slot.outputKey, slot.manifestKey]));
  const groups = [slots.map((slot) => slot.outputKey), slots.map((slot) => slot.manifestKey)]
    .map((group) => group.filter((key) => !key.startsWith(covered)))
    .filter((group) => group.length > 0);
  const prefixes: string[] = [];
  for (const prefix of groups.map(commonPrefix).sort((a, b) => a.length - b.length))
    if (!prefixes.some((kept) => prefix.startsWith(kept))) prefixes.push(prefix);
  const found: Member[] = [];
  for (const prefix of prefixes) {
    for await (const page of listPages(ctx.s3, ctx.bucket, prefix, signal)) {
      for (const object of page) {
        if (!object.Key || object.Key.startsWith(covered) || !keys.has(object.Key)) continue;
        found.push({
          key: object.Key,
          size: object.Size ?? 0,
          etag: object.ETag ?? '',
          lastModified: (object.LastModified ?? new Date(0)).toISOString(),
        });
      }
    }
  }
  return found;
}

/** What a rolled-up period must find in a shorter period's manifest to take its output. */
export interface RollupExpectation {
  readonly layout: string;
  readonly series: string;
  /** The encoding of the rolled-up output: its committed one, else the layout's. */
  readonly encoding: 'gzip' | 'plain';
}

/** The period's findings about its shorter periods: inputs, what to delete only, and what stops it. */
export interface RollupFindings {
  readonly inputs: readonly RolledInput[];
  readonly leftovers: readonly RolledRemains[];
  readonly problems: readonly PeriodError[];
}

const unverified = (message: string, fix: string): PeriodError =>
  planProblem('rolled-input-unverified', message, fix);

const INSPECT = 'Inspect it by hand (or move it and its manifest away), then run again.';

/** Members tile an output exactly: offsets follow each other from 0 to the output's size. */
function tiles(members: readonly ManifestMember[], size: number): boolean {
  let expected = 0;
  for (const member of members) {
    if (member.offset !== expected) return false;
    expected += member.size + member.separator;
  }
  return expected === size;
}

/** Pure: whether a shorter period's output, as listed, is what its manifest (as read) vouches for. */
export function judgeShorterOutput(
  slot: ShorterSlot,
  output: Member | null,
  manifestObject: TextObject,
  expect: RollupExpectation,
): RolledInput | PeriodError | null {
  const parsed = parseManifest(manifestObject.text);
  const label = periodLabel(slot.period);
  if (!parsed.ok)
    return output
      ? unverified(
          `${output.key} (${label}) is not rolled in: its manifest ${slot.manifestKey} cannot be read (${parsed.reason}).`,
          INSPECT,
        )
      : null;
  const manifest = parsed.manifest;
  if (manifest.state === 'pending')
    return planProblem(
      'another-run',
      `A run is collapsing ${label}, inside this period (${slot.manifestKey} is pending).`,
      `Let it finish, or run --by ${slot.period.by} for ${label} to finish it, then run this again.`,
    );
  const recorded = manifest.output;
  if (!output) {
    // A complete manifest without its output: the output was lost, or removed by hand. Not an input;
    // its originals are not this run's to judge, and nothing of it is touched.
    return recorded
      ? unverified(
          `${recorded.key} (${label}) is missing although its manifest ${slot.manifestKey} lists ${manifest.members.length} collapsed keys.`,
          'Restore it (e.g. from a noncurrent version) or move its manifest away, then run again.',
        )
      : null;
  }
  const problem = !recorded
    ? 'its manifest names no output'
    : manifest.layout !== expect.layout || manifest.series !== expect.series
      ? `its manifest is of another layout or series (${manifest.layout}, ${manifest.series})`
      : manifest.period.by !== slot.period.by ||
          new Date(manifest.period.start).getTime() !== slot.period.start.getTime() ||
          new Date(manifest.period.end).getTime() !== slot.period.end.getTime()
        ? `its manifest is of another period (${manifest.period.by} from ${manifest.period.start})`
        : recorded.key !== output.key
          ? `its manifest names another output (${recorded.key})`
          : recorded.etag !== output.etag || recorded.size !== output.size
            ? `it changed since its manifest was written (${output.size} bytes, ETag ${output.etag}; the manifest says ${recorded.size} bytes, ETag ${recorded.etag})`
            : !tiles(manifest.members, recorded.size)
              ? "its manifest's members do not cover it exactly"
              : manifest.encoding !== null && manifest.encoding !== expect.encoding
                ? `it is ${manifest.encoding}, this output is ${expect.encoding}`
                : undefined;
  if (problem || !recorded)
    return unverified(
      `${output.key} (${label}) is not rolled in: ${problem}. It was left as it is.`,
      INSPECT,
    );
  return {
    output,
    manifestKey: slot.manifestKey,
    manifestEtag: manifestObject.etag,
    manifest: { ...manifest, output: recorded },
  };
}

/** Shorter manifests read at once while planning one period. */
const READS = 8;

/**
 * Judges every shorter period that has an output or a manifest under the period. One the committed
 * output records as rolled in (same key and ETag) is a leftover of that rollup: its output and
 * manifest are deleted, never rolled in again. Any other is read and judged.
 */
export async function findRollup(
  ctx: EngineContext,
  slots: readonly ShorterSlot[],
  listed: ReadonlyMap<string, Member>,
  committed: Manifest | null,
  expect: RollupExpectation,
  signal?: AbortSignal,
): Promise<RollupFindings> {
  const records = new Map((committed?.rolledUp ?? []).map((record) => [record.key, record]));
  const present = slots.filter((slot) => listed.has(slot.outputKey) || listed.has(slot.manifestKey));
  type Finding = RolledInput | RolledRemains | PeriodError | null;
  const found = await pMap(
    present,
    async (slot): Promise<Finding> => {
      const output = listed.get(slot.outputKey) ?? null;
      const manifest = listed.get(slot.manifestKey) ?? null;
      const record = records.get(slot.outputKey);
      if (record) {
        const outputLeft = output !== null && output.etag === record.etag && output.size === record.size;
        const manifestLeft = manifest !== null && manifest.etag === record.manifestEtag;
        if (outputLeft && manifest && !manifestLeft)
          return unverified(
            `${manifest.key} changed after its output was rolled into ${committed?.output?.key}; neither was deleted.`,
            INSPECT,
          );
        if (outputLeft || (output === null && manifestLeft))
          return { output: outputLeft ? output : null, manifest: manifestLeft ? manifest : null };
        // Written since the rollup (a later run's output of late keys): judged like any other.
      }
      if (!manifest)
        return unverified(
          `${slot.outputKey} (${periodLabel(slot.period)}) is not rolled in: it has no manifest (${slot.manifestKey}).`,
          INSPECT,
        );
      const manifestObject = await getText(ctx.s3, ctx.bucket, slot.manifestKey, signal);
      if (!manifestObject)
        return output
          ? unverified(
              `${slot.manifestKey} was deleted while this run planned; ${output.key} is not rolled in.`,
              INSPECT,
            )
          : null;
      return judgeShorterOutput(slot, output, manifestObject, expect);
    },
    { concurrency: READS, signal },
  );
  // In slot order (days, then hours): the same problem comes first on every run.
  const problems = found.filter((one): one is PeriodError => one !== null && 'stage' in one);
  const inputs = found
    .filter((one): one is RolledInput => one !== null && 'manifestKey' in one)
    .sort((a, b) => Buffer.compare(Buffer.from(a.output.key), Buffer.from(b.output.key)));
  const leftovers = found.filter(
    (one): one is RolledRemains => one !== null && !('stage' in one) && !('manifestKey' in one),
  );
  return { inputs, leftovers, problems };
}

export interface RolledDiff extends PeriodDiff {
  readonly rollIn: readonly RolledInput[];
  readonly rolledLeftovers: readonly RolledRemains[];
}

const failedWith = (diff: PeriodDiff, problem: PeriodError): RolledDiff => ({
  incoming: [],
  alreadyCollapsed: [],
  committed: null,
  manifest: diff.manifest,
  status: 'failed',
  problem,
  rollIn: [],
  rolledLeftovers: [],
});

/**
 * Pure: the period's diff with its rollup applied. Originals a rolled-in output already holds (its
 * run stopped before deleting them) are only deleted; a member already held elsewhere goes in once
 * (see splitInputs). A first rollup that stopped before its manifest was complete starts over:
 * nothing of it was deleted, so every input is still there.
 */
export function applyRollup(diff: PeriodDiff, findings: RollupFindings): RolledDiff {
  const restart = diff.problem?.code === 'unfinished-first-run' && findings.inputs.length > 0;
  if (diff.status === 'failed' && !restart) return { ...diff, rollIn: [], rolledLeftovers: [] };
  const [first, ...more] = findings.problems;
  if (first)
    return failedWith(diff, {
      ...first,
      message: more.length > 0 ? `${first.message} (${more.length} more like it.)` : first.message,
    });

  const split = splitInputs(diff.committed, findings.inputs);
  if ('code' in split) return failedWith(diff, split);
  const rolledMember = new Map(
    split.kept.flatMap((input) =>
      (input.take ?? input.manifest.members).map((member) => [member.key, { member, input }] as const),
    ),
  );
  const incoming: Member[] = [];
  const alreadyCollapsed: Member[] = [...diff.alreadyCollapsed];
  for (const original of diff.incoming) {
    const held = rolledMember.get(original.key);
    if (!held) incoming.push(original);
    else if (held.member.etag === original.etag && held.member.size === original.size)
      alreadyCollapsed.push(original);
    else
      return failedWith(
        diff,
        planProblem(
          'member-changed',
          `${original.key} changed since it was collapsed into ${held.input.output.key}.`,
          'Its new bytes are in no output: move it away (or collapse it with --out-prefix) and run again.',
        ),
      );
  }
  const leftovers = [...findings.leftovers, ...split.redundant.map(remainsOf)];
  const writes = incoming.length > 0 || split.kept.length > 0 || diff.manifest?.state === 'pending';
  const status = writes
    ? 'planned'
    : diff.status === 'skipped' && leftovers.length === 0
      ? 'skipped'
      : 'already-collapsed';
  return {
    incoming,
    committed: diff.committed,
    manifest: diff.manifest,
    alreadyCollapsed,
    status,
    rollIn: split.kept,
    rolledLeftovers: leftovers,
  };
}

/**
 * Pure: each input against what the output and the other inputs hold. Two runs of different
 * granularities at once (`--by day` and `--by month` from two crons) can both collapse a key; a
 * member held elsewhere with the same ETag and size is that same original, so only the members held
 * nowhere else go in (read by range), and an input holding nothing new is only deleted once this
 * output is recorded. Larger inputs are kept whole first, so the ranges read are the fewest. A key
 * held with other bytes is two versions of one key: only a person can choose, so the period stops.
 */
export function splitInputs(
  committed: Manifest | null,
  inputs: readonly RolledInput[],
): { readonly kept: RolledInput[]; readonly redundant: RolledInput[] } | PeriodError {
  const holder = new Map<string, { member: ManifestMember; output: string }>();
  const outputKey = committed?.output?.key ?? 'this output';
  for (const member of committed?.members ?? []) holder.set(member.key, { member, output: outputKey });
  const largestFirst = [...inputs].sort(
    (a, b) => b.manifest.members.length - a.manifest.members.length || byKey(a.output.key, b.output.key),
  );
  const taken = new Map<RolledInput, ManifestMember[]>();
  for (const input of largestFirst) {
    const fresh: ManifestMember[] = [];
    for (const member of input.manifest.members) {
      const earlier = holder.get(member.key);
      if (!earlier) {
        fresh.push(member);
        holder.set(member.key, { member, output: input.output.key });
      } else if (earlier.member.etag !== member.etag || earlier.member.size !== member.size)
        return planProblem(
          'rolled-input-overlap',
          `${member.key} is in ${earlier.output} and in ${input.output.key} with different bytes (ETag ${earlier.member.etag}, ${earlier.member.size} bytes; ETag ${member.etag}, ${member.size} bytes). Nothing was changed.`,
          'Restore both versions (restore --member … --to-prefix) and compare them; move the output that should not be rolled in away (with its manifest), then run again.',
        );
    }
    taken.set(input, fresh);
  }
  const kept: RolledInput[] = [];
  const redundant: RolledInput[] = [];
  for (const input of inputs) {
    const fresh = taken.get(input) ?? [];
    if (fresh.length === 0) redundant.push(input);
    else kept.push(fresh.length === input.manifest.members.length ? input : { ...input, take: fresh });
  }
  return { kept, redundant };
}

const byKey = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
