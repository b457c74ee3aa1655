import { UserError } from '../errors.js';
import { parseLogKey, SUPPORTED_LAYOUTS } from './index.js';
import type { Layout, LayoutId, ParsedKey } from './types.js';

/** One layout found at one root, with what the sample says about it. */
export interface DetectionCandidate {
  readonly layout: LayoutId;
  readonly title: string;
  readonly root: string;
  /** Sampled keys that fully match this layout at this root. */
  readonly matched: number;
  /** Distinct series seen in the sample (the real count comes from discovery). */
  readonly seriesSeen: number;
  readonly sample: { readonly key: string; readonly parsed: ParsedKey };
}

export interface Detection {
  readonly sampled: number;
  readonly candidates: readonly DetectionCandidate[];
  /** Sampled keys no layout claims: never read, never deleted. */
  readonly other: number;
  readonly otherSamples: readonly string[];
  /** Manifests of earlier runs seen in the sample: they name the layout once the originals are gone. */
  readonly manifests: readonly string[];
}

export const MANIFEST_KEY = /(?:^|\/)_[^/]*_collapsed[^/]*\.manifest\.json$/;

/** Counts sampled keys per (layout, root), most matches first. */
export function scoreSample(keys: readonly string[], layouts: readonly Layout[]): Detection {
  const found = new Map<
    string,
    {
      layout: Layout;
      root: string;
      matched: number;
      bases: Set<string>;
      sample: DetectionCandidate['sample'];
    }
  >();
  const otherSamples: string[] = [];
  const manifests: string[] = [];
  let other = 0;
  for (const key of new Set(keys)) {
    const hit = parseLogKey(key, layouts);
    if (!hit) {
      if (MANIFEST_KEY.test(key)) manifests.push(key);
      other += 1;
      if (otherSamples.length < 5) otherSamples.push(key);
      continue;
    }
    const id = `${hit.layout.id}\u0000${hit.parsed.series.root}`;
    const entry = found.get(id) ?? {
      layout: hit.layout,
      root: hit.parsed.series.root,
      matched: 0,
      bases: new Set<string>(),
      sample: { key, parsed: hit.parsed },
    };
    entry.matched += 1;
    entry.bases.add(hit.parsed.series.base);
    found.set(id, entry);
  }
  const candidates = [...found.values()]
    .map((entry) => ({
      layout: entry.layout.id,
      title: entry.layout.title,
      root: entry.root,
      matched: entry.matched,
      seriesSeen: entry.bases.size,
      sample: entry.sample,
    }))
    .sort((a, b) => b.matched - a.matched || a.root.localeCompare(b.root));
  return { sampled: new Set(keys).size, candidates, other, otherSamples, manifests };
}

/** Candidates named one a line, enough for a bucket holding a trail, load balancers, flow logs and WAF. */
const MAX_LISTED = 8;

/**
 * The flags that pick each candidate, one a line (a long list on one line is unreadable); with
 * `titled`, in columns with the layout's title, since the flags alone do not say what was found.
 */
function pickLines(
  candidates: readonly DetectionCandidate[],
  flag: (c: DetectionCandidate) => string,
  titled = false,
): string {
  const listed = candidates.slice(0, MAX_LISTED);
  const flags = listed.map(flag);
  const counts = listed.map((c) => `(${c.matched} keys sampled)`);
  const widest = (texts: readonly string[]) => (titled ? Math.max(...texts.map((text) => text.length)) : 0);
  const lines = listed.map((c, index) => {
    const line = `    ${flags[index]!.padEnd(widest(flags))}   ${counts[index]!.padEnd(widest(counts))}`;
    return titled ? `${line}  ${c.title}` : line;
  });
  const more = candidates.length - listed.length;
  if (more > 0) lines.push(`    and ${more} more: a narrower --prefix lists them`);
  return lines.join('\n');
}

const quoted = (root: string): string => (/^[\w./-]+$/.test(root) ? root : JSON.stringify(root));

/**
 * The one candidate a non-interactive run may use. Several are an error naming the flags that pick
 * each (the prefix alone when they are one layout under several prefixes); none is an error showing
 * what the keys look like.
 */
export function chooseCandidate(detection: Detection, where: string): DetectionCandidate {
  const [first, ...rest] = detection.candidates;
  if (!first) {
    const samples = detection.otherSamples.length
      ? ` Sample keys: ${detection.otherSamples.slice(0, 3).join(', ')}.`
      : ' It holds no objects.';
    throw new UserError(
      `No known log layout under ${where} (sampled ${detection.sampled} keys).${samples}`,
      `Point --prefix at the folder that holds the logs; supported: ${SUPPORTED_LAYOUTS}.`,
    );
  }
  if (rest.length === 0) return first;
  const oneLayout = rest.every((candidate) => candidate.layout === first.layout);
  if (oneLayout) {
    throw new UserError(
      `Found ${first.title} under ${detection.candidates.length} prefixes of ${where}; a run collapses one.`,
      `Pick one with --prefix:\n${pickLines(detection.candidates, (c) => `--prefix ${quoted(c.root)}`)}`,
    );
  }
  throw new UserError(
    `Found ${detection.candidates.length} log layouts under ${where}; a run collapses one.`,
    `Pick one with --layout and --prefix:\n${pickLines(
      detection.candidates,
      (c) => `--layout ${c.layout} --prefix ${quoted(c.root)}`,
      true,
    )}`,
  );
}
