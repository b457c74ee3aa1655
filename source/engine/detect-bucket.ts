import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { explainS3Error } from '../aws/s3-errors.js';
import { cloudTrail } from '../layouts/cloudtrail.js';
import { scoreSample, type Detection, type DetectionCandidate } from '../layouts/detect.js';
import { parseManifest } from './manifest.js';
import type { Layout } from '../layouts/index.js';
import { childrenLister, getText } from './s3-objects.js';
import type { EngineContext } from './types.js';

const TOP_LEVEL_SAMPLED = 20;
/** Keys sampled per listing: enough to tell the layouts apart, and a page S3 lists quickly. */
const SAMPLE_PAGE = 200;

async function firstPage(ctx: EngineContext, prefix: string, delimiter?: string, signal?: AbortSignal) {
  return ctx.s3
    .send(
      new ListObjectsV2Command({
        Bucket: ctx.bucket,
        Prefix: prefix,
        Delimiter: delimiter,
        MaxKeys: SAMPLE_PAGE,
      }),
      {
        abortSignal: signal,
      },
    )
    .catch((error: unknown) => {
      throw explainS3Error(error, { operation: 'ListObjectsV2', bucket: ctx.bucket, key: prefix });
    });
}

/**
 * A cheap sample of the keys under a prefix: the keys at its level, the first page under each of its
 * top-level folders, and — because CloudTrail's digest files sort before its logs — a page from the
 * first series of any CloudTrail root seen.
 */
export async function sampleKeys(
  ctx: EngineContext,
  prefix: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const top = await firstPage(ctx, prefix, '/', signal);
  const keys = (top.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
  const folders = (top.CommonPrefixes ?? []).flatMap((common) => (common.Prefix ? [common.Prefix] : []));
  const pages = await Promise.all(
    folders.slice(0, TOP_LEVEL_SAMPLED).map((folder) => firstPage(ctx, folder, undefined, signal)),
  );
  for (const page of pages) for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);

  const trailRoots = new Set<string>();
  for (const key of keys) {
    const at = key.indexOf('AWSLogs/');
    if (at >= 0 && (at === 0 || key[at - 1] === '/')) trailRoots.add(key.slice(0, at));
  }
  for (const root of [...trailRoots].slice(0, 3)) {
    const series = await cloudTrail.discoverSeries(root, childrenLister(ctx.s3, ctx.bucket, signal));
    for (const one of series.slice(0, 2)) {
      const page = await firstPage(ctx, one.base, undefined, signal);
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
  }
  return keys;
}

/**
 * When every original is already collapsed, the sample holds only outputs and manifests: a manifest
 * names its layout and prefix, and lists an original key to show as the layout's sample.
 */
async function candidatesFromManifests(
  ctx: EngineContext,
  manifestKeys: readonly string[],
  layouts: readonly Layout[],
  signal?: AbortSignal,
): Promise<DetectionCandidate[]> {
  const found = new Map<string, DetectionCandidate>();
  for (const key of manifestKeys.slice(0, 5)) {
    const object = await getText(ctx.s3, ctx.bucket, key, signal);
    const parsed = object === null ? undefined : parseManifest(object.text);
    if (!parsed?.ok) continue;
    const layout = layouts.find((candidate) => candidate.id === parsed.manifest.layout);
    const member = parsed.manifest.members[0];
    const sample = member && layout?.parse(member.key);
    if (!layout || !member || !sample) continue;
    const id = `${layout.id}\u0000${parsed.manifest.prefix}`;
    const known = found.get(id);
    found.set(id, {
      layout: layout.id,
      title: layout.title,
      root: parsed.manifest.prefix,
      matched: 0,
      seriesSeen: (known?.seriesSeen ?? 0) + 1,
      sample: { key: member.key, parsed: sample },
    });
  }
  return [...found.values()];
}

export async function detectLayouts(
  ctx: EngineContext,
  prefix: string,
  layouts: readonly Layout[],
  signal?: AbortSignal,
): Promise<Detection> {
  const keys = await sampleKeys(ctx, prefix, signal);
  let detection = scoreSample(keys, layouts);
  if (detection.candidates.length === 0 && detection.manifests.length > 0) {
    detection = {
      ...detection,
      candidates: await candidatesFromManifests(ctx, detection.manifests, layouts, signal),
    };
  }
  // A root outside the requested prefix cannot happen with a listing under it; keep only exact layouts asked for.
  return {
    ...detection,
    candidates: detection.candidates.filter((candidate) => candidate.root.startsWith(prefix)),
  };
}
