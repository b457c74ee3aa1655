import { detectLayouts } from '../engine/detect-bucket.js';
import { UserError } from '../errors.js';
import { ExitCode } from '../exit-code.js';
import { explainKey, type KeyExplanation } from '../job/explain-key.js';
import { LAYOUT_CHOICES, LAYOUTS, layoutsForChoice, type Layout } from '../layouts/index.js';
import { keyPatternLayout, PATTERN_HELP } from '../layouts/user-pattern.js';
import { keyPrefix } from '../options/values.js';
import type { Command, CommandContext } from './command.js';
import {
  checkFlag,
  commandHelpRow,
  CONNECTION_HELP,
  openConnection,
  parseCommandArgs,
} from './connection-flags.js';
import { explanationLines, sampleHeading, type BucketSample } from './explain-text.js';

/** The JSON `explain --json` prints; a contract for scripts like the run document. */
export const EXPLAIN_FORMAT = 's3collapse-explain/1';

export interface ExplainDocument {
  readonly format: typeof EXPLAIN_FORMAT;
  /** With --bucket: where the sample came from and what it held. */
  readonly sample?: BucketSample;
  readonly explanations: readonly KeyExplanation[];
}

const OWN_FLAGS = {
  layout: { type: 'string' },
  'key-pattern': { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const EXPLAIN_HELP = [
  's3collapse-tui explain — how a log key is built, and what a run would do to it',
  'Usage: s3collapse-tui explain KEY…                     offline: nothing is read\n' +
    '       s3collapse-tui explain --bucket B [--prefix P]  samples the bucket, explains a key of each layout found',
  'Shows the key drawn apart into its fields, its layout and who writes it, its hour, day and month (UTC)\n' +
    'with the output each would go to, and whether a run would ever touch it — and why not: CloudTrail\n' +
    'digest and Insights files, the ELB test file, this tool’s own outputs and manifests, keys of a period\n' +
    'not over yet, and keys no layout claims.',
  [
    'Options',
    commandHelpRow(
      '--layout NAME',
      `only this layout may claim the key: ${Object.keys(LAYOUT_CHOICES).join(' | ')}`,
    ),
    commandHelpRow(
      '--key-pattern PATTERN',
      "your own layout, e.g. 'app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log'",
    ),
    commandHelpRow('--prefix PREFIX', 'with --bucket: sample only under PREFIX'),
    commandHelpRow('--json', `print one JSON document (format ${EXPLAIN_FORMAT})`),
    CONNECTION_HELP,
  ].join('\n'),
  `Key patterns: ${PATTERN_HELP}\n` +
    'The fixed text before the first field or wildcard is the prefix. Outputs go in the period’s folder:\n' +
    '<folder>/<yyyy-MM-dd>_collapsed<ext> (by hour <yyyy-MM-dd-HH>, by month <yyyy-MM>), <ext> being the\n' +
    'pattern’s fixed ending (.log); when the period’s fields are in the file name, the name up to them is\n' +
    'kept (logs/app-{yyyy}-{MM}-{dd}.log → logs/app-2024-05-01_collapsed.log). Gzip when the pattern ends in .gz.',
  `Exit codes: ${ExitCode.Done} explained (a key no layout claims is an answer, not an error), ` +
    `${ExitCode.BadInput} no key or bad flags.`,
].join('\n\n');

const SEE_HELP = 'See s3collapse-tui explain --help.';

/** `--layout` or `--key-pattern` narrows the layouts that may claim a key; neither: every built-in one. */
function forcedLayouts(values: { layout?: string; 'key-pattern'?: string }): Layout[] | undefined {
  const { layout, 'key-pattern': pattern } = values;
  if (layout !== undefined && pattern !== undefined) {
    throw new UserError('--layout and --key-pattern both name the layout.', `Give one of them. ${SEE_HELP}`);
  }
  if (pattern !== undefined) return [keyPatternLayout(pattern)];
  if (layout === undefined || layout === 'auto') return undefined;
  return layoutsForChoice(layout);
}

function print(context: CommandContext, document: ExplainDocument, json: boolean): void {
  if (json) {
    context.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const width = Math.min(context.stdout.columns ?? 100, 120);
  const blocks = document.explanations.map((explanation) => explanationLines(explanation, width).join('\n'));
  const heading = document.sample
    ? [sampleHeading(document.sample, document.explanations.filter((one) => one.kind === 'log').length)]
    : [];
  context.stdout.write(`${[...heading, ...blocks].join('\n\n')}\n`);
}

/** One sampled key of each layout found (the detection's own sample), and one key none claims. */
async function explainBucket(
  context: CommandContext,
  args: ReturnType<typeof parseArgs>,
  layouts: readonly Layout[] | undefined,
  prefix: string,
): Promise<ExplainDocument> {
  const { ctx } = await openConnection('explain', args.connection, context.now);
  const detection = await detectLayouts(ctx, prefix, layouts ?? LAYOUTS, context.signal);
  const now = context.now();
  const keys = [
    ...detection.candidates.map((candidate) => candidate.sample.key),
    ...detection.otherSamples.slice(0, 1),
  ];
  return {
    format: EXPLAIN_FORMAT,
    sample: { bucket: ctx.bucket, prefix, sampled: detection.sampled, other: detection.other },
    explanations: keys.map((key) => explainKey(key, { layouts, now })),
  };
}

const parseArgs = (argv: readonly string[]) =>
  parseCommandArgs('explain', argv, OWN_FLAGS, { allowPositionals: true });

export const explain: Command = async (context) => {
  const args = parseArgs(context.argv);
  if (args.help) {
    context.stdout.write(`${EXPLAIN_HELP}\n`);
    return ExitCode.Done;
  }
  const { values, positionals } = args;
  const layouts = forcedLayouts(values);
  const prefix = checkFlag('explain', keyPrefix('prefix').optional(), values.prefix);
  const bucket = args.connection.bucket;
  if (bucket !== undefined && positionals.length > 0) {
    throw new UserError(
      'explain takes keys or --bucket, not both.',
      'Explain pasted keys offline (explain KEY…), or sample a bucket (explain --bucket B).',
    );
  }
  if (bucket === undefined && prefix !== undefined) {
    throw new UserError(
      '--prefix is only for explain --bucket.',
      `Pass --bucket B, or drop --prefix. ${SEE_HELP}`,
    );
  }
  if (bucket === undefined && positionals.length === 0) {
    throw new UserError(
      'explain needs a key, or --bucket to sample one.',
      "For example: s3collapse-tui explain 'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C', or explain --bucket my-logs.",
    );
  }
  const document: ExplainDocument =
    bucket !== undefined
      ? await explainBucket(context, args, layouts, prefix ?? '')
      : {
          format: EXPLAIN_FORMAT,
          explanations: positionals.map((key) => explainKey(key, { layouts, now: context.now() })),
        };
  print(context, document, values.json === true);
  return ExitCode.Done;
};
