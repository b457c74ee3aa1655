import { UserError } from '../errors.js';
import { parseLogKey } from './index.js';
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

const MANIFEST_KEY = /(?:^|\/)_[^/]*_collapsed[^/]*\.manifest\.json$/;

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

const layoutFlag = (candidate: DetectionCandidate): string =>
  `--layout ${candidate.layout} --prefix ${JSON.stringify(candidate.root)}`;

/**
 * The one candidate a non-interactive run may use. Several are an error naming the flags that pick
 * each; none is an error showing what the keys look like.
 */
export function chooseCandidate(detection: Detection, where: string): DetectionCandidate {
  const [first, ...rest] = detection.candidates;
  if (!first) {
    const samples = detection.otherSamples.length
      ? ` Sample keys: ${detection.otherSamples.slice(0, 3).join(', ')}.`
      : ' It holds no objects.';
    throw new UserError(
      `No known log layout under ${where} (sampled ${detection.sampled} keys).${samples}`,
      'Point --prefix at the folder that holds the logs; supported: S3 server access logs and CloudTrail.',
    );
  }
  if (rest.length > 0) {
    const options = detection.candidates.map((c) => `${c.title} (${c.matched} keys): ${layoutFlag(c)}`);
    throw new UserError(
      `Several log layouts under ${where}: ${options.join('; ')}.`,
      'Choose one with --layout and --prefix as shown.',
    );
  }
  return first;
}
