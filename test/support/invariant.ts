import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { parseManifest, type Manifest } from '../../source/engine/manifest.js';
import { getBytes, listKeys } from './s3.js';

export interface Original {
  readonly key: string;
  readonly body: Buffer | string;
}

export interface BucketAudit {
  /** Originals still there as themselves, byte-equal. */
  readonly asThemselves: string[];
  /** Originals inside a complete manifest's output, byte-equal at their offset; by key, how often. */
  readonly collapsed: Map<string, number>;
  readonly pendingManifests: string[];
  readonly openUploads: string[];
  /** Manifests whose output is gone (a month rollup stopped between deleting a day's output and its manifest). */
  readonly withoutOutput: string[];
  /** Anything that contradicts a manifest: a wrong size, hash, offset or member bytes. */
  readonly problems: string[];
}

const isManifestKey = (key: string): boolean => /(^|\/)_[^/]*\.manifest\.json$/.test(key);

function checkOutput(manifest: Manifest, output: Buffer, originals: Map<string, Buffer>, audit: BucketAudit) {
  const name = manifest.output?.key ?? '(no output)';
  if (!manifest.output) {
    audit.problems.push(`${name}: complete manifest without an output`);
    return;
  }
  if (output.length !== manifest.output.size)
    audit.problems.push(`${name}: ${output.length} bytes, manifest says ${manifest.output.size}`);
  if (createHash('sha256').update(output).digest('hex') !== manifest.output.sha256)
    audit.problems.push(`${name}: SHA-256 differs from its manifest`);
  let expectedOffset = 0;
  for (const member of manifest.members) {
    if (member.offset !== expectedOffset)
      audit.problems.push(`${name}: ${member.key} at ${member.offset}, expected ${expectedOffset}`);
    expectedOffset = member.offset + member.size + member.separator;
    const bytes = output.subarray(member.offset, member.offset + member.size);
    const original = originals.get(member.key);
    if (original && !bytes.equals(original)) {
      audit.problems.push(`${name}: the bytes of ${member.key} differ from the original`);
      continue;
    }
    audit.collapsed.set(member.key, (audit.collapsed.get(member.key) ?? 0) + 1);
  }
  if (expectedOffset !== output.length)
    audit.problems.push(`${name}: members cover ${expectedOffset} of ${output.length} bytes`);
}

/** Reads the whole bucket and accounts for every original's bytes. */
export async function auditBucket(
  s3: S3Client,
  bucket: string,
  originals: readonly Original[],
): Promise<BucketAudit> {
  const byKey = new Map(originals.map((original) => [original.key, Buffer.from(original.body)]));
  const audit: BucketAudit = {
    asThemselves: [],
    collapsed: new Map(),
    pendingManifests: [],
    openUploads: [],
    withoutOutput: [],
    problems: [],
  };
  for (const key of await listKeys(s3, bucket)) {
    const original = byKey.get(key);
    if (original) {
      if ((await getBytes(s3, bucket, key)).equals(original)) audit.asThemselves.push(key);
      else audit.problems.push(`${key} is not the original's bytes`);
      continue;
    }
    if (!isManifestKey(key)) continue;
    const parsed = parseManifest((await getBytes(s3, bucket, key)).toString());
    if (!parsed.ok) {
      audit.problems.push(`${key}: ${parsed.reason}`);
      continue;
    }
    if (parsed.manifest.state === 'pending') audit.pendingManifests.push(key);
    // A pending manifest's output and members are the last verified state: they count as collapsed.
    // Its output may already be longer (an append in progress); only the verified bytes count.
    if (parsed.manifest.output) {
      const output = await getBytes(s3, bucket, parsed.manifest.output.key).catch((error: unknown) => {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      });
      if (output === undefined) {
        audit.withoutOutput.push(key);
        continue;
      }
      const verified =
        parsed.manifest.state === 'pending' ? output.subarray(0, parsed.manifest.output.size) : output;
      checkOutput(parsed.manifest, verified, byKey, audit);
    }
  }
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const upload of uploads.Uploads ?? []) audit.openUploads.push(`${upload.Key} ${upload.UploadId}`);
  return audit;
}

/** Every original's bytes exist somewhere (as itself or collapsed): what must hold at any moment. */
export function lostOriginals(audit: BucketAudit, originals: readonly Original[]): string[] {
  const present = new Set(audit.asThemselves);
  return originals
    .map((original) => original.key)
    .filter((key) => !present.has(key) && !audit.collapsed.has(key));
}

/**
 * The finished state: every original exactly once, inside an output (or, for keys the run must keep,
 * as itself and nowhere else); no manifest pending, no multipart upload open, nothing contradicting a
 * manifest. Returns what is wrong, so a failing test prints all of it.
 */
export function finishedProblems(
  audit: BucketAudit,
  originals: readonly Original[],
  kept: ReadonlySet<string> = new Set(),
): string[] {
  const problems = [...audit.problems];
  const present = new Set(audit.asThemselves);
  for (const { key } of originals) {
    const times = (audit.collapsed.get(key) ?? 0) + (present.has(key) ? 1 : 0);
    if (times !== 1) problems.push(`${key} exists ${times} times`);
    else if (kept.has(key) !== present.has(key))
      problems.push(`${key} ${present.has(key) ? 'is still there' : 'was collapsed'}`);
  }
  for (const key of audit.pendingManifests) problems.push(`${key} is pending`);
  for (const upload of audit.openUploads) problems.push(`multipart upload open: ${upload}`);
  for (const key of audit.withoutOutput) problems.push(`${key} is left without its output`);
  return problems;
}
