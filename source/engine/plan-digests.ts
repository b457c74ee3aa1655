import type { PeriodDiff } from './plan-diff.js';
import type { Member } from './types.js';

/** A period's diff with `--check-digests`: only keys a CloudTrail digest vouches for are inputs. */
export interface DigestSplit {
  readonly diff: PeriodDiff;
  /** Key → the uncompressed SHA-256 its digest lists, for each incoming key. */
  readonly digests: ReadonlyMap<string, string>;
  /** Keys no digest lists yet: neither collapsed nor deleted by this run ("waiting for its digest"). */
  readonly waiting: readonly Member[];
}

/**
 * Keeps the incoming keys some digest lists and sets the others aside. CloudTrail digests a log file
 * within about an hour of delivering it; a key without one may be a file nobody can vouch for yet, so
 * it stays in place until a later run finds its digest. Already-collapsed keys are unaffected (their
 * bytes are in a verified output). Pure: the planner passes in what the digests say.
 */
export function splitByDigest(diff: PeriodDiff, hashes: ReadonlyMap<string, string>): DigestSplit {
  const digests = new Map<string, string>();
  if (diff.status === 'failed') return { diff, digests, waiting: [] };
  const incoming: Member[] = [];
  const waiting: Member[] = [];
  for (const member of diff.incoming) {
    const hash = hashes.get(member.key);
    if (hash === undefined) {
      waiting.push(member);
      continue;
    }
    incoming.push(member);
    digests.set(member.key, hash);
  }
  if (waiting.length === 0) return { diff, digests, waiting };
  let status = diff.status;
  if (incoming.length === 0 && status === 'planned') {
    // A pending manifest over a verified output still needs finishing, with nothing new in it; a
    // pending first run with every input waiting is left for the run that finds their digests.
    if (diff.manifest?.state === 'pending') status = diff.committed ? 'planned' : 'skipped';
    else status = diff.committed ? 'already-collapsed' : 'skipped';
  }
  return { diff: { ...diff, incoming, status }, digests, waiting };
}
