import { manifestKeyFor } from '../engine/manifest.js';
import { LAYOUTS, parseLogKey, type KeyField, type Layout, type LayoutId } from '../layouts/index.js';
import { GRANULARITIES, isOpen, periodLabel, periodOf, type Granularity } from '../periods.js';

/**
 * What the tool makes of one key, for `explain`: the key drawn apart, its layout, its periods and
 * their outputs, and whether a run would ever touch it. Pure: the key, the layouts, the clock.
 *
 * A key is an input only if a layout's `parse` claims it, the very test the planner applies; every
 * other key is never read and never deleted, and is classified only to say why.
 */

/** `input`: a run over a finished period of it collapses it; `not-yet`: its periods are all open. */
export type Verdict = 'input' | 'not-yet' | 'never';

export type KeyKind =
  'log' | 'cloudtrail-digest' | 'cloudtrail-insights' | 'elb-test-file' | 'output' | 'manifest' | 'unclaimed';

export interface PeriodExplanation {
  readonly by: Granularity;
  /** `2024-05-01T13`, `2024-05-01`, `2024-05`: what `--from`/`--to` take. */
  readonly label: string;
  readonly start: string;
  readonly end: string;
  /** Over (at `now`): a run over it collapses the key; else only with --include-open. */
  readonly finished: boolean;
  readonly listingPrefix: string;
  readonly outputKey: string;
  readonly manifestKey: string;
}

/** A granularity the layout cannot collapse by (a key pattern without {HH}), and why. */
export interface UnavailablePeriod {
  readonly by: Granularity;
  readonly unavailable: string;
}

export interface KeyExplanation {
  readonly key: string;
  readonly kind: KeyKind;
  readonly verdict: Verdict;
  /** One or two sentences: what happens to the key, or why nothing ever does. */
  readonly reason: string;
  readonly layout?: {
    readonly id: LayoutId;
    readonly title: string;
    readonly writtenBy: string;
    readonly encoding: Layout['encoding'];
    readonly extension: string;
    readonly keyPattern?: string;
  };
  readonly series?: { readonly root: string; readonly base: string; readonly label: string };
  /** The instant the key's periods are decided by (UTC). */
  readonly time?: string;
  /** The key's labelled pieces; they concatenate back to the key. */
  readonly fields?: readonly KeyField[];
  readonly periods?: ReadonlyArray<PeriodExplanation | UnavailablePeriod>;
  /** For an output, its manifest; for a manifest, its output. */
  readonly pairedWith?: string;
  /** With a forced layout: the built-in layout that does claim the key, if one does. */
  readonly claimedBy?: { readonly id: LayoutId; readonly title: string };
}

export interface ExplainRequest {
  /** The layouts allowed to claim the key (`--layout`, `--key-pattern`); every built-in one by default. */
  readonly layouts?: readonly Layout[];
  readonly now: Date;
}

export const isAvailable = (period: PeriodExplanation | UnavailablePeriod): period is PeriodExplanation =>
  !('unavailable' in period);

/** `2024-05-01T14:00Z`: periods start and end on the hour. */
export const utcMinute = (iso: string): string => `${iso.slice(0, 16)}Z`;

const NEVER = 'Never read, never deleted.';
/**
 * The tool's own files are read (to append, verify, restore) but never collapsed as originals; a
 * month rollup takes day and hour outputs in, and deletes them and their manifests after.
 */
const OWN =
  'Never an input, never deleted — except that a --by month run over its month takes a day or hour output in, and deletes it and its manifest once the month output holding its bytes is verified and recorded.';

// Digest and Insights files sit in their own folders beside `CloudTrail/`:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/insights-events-understanding.html
const DIGEST = /(?:^|\/)CloudTrail-Digest\//;
const INSIGHTS = /(?:^|\/)CloudTrail-Insight\//;
/** Written once when load balancer access logging is enabled, to check the bucket's permissions. */
const ELB_TEST_FILE = /(?:^|\/)ELBAccessLogTestFile$/;
const MANIFEST = /(?:^|\/)_[^/]*_collapsed[^/]*\.manifest\.json$/;
/** As the planner recognises outputs (source/engine/plan.ts). */
const OUTPUT = /_collapsed(?:-\d+)?(?:\.[a-z0-9.]+)?$/;

/** `a/_x_collapsed.json.gz.manifest.json` → `a/x_collapsed.json.gz` (the inverse of manifestKeyFor). */
function outputOfManifest(key: string): string {
  const slash = key.lastIndexOf('/');
  return `${key.slice(0, slash + 1)}${key.slice(slash + 2, -'.manifest.json'.length)}`;
}

function unclaimed(key: string, forced: boolean, claimedBy: Layout | undefined): KeyExplanation {
  const never = (kind: KeyKind, reason: string, extra: Partial<KeyExplanation> = {}): KeyExplanation => ({
    key,
    kind,
    verdict: 'never',
    reason: `${reason} ${kind === 'output' || kind === 'manifest' ? OWN : NEVER}`,
    ...extra,
  });
  if (DIGEST.test(key))
    return never(
      'cloudtrail-digest',
      'A CloudTrail digest file: it holds the hashes CloudTrail signed for the log files it delivered, and `aws cloudtrail validate-logs` needs it where it is.',
    );
  if (INSIGHTS.test(key))
    return never(
      'cloudtrail-insights',
      'A CloudTrail Insights file: unusual-activity events, not a trail log.',
    );
  if (ELB_TEST_FILE.test(key))
    return never(
      'elb-test-file',
      'The test file Elastic Load Balancing writes when access logging is turned on: not a log.',
    );
  if (MANIFEST.test(key)) {
    const output = outputOfManifest(key);
    return never(
      'manifest',
      `This tool's manifest of ${output}: it lists every original in that output (key, size, ETag, byte offset); later runs, verify and restore read it.`,
      { pairedWith: output },
    );
  }
  if (OUTPUT.test(key)) {
    return never(
      'output',
      "This tool's output: originals collapsed into one object; a later run appends late keys to it.",
      { pairedWith: manifestKeyFor(key) },
    );
  }
  const which = forced ? 'The layout asked for does not claim this key' : 'No layout claims this key';
  const elsewhere = claimedBy ? ` (it is a key of ${claimedBy.title}).` : '.';
  return never('unclaimed', `${which}${elsewhere}`, {
    ...(claimedBy ? { claimedBy: { id: claimedBy.id, title: claimedBy.title } } : {}),
  });
}

const PERIOD_NOUN: Readonly<Record<Granularity, string>> = { hour: 'hour', day: 'day', month: 'month' };

/** Not until the hour is over: every clause for the open periods, finest first. */
function openReason(periods: readonly PeriodExplanation[]): string {
  const open = periods.filter((period) => !period.finished);
  const finished = periods.filter((period) => period.finished).map((period) => period.by);
  const clauses = open.map(
    (period) => `by ${period.by} not until the ${PERIOD_NOUN[period.by]} is over (${utcMinute(period.end)})`,
  );
  const now = finished.length > 0 ? `By ${finished.join(' or ')} now; ` : 'Not yet: ';
  return `${now}${clauses.join(', ')}. Its logs are still arriving; --include-open collapses an open period anyway.`;
}

export function explainKey(key: string, request: ExplainRequest): KeyExplanation {
  const layouts = request.layouts ?? LAYOUTS;
  const hit = parseLogKey(key, layouts);
  if (!hit) {
    const forced = request.layouts !== undefined;
    return unclaimed(key, forced, forced ? parseLogKey(key)?.layout : undefined);
  }
  const { layout, parsed } = hit;
  const periods = GRANULARITIES.map((by): PeriodExplanation | UnavailablePeriod => {
    const period = periodOf(parsed.time, by);
    try {
      const outputKey = layout.outputKey(parsed.series, period);
      return {
        by,
        label: periodLabel(period),
        start: period.start.toISOString(),
        end: period.end.toISOString(),
        finished: !isOpen(period, request.now),
        listingPrefix: layout.listingPrefix(parsed.series, period),
        outputKey,
        manifestKey: manifestKeyFor(outputKey),
      };
    } catch (error) {
      // A key pattern without {HH} cannot be collapsed by hour: its layout says so.
      return { by, unavailable: (error as Error).message };
    }
  });
  const available = periods.filter(isAvailable);
  const allFinished = available.every((period) => period.finished);
  const verdict: Verdict = allFinished || available.some((period) => period.finished) ? 'input' : 'not-yet';
  return {
    key,
    kind: 'log',
    verdict,
    reason: allFinished
      ? 'A run over any of these periods reads it into that output, in key order, and deletes it once the output is verified.'
      : openReason(available),
    layout: {
      id: layout.id,
      title: layout.title,
      writtenBy: layout.writtenBy,
      encoding: layout.encoding,
      extension: layout.extension,
      ...(layout.keyPattern !== undefined ? { keyPattern: layout.keyPattern } : {}),
    },
    series: { root: parsed.series.root, base: parsed.series.base, label: parsed.series.label },
    time: parsed.time.toISOString(),
    fields: parsed.fields,
    periods,
  };
}
