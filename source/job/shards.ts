import { UserError } from '../errors.js';

/**
 * Shards of a plan file: n disjoint subsets of its units, balanced by bytes. Every process computes
 * the same assignment from the same file, so n processes (an AWS Batch array job, a Kubernetes
 * Indexed Job) split the work with no coordination and no unit done twice.
 */

export interface Shard {
  /** 0-based, as AWS Batch and Kubernetes count. */
  readonly index: number;
  readonly count: number;
}

/** The variables the schedulers set for each array child, in the order they are read. */
export const SHARD_INDEX_ENV = ['AWS_BATCH_JOB_ARRAY_INDEX', 'JOB_COMPLETION_INDEX'] as const;

/**
 * AWS Batch also passes the array's size (https://docs.aws.amazon.com/batch/latest/userguide/job_env_vars.html);
 * a Kubernetes Indexed Job sets only the index, so there N must be given.
 */
const SHARD_COUNT_ENV = 'AWS_BATCH_JOB_ARRAY_SIZE';

const MAX_SHARDS = 10_000;
const SHAPE =
  'Give --shard I/N (0 ≤ I < N, 0-based), or --shard auto (AWS Batch) or auto/N (AWS Batch or a Kubernetes Indexed Job).';

const wholeFrom = (name: string, raw: string): number => {
  if (!/^\d+$/.test(raw))
    throw new UserError(`${name} is ${JSON.stringify(raw)}, not a whole number.`, SHAPE);
  return Number(raw);
};

/** `I/N`; `auto/N` with I from the scheduler's variable; `auto` with N from AWS Batch's too. */
export function parseShard(value: string, env: NodeJS.ProcessEnv): Shard {
  const match = /^(auto|\d+)(?:\/(\d+))?$/.exec(value.trim());
  if (!match || (match[1] !== 'auto' && match[2] === undefined))
    throw new UserError(`--shard ${value} is not I/N.`, SHAPE);
  const batchSize = env[SHARD_COUNT_ENV] ? wholeFrom(SHARD_COUNT_ENV, env[SHARD_COUNT_ENV]) : undefined;
  if (match[2] === undefined && batchSize === undefined)
    throw new UserError(
      `--shard auto reads the number of shards from ${SHARD_COUNT_ENV}, and it is not set (only AWS Batch sets it).`,
      'Give the number of shards: --shard auto/N, with N the completions of the Kubernetes Indexed Job.',
    );
  const count = match[2] !== undefined ? Number(match[2]) : batchSize!;
  if (count < 1 || count > MAX_SHARDS)
    throw new UserError(`--shard ${value}: N must be 1 to ${MAX_SHARDS}.`, SHAPE);
  if (match[1] !== 'auto') {
    const index = Number(match[1]);
    if (index >= count)
      throw new UserError(`--shard ${value}: I must be below N (0-based: 0 to ${count - 1}).`, SHAPE);
    return { index, count };
  }
  // A split other than the scheduler's would leave units to no child: refuse it.
  if (batchSize !== undefined && batchSize !== count)
    throw new UserError(
      `--shard ${value} says ${count} shards, but this AWS Batch array job has ${batchSize} children (${SHARD_COUNT_ENV}).`,
      `Make them agree: --shard auto (it reads ${SHARD_COUNT_ENV}), or --shard auto/${batchSize}.`,
    );
  const name = SHARD_INDEX_ENV.find((variable) => env[variable] !== undefined && env[variable] !== '');
  if (!name)
    throw new UserError(
      `--shard ${value} reads the shard from ${SHARD_INDEX_ENV.join(' or ')}, and neither is set.`,
      `Run it as an AWS Batch array job or a Kubernetes Indexed Job, or give the shard: --shard 0/${count}.`,
    );
  const index = wholeFrom(name, env[name]!);
  if (index >= count)
    throw new UserError(
      `${name} is ${index}, but --shard ${value} has shards 0 to ${count - 1}.`,
      `Make N the array size (or the number of completions): --shard auto/${index + 1} or more.`,
    );
  return { index, count };
}

/**
 * Pure: the units of one shard, in the file's order. Largest units first, each to the shard with
 * the fewest bytes so far (then the fewest units, then the lower index; units of equal size by id): within one unit's
 * size of the best balance, and the same on every machine.
 */
export function unitsOfShard<Unit extends { readonly id: string; readonly bytes: number }>(
  units: readonly Unit[],
  shard: Shard,
): Unit[] {
  const loads = new Array<number>(shard.count).fill(0);
  // Ties by the number of units, so units of no bytes (a period to report, not to move) spread too.
  const counts = new Array<number>(shard.count).fill(0);
  const mine = new Set<Unit>();
  const largestFirst = [...units].sort(
    (a, b) => b.bytes - a.bytes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const unit of largestFirst) {
    let lightest = 0;
    for (let index = 1; index < loads.length; index += 1) {
      const fewer =
        loads[index]! < loads[lightest]! ||
        (loads[index] === loads[lightest] && counts[index]! < counts[lightest]!);
      if (fewer) lightest = index;
    }
    loads[lightest] = loads[lightest]! + unit.bytes;
    counts[lightest] = counts[lightest]! + 1;
    if (lightest === shard.index) mine.add(unit);
  }
  return units.filter((unit) => mine.has(unit));
}
