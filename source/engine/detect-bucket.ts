import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { explainS3Error } from '../aws/s3-errors.js';
import { cloudTrail } from '../layouts/cloudtrail.js';
import { scoreSample, type Detection } from '../layouts/detect.js';
import type { Layout } from '../layouts/index.js';
import { listChildren } from './s3-objects.js';
import type { EngineContext } from './types.js';

const TOP_LEVEL_SAMPLED = 20;

async function firstPage(ctx: EngineContext, prefix: string, delimiter?: string, signal?: AbortSignal) {
  return ctx.s3
    .send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: prefix, Delimiter: delimiter, MaxKeys: 1000 }), {
      abortSignal: signal,
    })
    .catch((error: unknown) => {
      throw explainS3Error(error, { operation: 'ListObjectsV2', bucket: ctx.bucket, key: prefix });
    });
}

/**
 * A cheap sample of the keys under a prefix: the keys at its level, the first page under each of its
 * top-level folders, and — because CloudTrail's digest files sort before its logs — a page from the
 * first series of any CloudTrail root seen.
 */
export async function sampleKeys(ctx: EngineContext, prefix: string, signal?: AbortSignal): Promise<string[]> {
  const top = await firstPage(ctx, prefix, '/', signal);
  const keys = (top.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
  const folders = (top.CommonPrefixes ?? []).flatMap((common) => (common.Prefix ? [common.Prefix] : []));
  const pages = await Promise.all(folders.slice(0, TOP_LEVEL_SAMPLED).map((folder) => firstPage(ctx, folder, undefined, signal)));
  for (const page of pages) for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);

  const trailRoots = new Set<string>();
  for (const key of keys) {
    const at = key.indexOf('AWSLogs/');
    if (at >= 0 && (at === 0 || key[at - 1] === '/')) trailRoots.add(key.slice(0, at));
  }
  for (const root of [...trailRoots].slice(0, 3)) {
    const series = await cloudTrail.discoverSeries(root, (child) => listChildren(ctx.s3, ctx.bucket, child, signal));
    for (const one of series.slice(0, 2)) {
      const page = await firstPage(ctx, one.base, undefined, signal);
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
  }
  return keys;
}

export async function detectLayouts(
  ctx: EngineContext,
  prefix: string,
  layouts: readonly Layout[],
  signal?: AbortSignal,
): Promise<Detection> {
  const keys = await sampleKeys(ctx, prefix, signal);
  const detection = scoreSample(keys, layouts);
  // A root outside the requested prefix cannot happen with a listing under it; keep only exact layouts asked for.
  return { ...detection, candidates: detection.candidates.filter((candidate) => candidate.root.startsWith(prefix)) };
}
