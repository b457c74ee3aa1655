import { confirm, select } from '@inquirer/prompts';
import type { EngineContext } from '../engine/types.js';
import { UserError } from '../errors.js';
import { formatCount, table } from '../format.js';
import { chooseCandidate, type DetectionCandidate } from '../layouts/detect.js';
import { layoutById } from '../layouts/index.js';
import { periodLabel, periodOf } from '../periods.js';
import { detectIn, type LayoutChoice } from '../job/collapse-job.js';
import { keyAnatomy } from '../job/key-anatomy.js';
import type { Asking } from './questions.js';

function teach({ say, face }: Asking, candidate: DetectionCandidate): void {
  const layout = layoutById(candidate.layout);
  const { parsed } = candidate.sample;
  say('How these keys are built');
  for (const block of keyAnatomy(parsed.fields, (face.stdout.columns || 80) - 4)) {
    for (const line of [block.key, block.braces, ...block.labels]) say(`  ${line}`);
  }
  say(layout.writtenBy);
  const day = periodOf(parsed.time, 'day');
  say(
    `Everything logged on ${periodLabel(day)} has keys starting ${layout.listingPrefix(parsed.series, day)}`,
  );
}

/**
 * Step 3: what is in the bucket. A sample is scored, one sample key is drawn apart, and several
 * candidates become a choice.
 */
export async function askLayout(asking: Asking, ctx: EngineContext): Promise<LayoutChoice> {
  const { face, prompt, say } = asking;
  const where = `s3://${ctx.bucket}/${face.options.prefix ?? ''}`;
  say(`Sampling keys in ${where}…`);
  const detection = await detectIn(ctx, face.options, face.controller.signal);
  // No candidate: the same explanation, with sample keys, as a non-interactive run gives.
  if (detection.candidates.length === 0) chooseCandidate(detection, where);
  const rows = table(
    [
      ...detection.candidates.map((candidate) => [
        `✔ ${candidate.title}`,
        `under ${candidate.root || '(bucket root)'}`,
        `${formatCount(candidate.matched)} keys`,
      ]),
      ['  other objects (never read, never deleted)', '', formatCount(detection.other)],
    ],
    [2],
  );
  say(`Sampled ${formatCount(detection.sampled)} keys`);
  for (const row of rows) say(`  ${row}`);
  say();

  const [first, ...rest] = detection.candidates;
  let candidate = first!;
  if (rest.length === 0) {
    teach(asking, candidate);
    const accepted = await confirm(
      {
        message: `Collapse the ${candidate.title} under ${candidate.root || '(bucket root)'}?`,
        default: true,
      },
      prompt,
    );
    if (!accepted) {
      throw new UserError(
        'No layout chosen: nothing was changed.',
        'Point --prefix at the folder that holds the logs, or pick one with --layout.',
      );
    }
  } else {
    candidate = await select(
      {
        message: 'Which logs?',
        choices: detection.candidates.map((one) => ({
          value: one,
          name: `${one.title} under ${one.root || '(bucket root)'}  (${formatCount(one.matched)} keys)`,
          short: `${one.title} under ${one.root || '(bucket root)'}`,
          description: one.sample.key,
        })),
      },
      prompt,
    );
    teach(asking, candidate);
  }
  return { layout: candidate.layout, root: candidate.root };
}
