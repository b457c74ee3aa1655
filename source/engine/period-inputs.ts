import { layoutById } from '../layouts/index.js';
import { Concatenation } from './concatenate.js';
import { MIN_PART_BYTES } from './copy-parts.js';
import type { RunScope } from './run-scope.js';
import type { Encoding } from './separators.js';
import type { HeldMember, Member, PeriodPlan, RolledInput } from './types.js';

/** What a period streams into its output and how: its inputs, their bytes and encoding, the part size. */

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** S3 allows 10,000 parts; a little headroom covers the separators the plan cannot know in advance. */
const MAX_PARTS = 9_000;

/**
 * The part size of an output of about `bytes`: the configured size (larger when the output would
 * otherwise need more parts than S3 allows), evened out over the parts it makes. An output of 10 MiB
 * goes up as two parts of 5 MiB, not 8 and 2: as many requests, and each part buffer filled 5 MiB
 * deep instead of 8. Never under S3's 5 MiB minimum; an output that fits one part keeps the size.
 */
export function partSizeFor(bytes: number, configured: number): number {
  const size = Math.max(configured, Math.ceil(bytes / MAX_PARTS));
  if (bytes <= size) return size;
  return Math.max(MIN_PART_BYTES, Math.ceil(bytes / Math.ceil(bytes / size)));
}

export const rollInOf = (period: PeriodPlan): readonly RolledInput[] => period.rollIn ?? [];

/** The members a partly held input still gives, each read by its range of that input. */
const heldMembersOf = (input: RolledInput): HeldMember[] =>
  (input.take ?? []).map(({ key, size, etag, lastModified, offset, sha256Uncompressed }) => ({
    key,
    size,
    etag,
    lastModified,
    within: { key: input.output.key, etag: input.output.etag, offset },
    ...(sha256Uncompressed ? { sha256Uncompressed } : {}),
  }));

/**
 * What is streamed after the committed bytes, in key order: the new originals, the rolled-in outputs,
 * and the members read out of partly held ones.
 */
export function inputsOf(period: PeriodPlan): readonly Member[] {
  const rolled = rollInOf(period).flatMap((input) => (input.take ? heldMembersOf(input) : [input.output]));
  if (rolled.length === 0) return period.incoming;
  return [...period.incoming, ...rolled].sort((a, b) =>
    Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)),
  );
}

export const expectedBytes = (period: PeriodPlan): number =>
  (period.committed?.output?.size ?? 0) + sum(inputsOf(period).map((member) => member.size));

/** What every input must be: what the output already holds, else what AWS writes for the layout. */
function expectedEncoding(scope: RunScope, period: PeriodPlan): { is: Encoding; because: string } {
  const committed = period.committed?.encoding;
  if (committed)
    return { is: committed, because: `${period.outputKey}, which it would be appended to, is ${committed}` };
  const layout = layoutById(scope.plan.layout);
  return {
    is: layout.encoding,
    because: `${layout.title} are ${layout.encoding === 'gzip' ? 'gzip-compressed' : 'plain text'} as AWS writes them`,
  };
}

export function concatenationFor(scope: RunScope, period: PeriodPlan): Concatenation {
  const committedOutput = period.committed?.output ?? null;
  return new Concatenation({
    s3: scope.ctx.s3,
    bucket: scope.ctx.bucket,
    prefix:
      committedOutput && period.currentOutput
        ? {
            key: period.outputKey,
            etag: period.currentOutput.etag,
            size: committedOutput.size,
            sha256: committedOutput.sha256,
          }
        : null,
    members: inputsOf(period),
    rolled: new Map(
      rollInOf(period)
        .filter((input) => !input.take)
        .map((input) => [input.output.key, input]),
    ),
    digests: period.digests,
    encoding: expectedEncoding(scope, period),
    fetch: {
      concurrency: scope.options.downloadConcurrency,
      pieceSize: scope.options.partSize,
      budget: scope.budget.bytesAhead,
      pieceBuffers: scope.budget.pieces,
    },
    gets: scope.budget.gets,
    signal: scope.signal,
    gateFor: (key) => scope.gates.forKey(key),
    onDownloaded: (bytes) => scope.emit({ type: 'bytes-downloaded', periodId: period.id, bytes }),
    onConcatenated: (bytes) => scope.emit({ type: 'bytes-concatenated', periodId: period.id, bytes }),
  });
}
