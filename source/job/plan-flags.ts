import { UserError } from '../errors.js';
import type { CliOptions } from '../options.js';

/** Flags that only make sense together, checked before anything connects. */
export function checkPlanFlags(options: CliOptions, command: 'plan' | 'run' | undefined): void {
  const refuse = (message: string, fix: string): never => {
    throw new UserError(message, fix);
  };
  if (command === 'plan') {
    if (!options.out)
      refuse(
        'plan needs --out FILE: where to write the plan file.',
        'For example --out plan.json, or --out s3://my-plans/logs/plan.json.',
      );
    for (const [given, flag] of [
      [options.planFile, '--plan'],
      [options.shard, '--shard'],
      [options.period, '--period'],
      [options.maxPeriods, '--max-periods'],
      [options.until, '--until'],
    ] as const)
      if (given !== undefined)
        refuse(
          `${flag} is for running a plan, not for writing one.`,
          `Drop ${flag}; run the plan with s3collapse-tui run --plan FILE ${flag} ….`,
        );
    return;
  }
  for (const [given, flag] of [
    [options.out, '--out'],
    [options.items, '--items'],
    [options.inventory, '--inventory'],
  ] as const)
    if (given !== undefined)
      refuse(
        `${flag} is for writing a plan file.`,
        `Use it with the plan subcommand: s3collapse-tui plan … ${flag} ….`,
      );
  if (!options.planFile) {
    for (const [given, flag] of [
      [options.shard, '--shard'],
      [options.period, '--period'],
    ] as const)
      if (given !== undefined)
        refuse(
          `${flag} picks units of a plan file, and no --plan is given.`,
          'Add --plan FILE (written by s3collapse-tui plan --out FILE).',
        );
    return;
  }
  if (options.shard && options.period)
    refuse('--shard and --period both pick units of the plan file.', 'Give one of them.');
  const fromFile: ReadonlyArray<readonly [unknown, string]> = [
    [options.prefix, '--prefix'],
    [options.layout === 'auto' ? undefined : options.layout, '--layout'],
    [options.keyPattern, '--key-pattern'],
    [options.series, '--series'],
    [options.from, '--from'],
    [options.to, '--to'],
    [options.byGiven ? options.by : undefined, '--by'],
    [options.outPrefix, '--out-prefix'],
    [options.checkDigests ? true : undefined, '--check-digests'],
  ];
  for (const [given, flag] of fromFile)
    if (given !== undefined)
      refuse(
        `${flag} is set by the plan file (${options.planFile}).`,
        `Drop ${flag}, or write a new plan with it: s3collapse-tui plan … ${flag} … --out FILE.`,
      );
}
