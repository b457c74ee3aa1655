import type { _Object } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { UserError } from '../errors.js';
import type { Layout, Series } from '../layouts/index.js';
import { contains, periodLabel, type Granularity, type Period } from '../periods.js';
import { DigestIndex } from './cloudtrail-digests.js';
import { checkCovered, coveringSlots } from './covering-outputs.js';
import { manifestKeyFor, parseManifest, type ManifestParse } from './manifest.js';
import { splitByDigest } from './plan-digests.js';
import { diffAgainstOutput, planProblem, type PeriodDiff } from './plan-diff.js';
import { applyRollup, findRollup, listUncovered, shorterSlots, type RolledDiff } from './rollup-plan.js';
import { childrenLister, getText, headObject, listPages, type TextObject } from './s3-objects.js';
import type { EngineContext, Member, ObjectHead, Plan, PeriodPlan } from './types.js';

export interface PlanRequest {
  readonly layout: Layout;
  readonly root: string;
  readonly by: Granularity;
  readonly periods: readonly Period[];
  /** Only these series (by base or label); all discovered series when absent. */
  readonly seriesBases?: readonly string[] | undefined;
  /** Outputs go under this prefix instead of beside their inputs. */
  readonly outPrefix?: string | undefined;
  /**
   * CloudTrail only: a key no digest lists is left out of its period (waiting for its digest), and
   * each input is checked against its digest's SHA-256 while streaming.
   */
  readonly checkDigests?: boolean | undefined;
  /**
   * Exactly these (series, period) units, as a plan file names them: nothing is discovered, and
   * `periods` and `seriesBases` are not read. Each is still listed and checked as any period is.
   */
  readonly units?: readonly PlanUnit[] | undefined;
}

/** One series over one period: a unit of work a plan file holds and a shard runs. */
export interface PlanUnit {
  readonly series: Series;
  readonly period: Period;
}

export async function discoverSeries(
  ctx: EngineContext,
  layout: Layout,
  root: string,
  signal?: AbortSignal,
  periods?: readonly Period[],
): Promise<Series[]> {
  return layout.discoverSeries(root, childrenLister(ctx.s3, ctx.bucket, signal), periods);
}

/** The tool's own outputs, by name: `…_collapsed`, `…_collapsed.json.gz`. */
export const OUTPUT_NAME = /_collapsed(?:-\d+)?(?:\.[a-z0-9.]+)?$/;

export interface PeriodListing {
  readonly members: Member[];
  /** Outputs of other runs found under the period's prefix (of shorter periods, say): not inputs. */
  readonly otherOutputs: readonly string[];
  /** The listed objects whose keys were asked for (`watch`): shorter periods' outputs and manifests. */
  readonly watched: readonly Member[];
}

/** The keys of one period of one series: one listing of the narrowest prefix, full-match filtered. */
export async function listPeriodMembers(
  ctx: EngineContext,
  layout: Layout,
  series: Series,
  period: Period,
  signal?: AbortSignal,
  watch: ReadonlySet<string> = new Set(),
): Promise<PeriodListing> {
  const members: Member[] = [];
  const otherOutputs: string[] = [];
  const watched: Member[] = [];
  for await (const page of listPages(ctx.s3, ctx.bucket, layout.listingPrefix(series, period), signal)) {
    for (const object of page) {
      if (!object.Key) continue;
      const parsed = layout.parse(object.Key);
      if (!parsed) {
        if (OUTPUT_NAME.test(object.Key)) otherOutputs.push(object.Key);
        if (watch.has(object.Key)) watched.push(listedMember(object));
        continue;
      }
      if (parsed.series.base !== series.base || !contains(period, parsed.time)) continue;
      members.push(listedMember(object));
    }
  }
  // S3 lists in key order already; sorting keeps the output's order a property of this code, not of
  // the server. S3 orders by UTF-8 bytes, which JavaScript's UTF-16 order does not always match.
  members.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  // S3 never lists a key twice. A listing that does (a server or a proxy answering a page twice)
  // would put that key into the output twice: nothing planned from it is trusted.
  const twice = members.find((member, index) => index > 0 && members[index - 1]!.key === member.key);
  if (twice)
    throw new Error(
      `The listing of s3://${ctx.bucket}/${layout.listingPrefix(series, period)} named ${twice.key} twice; S3 lists each key once, so the answer is not trusted and nothing was planned from it. Run again.`,
    );
  return { members, otherOutputs, watched };
}

const listedMember = (object: _Object): Member => ({
  key: object.Key ?? '',
  size: object.Size ?? 0,
  etag: object.ETag ?? '',
  lastModified: (object.LastModified ?? new Date(0)).toISOString(),
});

/** Periods planned at once: each is a listing, then a read of its manifest and its output. */
const PLAN_CONCURRENCY = 16;

/** How often the planner reads a period's output and manifest again when they disagree. */
const CONSISTENT_READS = 3;

/**
 * The manifest, then the output, read until they agree. Runs write the pending manifest, then the
 * output, then the complete manifest, so two reads a moment apart can straddle another run's write;
 * if they still disagree after a few reads and kept changing, another run is at work on the period.
 */
async function readOutputState(
  ctx: EngineContext,
  listing: Promise<readonly Member[]>,
  outputKey: string,
  manifestKey: string,
  signal?: AbortSignal,
): Promise<{ diff: PeriodDiff; head: ObjectHead | null; manifestObject: TextObject | null }> {
  let seen: string | undefined;
  let moved = false;
  for (let read = 1; ; read += 1) {
    const manifestObject = await getText(ctx.s3, ctx.bucket, manifestKey, signal);
    const head = await headObject(ctx.s3, ctx.bucket, outputKey, signal);
    const diff = diffAgainstOutput(await listing, {
      outputKey,
      manifestKey,
      head,
      manifest: manifestObject === null ? null : parseManifest(manifestObject.text),
    });
    const state = `${manifestObject?.etag ?? '-'} ${head?.etag ?? '-'}`;
    moved ||= seen !== undefined && seen !== state;
    seen = state;
    if (!diff.inconsistent || read >= CONSISTENT_READS) {
      if (diff.inconsistent && moved) {
        return {
          diff: {
            ...diff,
            problem: planProblem(
              'another-run',
              `Another run is working on this period: ${outputKey} and its manifest changed while this run planned.`,
              'Run again once the other run is done.',
            ),
          },
          head,
          manifestObject,
        };
      }
      return { diff, head, manifestObject };
    }
  }
}

const sumSizes = (members: readonly Member[]): number =>
  members.reduce((total, member) => total + member.size, 0);

/** S3 refuses keys longer than 1,024 bytes (UTF-8). */
const MAX_KEY_BYTES = 1024;

function keyTooLong(manifestKey: string): PeriodDiff {
  return {
    incoming: [],
    alreadyCollapsed: [],
    committed: null,
    manifest: null,
    status: 'failed',
    problem: planProblem(
      'key-too-long',
      `The manifest key for this period would be ${Buffer.byteLength(manifestKey)} bytes, more than the 1,024 S3 allows (the prefix is very long).`,
      'Use a shorter --out-prefix.',
    ),
  };
}

/** Whether running the period writes or deletes anything: planned, or leftovers to delete. */
export function writesOrDeletes(period: PeriodPlan): boolean {
  return (
    period.status === 'planned' ||
    (period.status === 'already-collapsed' &&
      (period.alreadyCollapsed.length > 0 || (period.rolledLeftovers?.length ?? 0) > 0))
  );
}

export function outputKeyFor(layout: Layout, series: Series, period: Period, outPrefix = ''): string {
  return `${outPrefix}${layout.outputKey(series, period)}`;
}

/** Longer periods' manifests, each read once a plan: many days share one month. */
function longerManifestReader(
  ctx: EngineContext,
  signal?: AbortSignal,
): (manifestKey: string) => Promise<ManifestParse | null> {
  const reads = new Map<string, Promise<ManifestParse | null>>();
  return (manifestKey) => {
    let read = reads.get(manifestKey);
    if (!read) {
      read = getText(ctx.s3, ctx.bucket, manifestKey, signal).then((found) =>
        found === null ? null : parseManifest(found.text),
      );
      reads.set(manifestKey, read);
    }
    return read;
  };
}

/** The series of the units, once each, in their first unit's order. */
function distinctSeries(units: readonly PlanUnit[]): Series[] {
  const seen = new Map<string, Series>();
  for (const unit of units) if (!seen.has(unit.series.base)) seen.set(unit.series.base, unit.series);
  return [...seen.values()];
}

/** Every series found under the root (or those asked for) over every period of the request. */
async function discoveredUnits(
  ctx: EngineContext,
  request: PlanRequest,
  signal?: AbortSignal,
): Promise<{ series: Series[]; jobs: PlanUnit[] }> {
  const { layout, root } = request;
  const discovered = await discoverSeries(ctx, layout, root, signal, request.periods);
  const wanted = request.seriesBases;
  const unknown = (wanted ?? []).filter(
    (one) => !discovered.some((found) => found.base === one || found.label === one),
  );
  if (unknown.length > 0) {
    throw new UserError(
      `--series ${unknown[0]} is not a series of ${layout.title} under s3://${ctx.bucket}/${root}.`,
      `Series found: ${
        discovered
          .map((found) => found.base)
          .slice(0, 6)
          .join(', ') || 'none'
      }${discovered.length > 6 ? ', …' : ''}.`,
    );
  }
  const series = wanted
    ? discovered.filter((candidate) => wanted.includes(candidate.base) || wanted.includes(candidate.label))
    : discovered;
  return {
    series,
    jobs: series.flatMap((one) => request.periods.map((period) => ({ series: one, period }))),
  };
}

/**
 * Snapshots every period: its keys (key, size, ETag, LastModified) and the state of its output. The
 * run streams and deletes from this snapshot only; nothing is listed again before deleting.
 */
export async function planRun(ctx: EngineContext, request: PlanRequest, signal?: AbortSignal): Promise<Plan> {
  const { layout, root } = request;
  const { series, jobs } = request.units
    ? { series: distinctSeries(request.units), jobs: request.units }
    : await discoveredUnits(ctx, request, signal);
  const readLonger = longerManifestReader(ctx, signal);
  const digestIndex = request.checkDigests ? new DigestIndex(ctx.s3, ctx.bucket, { signal }) : undefined;
  const periods = await pMap(
    jobs,
    async ({ series: one, period }): Promise<PeriodPlan> => {
      const outputKey = outputKeyFor(layout, one, period, request.outPrefix);
      const manifestKey = manifestKeyFor(outputKey);
      const keyOf = (other: Period) => outputKeyFor(layout, one, other, request.outPrefix);
      const slots = shorterSlots(period, keyOf);
      // The listings run while the output and manifest are read.
      const listing = listPeriodMembers(
        ctx,
        layout,
        one,
        period,
        signal,
        new Set(slots.flatMap((slot) => [slot.outputKey, slot.manifestKey])),
      );
      listing.catch(() => undefined);
      const outside = listUncovered(ctx, slots, layout.listingPrefix(one, period), signal);
      outside.catch(() => undefined);
      const listed = listing.then((found) => found.members);
      listed.catch(() => undefined);
      const {
        diff: listedDiff,
        head,
        manifestObject,
      } = Buffer.byteLength(manifestKey) > MAX_KEY_BYTES
        ? { diff: keyTooLong(manifestKey), head: null, manifestObject: null }
        : await readOutputState(ctx, listed, outputKey, manifestKey, signal);
      const { otherOutputs, watched } = await listing;
      const split = digestIndex
        ? splitByDigest(listedDiff, (await digestIndex.lookup(one, period)).hashes)
        : undefined;
      const ownDiff = split?.diff ?? listedDiff;
      let diff: PeriodDiff | RolledDiff = ownDiff;
      if (
        slots.length > 0 &&
        (ownDiff.status !== 'failed' || ownDiff.problem?.code === 'unfinished-first-run')
      ) {
        const shorter = new Map([...watched, ...(await outside)].map((found) => [found.key, found]));
        const encoding = ownDiff.committed?.encoding ?? layout.encoding;
        const expect = { layout: layout.id, series: one.base, encoding };
        diff = applyRollup(ownDiff, await findRollup(ctx, slots, shorter, ownDiff.committed, expect, signal));
      }
      // Only a period that would write (or is stuck) can collide with a longer period's output.
      if (diff.status === 'planned' || diff.status === 'failed') {
        const covering = coveringSlots(period, keyOf);
        const states = await Promise.all(
          covering.map(async (slot) => ({ slot, manifest: await readLonger(slot.manifestKey) })),
        );
        diff = { ...diff, ...checkCovered(diff, { outputKey, head }, states) };
      }
      const label = periodLabel(period);
      return {
        id: `${one.base}|${label}`,
        series: one,
        period,
        label,
        outputKey,
        manifestKey,
        incoming: diff.incoming,
        alreadyCollapsed: diff.alreadyCollapsed,
        keys: diff.incoming.length + diff.alreadyCollapsed.length,
        bytes: sumSizes(diff.incoming) + sumSizes(diff.alreadyCollapsed),
        committed: diff.committed,
        manifest: diff.manifest,
        manifestObject,
        currentOutput: head ? { etag: head.etag, size: head.size } : null,
        otherOutputs: otherOutputs.filter((key) => key !== outputKey),
        status: diff.status,
        ...(diff.problem ? { problem: diff.problem } : {}),
        ...(split ? { digests: split.digests, waitingForDigest: split.waiting } : {}),
        ...('rollIn' in diff && diff.status !== 'failed'
          ? { rollIn: diff.rollIn, rolledLeftovers: diff.rolledLeftovers }
          : {}),
      };
    },
    { concurrency: PLAN_CONCURRENCY, signal },
  );
  return { bucket: ctx.bucket, layout: layout.id, root, by: request.by, series, periods };
}
