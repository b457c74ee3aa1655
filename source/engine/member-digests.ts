import { cloudTrail } from '../layouts/cloudtrail.js';
import type { DigestIndex, DigestProblem } from './cloudtrail-digests.js';
import type { Series } from '../layouts/types.js';
import type { Manifest } from './manifest.js';
import type { Tap } from './member-ranges.js';
import { UncompressedHash } from './uncompressed-hash.js';

/** A member whose uncompressed SHA-256 is not the one its CloudTrail digest lists. */
export interface DigestMismatch {
  readonly kind: 'digest';
  readonly member: string;
  readonly expected: string;
  /** The SHA-256 of what the member's bytes inflate to; null when they do not inflate at all. */
  readonly actual: string | null;
}

/** What checking an output's CloudTrail members against their digests found, beyond mismatches. */
export interface DigestTally {
  /** Members whose uncompressed SHA-256 is the one their digest lists. */
  readonly ok: number;
  /** CloudTrail members no digest in the bucket lists: not checked, and not a failure. */
  readonly unchecked: readonly string[];
  /** Digest files read for the output's period (its days and the day after). */
  readonly digestFiles: number;
  readonly unreadable: readonly DigestProblem[];
}

interface MemberInflate {
  readonly key: string;
  readonly expected: string;
  readonly size: number;
  taken: number;
  /** Made at the member's first byte: one inflater at a time, not one per member. */
  hasher: UncompressedHash | undefined;
  done: Promise<string | null> | undefined;
}

/**
 * Inflates each CloudTrail member's byte range as the output streams by and hashes what comes out,
 * to compare with the SHA-256 CloudTrail signed in its digest. Only members with a digest entry are
 * inflated. Feed the taps to `RangeTaps`, await `ready()` after each chunk (the inflater's
 * backpressure), then `result()` once the output has streamed.
 */
export class MemberDigestCheck {
  private waiting: Promise<unknown> | undefined;

  private constructor(
    private readonly members: readonly MemberInflate[],
    private readonly unchecked: readonly string[],
    private readonly digestFiles: number,
    private readonly unreadable: readonly DigestProblem[],
  ) {}

  /** Undefined for an output that holds no CloudTrail log files. */
  static async prepare(manifest: Manifest, index: DigestIndex): Promise<MemberDigestCheck | undefined> {
    if (manifest.layout !== 'cloudtrail') return undefined;
    const period = { start: new Date(manifest.period.start), end: new Date(manifest.period.end) };
    const bySeries = new Map<string, Series>();
    const parsed = manifest.members.map((member) => ({ member, key: cloudTrail.parse(member.key) }));
    for (const { key } of parsed) if (key) bySeries.set(key.series.base, key.series);
    if (bySeries.size === 0) return undefined;
    const lookups = await Promise.all([...bySeries.values()].map((series) => index.lookup(series, period)));
    const hashes = new Map(lookups.flatMap((lookup) => [...lookup.hashes]));
    const members: MemberInflate[] = [];
    const unchecked: string[] = [];
    for (const { member, key } of parsed) {
      if (!key) continue;
      const expected = hashes.get(member.key);
      if (expected === undefined) {
        unchecked.push(member.key);
        continue;
      }
      members.push({
        key: member.key,
        expected,
        size: member.size,
        taken: 0,
        hasher: undefined,
        done: undefined,
      });
    }
    return new MemberDigestCheck(
      members,
      unchecked,
      lookups.reduce((total, lookup) => total + lookup.digests, 0),
      lookups.flatMap((lookup) => lookup.unreadable),
    );
  }

  taps(manifest: Manifest): Tap[] {
    const offsets = new Map(manifest.members.map((member) => [member.key, member.offset]));
    return this.members.map((entry) => {
      const start = offsets.get(entry.key) ?? 0;
      return { start, end: start + entry.size, take: (bytes) => this.take(entry, bytes) };
    });
  }

  private take(entry: MemberInflate, bytes: Buffer): void {
    entry.hasher ??= new UncompressedHash();
    entry.taken += bytes.length;
    // RangeTaps hands out views into the streamed chunk: the hasher copies what it keeps.
    this.waiting = entry.hasher.write(bytes);
    if (entry.taken === entry.size) entry.done = entry.hasher.end();
  }

  /** Resolves once the inflater in use can take more. */
  async ready(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) await waiting;
  }

  /** After the whole output streamed: each whole member's verdict. A member cut short is a layout problem already. */
  async result(): Promise<{ problems: DigestMismatch[]; tally: DigestTally }> {
    const problems: DigestMismatch[] = [];
    let ok = 0;
    for (const entry of this.members) {
      if (entry.taken !== entry.size) {
        void entry.hasher?.end();
        continue;
      }
      // An empty member never reached a tap: it inflates to nothing.
      const actual = entry.done ? await entry.done : await emptyGzipHash();
      if (actual === entry.expected) ok += 1;
      else problems.push({ kind: 'digest', member: entry.key, expected: entry.expected, actual });
    }
    return {
      problems,
      tally: { ok, unchecked: this.unchecked, digestFiles: this.digestFiles, unreadable: this.unreadable },
    };
  }
}

/** A zero-byte object is not gzip: it can never match a digest's hash of a real log file. */
const emptyGzipHash = async (): Promise<string | null> => null;
