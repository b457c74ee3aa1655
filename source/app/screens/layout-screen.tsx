import { Box, Text } from 'ink';
import { detectIn } from '../../job/collapse-job.js';
import type { CliOptions } from '../../options.js';
import type { EngineContext } from '../../engine/types.js';
import { UserError } from '../../errors.js';
import { formatCount } from '../../format.js';
import type { DetectionCandidate } from '../../layouts/detect.js';
import { layoutById, SUPPORTED_LAYOUTS } from '../../layouts/index.js';
import { periodOf } from '../../periods.js';
import { Busy } from '../components/busy.js';
import { ErrorLines } from '../components/error-lines.js';
import { Frame } from '../components/frame.js';
import { KeyAnatomy } from '../components/key-anatomy-view.js';
import { cursorReducer } from '../components/list-cursor.js';
import { SelectList } from '../components/select-list.js';
import { colour } from '../components/theme.js';
import { useStore } from '../hooks/use-store.js';
import { useTask } from '../hooks/use-task.js';
import { char, ENTER, ESCAPE, HELP, upOrDown, UP_DOWN, type Binding } from '../key-bindings.js';
import { useKeys } from '../keys.js';
import type { LayoutChoice } from '../state.js';

/** `logs/2026-11-23-`: what every key of the sample's day starts with. */
function dayPrefix(candidate: DetectionCandidate): string {
  const layout = layoutById(candidate.layout);
  return layout.listingPrefix(candidate.sample.parsed.series, periodOf(candidate.sample.parsed.time, 'day'));
}

/** The end of a long key, where the date is: `…/2026/11/22/111122223333_CloudTrail_eu-west-1_20261122T`. */
const elideLeft = (text: string, width: number): string =>
  text.length > width ? `…${text.slice(-(width - 1))}` : text;

function Teaching({ candidate }: { readonly candidate: DetectionCandidate }) {
  const layout = layoutById(candidate.layout);
  const day = candidate.sample.parsed.time.toISOString().slice(0, 10);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>How these keys are built</Text>
      <KeyAnatomy fields={candidate.sample.parsed.fields} />
      <Text>{layout.writtenBy}</Text>
      {`Everything logged on ${day} has keys starting ${dayPrefix(candidate)}`.length <= 78 ? (
        <Text>{`Everything logged on ${day} has keys starting ${dayPrefix(candidate)}`}</Text>
      ) : (
        <>
          <Text>{`Everything logged on ${day} has keys starting`}</Text>
          <Text>{`  ${elideLeft(dayPrefix(candidate), 76)}`}</Text>
        </>
      )}
    </Box>
  );
}

interface LayoutScreenProps {
  readonly ctx: EngineContext;
  /** `--prefix` (where to sample) and `--layout` (which layouts to look for). */
  readonly options: CliOptions;
  readonly onChoose: (choice: LayoutChoice) => void;
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

export function LayoutScreen({ ctx, options, onChoose, onBack, onQuit }: LayoutScreenProps) {
  const task = useTask((signal) => detectIn(ctx, options, signal), [ctx, options]);
  const prefix = options.prefix;
  const [cursor, dispatch, get] = useStore(cursorReducer, 0);
  const detection = task.status === 'done' ? task.value : undefined;
  const candidates = detection?.candidates ?? [];

  const several = candidates.length > 1;
  const keys: Binding[] = [
    {
      ...UP_DOWN,
      does: 'choose a layout',
      help: 'pick one of several layouts found',
      hidden: !several,
      run: (_input, key) => dispatch({ type: 'move', by: upOrDown(key), count: candidates.length }),
    },
    {
      ...ENTER,
      does: 'go on',
      help: 'go on with it; its sample key is drawn apart so you can read any key of this layout',
      run: () => {
        const chosen = candidates[get()];
        if (chosen) onChoose({ layout: chosen.layout, root: chosen.root });
      },
    },
    { ...ESCAPE, does: 'back', run: onBack },
    HELP,
    { ...char('q'), does: 'quit', hidden: true, run: onQuit },
  ];
  useKeys(keys);

  const where = prefix || 'the bucket root';
  const chosen = candidates[cursor];
  return (
    <Frame step="3/7 layout" context={[ctx.bucket]} keys={keys}>
      {task.status === 'running' ? <Busy label={`sampling keys under ${where}…`} /> : null}
      {task.status === 'failed' ? <ErrorLines error={task.error} /> : null}
      {detection ? (
        <>
          <Text>
            Sampled {formatCount(detection.sampled)} keys under {where}
            {several ? `: ${candidates.length} layouts, pick one` : ''}
          </Text>
          <SelectList
            items={candidates}
            cursor={cursor}
            limit={4}
            itemKey={(candidate) => `${candidate.layout}|${candidate.root}`}
            render={(candidate) => (
              <Text>
                <Text color={colour('done')}>✔ </Text>
                {`${candidate.title} in ${candidate.root || '(root)'}`.padEnd(56)}{' '}
                {formatCount(candidate.matched).padStart(7)} keys
              </Text>
            )}
          />
          <Text dimColor>
            {'  '}
            {'other objects (never read, never deleted)'.padEnd(58)}{' '}
            {formatCount(detection.other).padStart(7)}
          </Text>
          {chosen ? (
            <Teaching candidate={chosen} />
          ) : (
            <ErrorLines
              error={
                new UserError(
                  `No known log layout here${detection.otherSamples.length ? ` (e.g. ${detection.otherSamples[0]})` : ': no objects'}.`,
                  `Esc goes back to pick another bucket; supported: ${SUPPORTED_LAYOUTS}.`,
                )
              }
            />
          )}
        </>
      ) : null}
    </Frame>
  );
}
