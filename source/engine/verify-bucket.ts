import type { S3Client } from '@aws-sdk/client-s3';
import pMap from 'p-map';
import { MANIFEST_KEY } from '../layouts/detect.js';
import type { DigestIndex } from './cloudtrail-digests.js';
import { manifestKeyFor, parseManifest } from './manifest.js';
import { getText, listPages } from './s3-objects.js';
import { verifyOutput, type OutputCheck } from './verify-output.js';

/** What `verify` found for one manifest or output, in key order of the manifests. */
export type BucketFinding =
  | { readonly kind: 'checked'; readonly check: OutputCheck }
  | { readonly kind: 'manifest-unreadable'; readonly manifestKey: string; readonly reason: string }
  /** An output of this tool's name with no manifest beside it: nothing says what it holds. */
  | { readonly kind: 'output-without-manifest'; readonly outputKey: string; readonly manifestKey: string };

export interface VerifyBucketRequest {
  readonly prefix: string;
  /** Only manifests whose period starts in [start, end). Unreadable manifests and orphans are always reported. */
  readonly period?: { readonly start: Date; readonly end: Date } | undefined;
  /** Outputs read at once; each is one streaming GET. */
  readonly concurrency: number;
  readonly signal?: AbortSignal | undefined;
  /** Called as each finding is known (in completion order), for progress. */
  readonly onFinding?: ((finding: BucketFinding, done: number, total: number) => void) | undefined;
  readonly onBytes?: ((bytes: number) => void) | undefined;
  /** `--check-digests`: CloudTrail members are checked against the digests this index reads. */
  readonly digests?: DigestIndex | undefined;
}

/** An output's name: `…_collapsed`, `…_collapsed.json.gz`, `…_collapsed-0001…`; manifests start with `_`. */
const OUTPUT_KEY = /(?:^|\/)[^/_][^/]*_collapsed[^/]*$/;

export function isOutputKey(key: string): boolean {
  return OUTPUT_KEY.test(key) && !MANIFEST_KEY.test(key);
}

/** The manifests and outputs under a prefix, from one listing; every other key is dropped as it comes. */
export async function findOutputs(
  s3: S3Client,
  bucket: string,
  prefix: string,
  signal?: AbortSignal,
): Promise<{ manifests: string[]; outputs: string[] }> {
  const manifests: string[] = [];
  const outputs: string[] = [];
  for await (const page of listPages(s3, bucket, prefix, signal)) {
    for (const { Key: key } of page) {
      if (key === undefined) continue;
      if (MANIFEST_KEY.test(key)) manifests.push(key);
      else if (isOutputKey(key)) outputs.push(key);
    }
  }
  return { manifests, outputs };
}

type Unit = { readonly manifestKey: string } | { readonly orphan: string };

/** Reads one manifest and verifies its output; undefined when its period is outside the request's. */
async function verifyManifest(
  s3: S3Client,
  bucket: string,
  manifestKey: string,
  request: VerifyBucketRequest,
): Promise<BucketFinding | undefined> {
  const object = await getText(s3, bucket, manifestKey, request.signal);
  // Listed a moment ago and gone now: as good as a manifest that cannot be read.
  if (!object) return { kind: 'manifest-unreadable', manifestKey, reason: 'it was deleted while verify ran' };
  const parsed = parseManifest(object.text);
  if (!parsed.ok) return { kind: 'manifest-unreadable', manifestKey, reason: parsed.reason };
  const start = new Date(parsed.manifest.period.start).getTime();
  if (request.period && !(start >= request.period.start.getTime() && start < request.period.end.getTime()))
    return undefined;
  const check = await verifyOutput(s3, bucket, manifestKey, parsed.manifest, {
    signal: request.signal,
    onBytes: request.onBytes,
    digests: request.digests,
  });
  return { kind: 'checked', check };
}

/**
 * Verifies every output under a prefix against its manifest, `concurrency` at a time. Findings come
 * back in key order; an output without a manifest and a manifest that cannot be parsed are findings
 * too, never silently passed over. `listed`: manifests and orphan outputs found, before the period filter.
 */
export async function verifyBucket(
  s3: S3Client,
  bucket: string,
  request: VerifyBucketRequest,
): Promise<{ findings: BucketFinding[]; listed: number }> {
  const { manifests, outputs } = await findOutputs(s3, bucket, request.prefix, request.signal);
  const listed = new Set(manifests);
  const units: Unit[] = [
    ...manifests.map((manifestKey) => ({ manifestKey })),
    ...outputs.filter((key) => !listed.has(manifestKeyFor(key))).map((orphan) => ({ orphan })),
  ];
  let done = 0;
  const findings = await pMap(
    units,
    async (unit): Promise<BucketFinding | undefined> => {
      const finding =
        'orphan' in unit
          ? ({
              kind: 'output-without-manifest',
              outputKey: unit.orphan,
              manifestKey: manifestKeyFor(unit.orphan),
            } as const)
          : await verifyManifest(s3, bucket, unit.manifestKey, request);
      done += 1;
      if (finding) request.onFinding?.(finding, done, units.length);
      return finding;
    },
    { concurrency: request.concurrency, signal: request.signal },
  );
  return { findings: findings.filter((finding) => finding !== undefined), listed: units.length };
}
