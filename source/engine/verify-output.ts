import { createHash, type Hash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DigestIndex } from './cloudtrail-digests.js';
import type { Manifest } from './manifest.js';
import { MemberDigestCheck, type DigestMismatch, type DigestTally } from './member-digests.js';
import { checkMemberLayout, md5OfEtag, RangeTaps, type LayoutProblem, type Tap } from './member-ranges.js';
import { ObjectChangedError, ObjectGoneError, readObject } from './read-object.js';
import { headObject } from './s3-objects.js';

/** One way an output disagrees with its manifest. Data, not text: the faces word it. */
export type OutputProblem =
  | { readonly kind: 'output-missing' }
  | { readonly kind: 'size'; readonly expected: number; readonly actual: number }
  | { readonly kind: 'sha256'; readonly expected: string; readonly actual: string }
  | { readonly kind: 'crc64nvme'; readonly expected: string; readonly actual: string }
  | LayoutProblem
  | { readonly kind: 'separator'; readonly member: string; readonly expected: 'newline' | 'gzip-newline' }
  | {
      readonly kind: 'member-md5';
      readonly member: string;
      readonly expected: string;
      readonly actual: string;
    }
  /** A rolled-in day or hour output's bytes (at its recorded offset) are not the SHA-256 recorded for it. */
  | {
      readonly kind: 'rolled-up';
      readonly output: string;
      readonly expected: string;
      readonly actual: string;
    }
  /** A rolled-in output's recorded range is not a run of whole members inside this output. */
  | { readonly kind: 'rolled-up-range'; readonly output: string }
  /** A CloudTrail member's uncompressed SHA-256 is not the one its digest file lists. */
  | DigestMismatch
  /** The output was replaced or deleted while it was read: nothing can be said about it yet. */
  | { readonly kind: 'changed-while-reading' };

/** What verifying one output against its manifest found. */
export type OutputCheck =
  | {
      readonly status: 'ok' | 'wrong';
      readonly outputKey: string;
      readonly manifestKey: string;
      readonly size: number;
      readonly members: number;
      /** Members whose bytes were checked against the MD5 their ETag is. */
      readonly md5Checked: number;
      /** Month outputs: the rolled-in outputs whose bytes were checked at their recorded offsets. */
      readonly rolledUpChecked?: number | undefined;
      readonly problems: readonly OutputProblem[];
      /** Findings that are not problems (e.g. ETags that are not MD5s). */
      readonly notes: readonly string[];
      /** With `digests`, for an output of CloudTrail logs: members checked against their digests. */
      readonly digests?: DigestTally | undefined;
    }
  | {
      /** The manifest is `pending`: a run is replacing the output. Not checked; not a problem. */
      readonly status: 'in-progress';
      readonly outputKey: string;
      readonly manifestKey: string;
      readonly since: string | undefined;
    };

export interface VerifyOptions {
  readonly signal?: AbortSignal | undefined;
  /** Output bytes read so far (for progress). */
  readonly onBytes?: ((bytes: number) => void) | undefined;
  /** Check each CloudTrail member's uncompressed SHA-256 against the digests this index reads. */
  readonly digests?: DigestIndex | undefined;
}

const NEWLINE = Buffer.from('\n');
const EMPTY_MD5 = createHash('md5').digest('hex');

/** A separator's bytes are `\n` in a plain output, a whole gzip member inflating to `\n` in a gzip one. */
function separatorIsRight(bytes: Buffer, expected: 'newline' | 'gzip-newline'): boolean {
  if (expected === 'newline') return bytes.equals(NEWLINE);
  try {
    const { buffer, engine } = gunzipSync(bytes, { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    // Every byte must belong to the member: trailing bytes would end a reader's stream there.
    return buffer.equals(NEWLINE) && engine.bytesWritten === bytes.length;
  } catch {
    return false;
  }
}

interface MemberHash {
  readonly key: string;
  readonly expected: string;
  readonly size: number;
  /** Made when the member's first byte streams by: one live hash at a time, not one per member. */
  hash: Hash | undefined;
  /** The hex MD5, once the member's last byte went by. */
  actual: string | undefined;
  taken: number;
}

interface SeparatorBytes {
  readonly key: string;
  readonly expected: 'newline' | 'gzip-newline';
  readonly size: number;
  readonly chunks: Buffer[];
}

/** The taps that hash single-part members and collect separators while the output streams. */
function tapsFor(manifest: Manifest): { taps: Tap[]; hashes: MemberHash[]; separators: SeparatorBytes[] } {
  const taps: Tap[] = [];
  const hashes: MemberHash[] = [];
  const separators: SeparatorBytes[] = [];
  for (const member of manifest.members) {
    const md5 = md5OfEtag(member.etag);
    if (md5 !== undefined) {
      const entry: MemberHash = {
        key: member.key,
        expected: md5,
        size: member.size,
        hash: undefined,
        actual: undefined,
        taken: 0,
      };
      hashes.push(entry);
      taps.push({
        start: member.offset,
        end: member.offset + member.size,
        take: (bytes) => {
          entry.hash ??= createHash('md5');
          entry.hash.update(bytes);
          entry.taken += bytes.length;
          if (entry.taken === entry.size) {
            entry.actual = entry.hash.digest('hex');
            entry.hash = undefined;
          }
        },
      });
    }
    if (member.separator > 0) {
      const expected =
        manifest.encoding === 'gzip' || (manifest.encoding === null && member.separator > 1)
          ? 'gzip-newline'
          : 'newline';
      const entry: SeparatorBytes = { key: member.key, expected, size: member.separator, chunks: [] };
      separators.push(entry);
      const start = member.offset + member.size;
      taps.push({
        start,
        end: start + member.separator,
        take: (bytes) => entry.chunks.push(Buffer.from(bytes)),
      });
    }
  }
  return { taps, hashes, separators };
}

interface RolledHash {
  readonly output: string;
  readonly expected: string;
  readonly hash: Hash;
}

/**
 * A month manifest's `rolledUp` records: each rolled-in output must be exactly a run of whole members
 * of this one (so restore's ranges and the record agree), and its bytes there must still have the
 * SHA-256 its own manifest recorded — what a re-run relies on to tell its leftovers apart.
 */
function rolledUpTaps(manifest: Manifest): { taps: Tap[]; hashes: RolledHash[]; problems: OutputProblem[] } {
  const starts = new Set(manifest.members.map((member) => member.offset));
  const ends = new Set(manifest.members.map((member) => member.offset + member.size + member.separator));
  const size = manifest.output?.size ?? 0;
  const taps: Tap[] = [];
  const hashes: RolledHash[] = [];
  const problems: OutputProblem[] = [];
  for (const record of manifest.rolledUp ?? []) {
    const end = record.offset + record.size;
    if (end > size || !starts.has(record.offset) || !ends.has(end)) {
      problems.push({ kind: 'rolled-up-range', output: record.key });
      continue;
    }
    const entry = { output: record.key, expected: record.sha256, hash: createHash('sha256') };
    hashes.push(entry);
    taps.push({ start: record.offset, end, take: (bytes) => entry.hash.update(bytes) });
  }
  return { taps, hashes, problems };
}

/**
 * Checks one output against its manifest: its size, its SHA-256 (and S3's CRC64NVME where both
 * have one), that the members tile it exactly, that each separator is what it should be, and that
 * each member whose ETag is an MD5 still has those bytes. The output is read once, streaming, pinned
 * to the version HeadObject saw; memory does not grow with its size.
 */
export async function verifyOutput(
  s3: S3Client,
  bucket: string,
  manifestKey: string,
  manifest: Manifest,
  options: VerifyOptions = {},
): Promise<OutputCheck> {
  const outputKey = manifest.output?.key ?? '';
  if (manifest.state === 'pending') {
    return {
      status: 'in-progress',
      outputKey,
      manifestKey,
      since: manifest.pendingSince ?? manifest.updatedAt,
    };
  }
  const output = manifest.output;
  const base = { outputKey, manifestKey, size: output?.size ?? 0, members: manifest.members.length };
  if (output === null)
    return { ...base, status: 'wrong', md5Checked: 0, problems: [{ kind: 'output-missing' }], notes: [] };
  const head = await headObject(s3, bucket, outputKey, options.signal);
  if (!head)
    return { ...base, status: 'wrong', md5Checked: 0, problems: [{ kind: 'output-missing' }], notes: [] };

  const problems: OutputProblem[] = [];
  if (head.size !== output.size) problems.push({ kind: 'size', expected: output.size, actual: head.size });
  if (output.crc64nvme && head.crc64nvme && output.crc64nvme !== head.crc64nvme)
    problems.push({ kind: 'crc64nvme', expected: output.crc64nvme, actual: head.crc64nvme });
  problems.push(...checkMemberLayout(manifest.members, output.size));

  const { taps, hashes, separators } = tapsFor(manifest);
  const rolled = rolledUpTaps(manifest);
  problems.push(...rolled.problems);
  const digestCheck = options.digests
    ? await MemberDigestCheck.prepare(manifest, options.digests)
    : undefined;
  const ranges = new RangeTaps([...taps, ...rolled.taps, ...(digestCheck?.taps(manifest) ?? [])]);
  const sha256 = createHash('sha256');
  try {
    for await (const chunk of readObject(
      s3,
      bucket,
      { key: outputKey, etag: head.etag, size: head.size },
      { signal: options.signal, onBytes: options.onBytes },
    )) {
      sha256.update(chunk);
      ranges.feed(chunk);
      await digestCheck?.ready();
    }
  } catch (error) {
    if (error instanceof ObjectChangedError || error instanceof ObjectGoneError)
      return {
        ...base,
        status: 'wrong',
        md5Checked: 0,
        problems: [{ kind: 'changed-while-reading' }],
        notes: [],
      };
    throw error;
  }
  const actualSha = sha256.digest('hex');
  const shaMatches = actualSha === output.sha256;
  if (!shaMatches) problems.push({ kind: 'sha256', expected: output.sha256, actual: actualSha });

  for (const entry of rolled.hashes) {
    const actual = entry.hash.digest('hex');
    if (actual !== entry.expected)
      problems.push({ kind: 'rolled-up', output: entry.output, expected: entry.expected, actual });
  }

  for (const separator of separators) {
    const bytes = Buffer.concat(separator.chunks);
    if (bytes.length === separator.size && separatorIsRight(bytes, separator.expected)) continue;
    problems.push({ kind: 'separator', member: separator.key, expected: separator.expected });
  }

  // A member cut off by the end of the output is already a layout problem; its MD5 says nothing more.
  const whole = hashes.filter((entry) => entry.taken === entry.size);
  const md5Problems: OutputProblem[] = [];
  for (const entry of whole) {
    const actual = entry.actual ?? EMPTY_MD5;
    if (actual !== entry.expected)
      md5Problems.push({ kind: 'member-md5', member: entry.key, expected: entry.expected, actual });
  }
  const notes: string[] = [];
  // SSE-KMS / SSE-C originals have hex ETags that are not MD5s: then no member matches. With the
  // output's SHA-256 intact, its bytes are those the collapse read from exactly those versions.
  if (shaMatches && md5Problems.length > 0 && md5Problems.length === whole.length) {
    notes.push(
      `no member's ETag is the MD5 of its bytes (originals encrypted with SSE-KMS or SSE-C?); size, SHA-256, offsets and separators checked`,
    );
  } else {
    problems.push(...md5Problems);
  }
  const digests = await digestCheck?.result();
  if (digests) problems.push(...digests.problems);
  return {
    ...base,
    status: problems.length === 0 ? 'ok' : 'wrong',
    md5Checked: notes.length > 0 ? 0 : whole.length,
    ...(manifest.rolledUp?.length ? { rolledUpChecked: rolled.hashes.length } : {}),
    problems,
    notes,
    ...(digests ? { digests: digests.tally } : {}),
  };
}
