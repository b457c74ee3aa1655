import type { ManifestMember } from './manifest.js';

/**
 * Where each member's bytes and its separator must sit in an output, as a manifest describes it.
 * Pure: `verifyOutput` checks these against the output's real bytes.
 */

/** A member's layout disagreeing with its neighbours or with the output's size. */
export type LayoutProblem =
  | {
      readonly kind: 'offset';
      readonly member: string;
      /** Where the member must start: 0, or where the one before it (and its separator) ends. */
      readonly expected: number;
      readonly actual: number;
    }
  | {
      readonly kind: 'members-end';
      /** The output's size, where the last member and its separator must end. */
      readonly expected: number;
      readonly actual: number;
    };

/**
 * offset_i + size_i + separator_i = offset_{i+1}; the first starts at 0; the last ends at the output's
 * size. Offsets are checked against the running sum of sizes and separators, so one wrong offset is
 * one problem (a wrong size shows in every offset after it, and in the member's MD5).
 */
export function checkMemberLayout(members: readonly ManifestMember[], outputSize: number): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  let expected = 0;
  for (const member of members) {
    if (member.offset !== expected)
      problems.push({ kind: 'offset', member: member.key, expected, actual: member.offset });
    expected += member.size + member.separator;
  }
  if (expected !== outputSize) problems.push({ kind: 'members-end', expected: outputSize, actual: expected });
  return problems;
}

/**
 * S3's ETag is the MD5 of the bytes only for objects written in one PutObject (or copy) and stored
 * plaintext or with SSE-S3; multipart ETags carry `-<parts>` and SSE-KMS / SSE-C ETags are no MD5 at
 * all (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html, "ETag"). Returns the hex MD5
 * an ETag claims to be, or undefined when it cannot be one.
 */
export function md5OfEtag(etag: string): string | undefined {
  const bare = etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return /^[0-9a-f]{32}$/i.test(bare) ? bare.toLowerCase() : undefined;
}

/** A half-open byte range of the output and what to do with the bytes that fall in it. */
export interface Tap {
  readonly start: number;
  readonly end: number;
  readonly take: (bytes: Buffer) => void;
}

/**
 * Hands each tap exactly the bytes of its range as the output streams by, whatever the chunking; taps
 * may overlap (a wrong manifest). Only taps in reach are held, so memory follows the overlap, not the
 * number of members.
 */
export class RangeTaps {
  private readonly taps: Tap[];
  private next = 0;
  private active: Tap[] = [];
  private position = 0;

  constructor(taps: readonly Tap[]) {
    this.taps = [...taps].filter((tap) => tap.end > tap.start).sort((a, b) => a.start - b.start);
  }

  feed(chunk: Buffer): void {
    const from = this.position;
    const to = from + chunk.length;
    while (this.next < this.taps.length && this.taps[this.next]!.start < to) {
      this.active.push(this.taps[this.next]!);
      this.next += 1;
    }
    for (const tap of this.active) {
      const start = Math.max(tap.start, from);
      const end = Math.min(tap.end, to);
      if (end > start) tap.take(chunk.subarray(start - from, end - from));
    }
    this.active = this.active.filter((tap) => tap.end > to);
    this.position = to;
  }
}
