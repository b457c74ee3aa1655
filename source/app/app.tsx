import { useApp, type Key } from 'ink';
import { useCallback, useMemo } from 'react';
import type { ConnectionOptions } from '../aws/s3-client.js';
import { exitCodeOf } from '../engine/run.js';
import type { Plan, RunResult } from '../engine/types.js';
import { runOptionsFrom } from '../batch/run-batch.js';
import { counted, formatCount } from '../format.js';
import type { FaceContext } from '../job/face.js';
import type { RunAnswers } from '../job/repeat-command.js';
import { repeatCommand } from '../job/repeat-command.js';
import type { LayoutId } from '../layouts/index.js';
import { periodLabel, type Period } from '../periods.js';
import { KeyRouter } from './keys.js';
import { useBucketConnection } from './hooks/use-bucket-connection.js';
import { useStore } from './hooks/use-store.js';
import { initialDraft } from './range.js';
import { BucketScreen } from './screens/bucket-screen.js';
import { ConfirmScreen } from './screens/confirm-screen.js';
import { ConnectingScreen } from './screens/connecting-screen.js';
import { HelpScreen } from './screens/help-screen.js';
import { LayoutScreen } from './screens/layout-screen.js';
import { PreviewScreen, type PlanInput } from './screens/preview-screen.js';
import { ProfileScreen } from './screens/profile-screen.js';
import { RangeScreen } from './screens/range-screen.js';
import { RunScreen } from './screens/run-screen.js';
import { SeriesScreen } from './screens/series-screen.js';
import { SummaryScreen } from './screens/summary-screen.js';
import { appReducer, initialState, type AppState, type Intent, type RangeChoice } from './state.js';

/** Exit codes: 0 done, 1 a period failed, 2 quit before running (or bad input), 130 interrupted. */
export const EXIT_QUIT = 2;
export const EXIT_INTERRUPTED = 130;

/** Layout names short enough for the title line. */
const SHORT_LAYOUT_NAMES: Readonly<Record<LayoutId, string>> = {
  's3-access-simple': 'S3 access logs',
  's3-access-partitioned': 'S3 access logs (partitioned)',
  cloudtrail: 'CloudTrail',
};

export interface AppProps {
  readonly context: FaceContext;
  /** Called once with the exit code, just before the app unmounts. */
  readonly onExit?: ((code: number) => void) | undefined;
}

function answersOf(context: FaceContext, state: AppState): RunAnswers | undefined {
  const { options } = context;
  if (!state.bucket || !state.layout || !state.range) return undefined;
  return {
    profile: context.demo ? undefined : state.profile?.name,
    region: options.region,
    endpoint: options.endpoint,
    bucket: state.bucket,
    prefix: state.layout.root,
    layout: state.layout.layout,
    series: state.seriesBases ?? options.series,
    // The periods the run covers: an unfinished one at the end of the range is left out, so is it here.
    from: state.periods?.[0] ? periodLabel(state.periods[0]) : state.range.from,
    to: state.periods?.at(-1) ? periodLabel(state.periods.at(-1)!) : state.range.to,
    by: state.range.by,
    outPrefix: options.outPrefix,
    includeOpen: options.includeOpen || undefined,
    demo: context.demo !== undefined || undefined,
  };
}

export function App({ context, onExit }: AppProps) {
  const { exit } = useApp();
  const { options } = context;
  const [state, dispatch, get] = useStore<AppState, Intent>(appReducer, () =>
    initialState(options, context.demo !== undefined),
  );

  const finish = useCallback(
    (code: number) => {
      onExit?.(code);
      exit(code);
    },
    [exit, onExit],
  );
  const back = useCallback(() => dispatch({ type: 'back' }), [dispatch]);
  const quit = useCallback(() => finish(EXIT_QUIT), [finish]);

  const connection: ConnectionOptions = useMemo(
    () =>
      context.demo
        ? context.connection
        : { ...context.connection, profile: state.profile?.name ?? context.connection.profile },
    [context.connection, context.demo, state.profile],
  );
  const needsBucket = state.step !== 'profile' && state.step !== 'bucket';
  const connected = useBucketConnection(connection, needsBucket ? state.bucket : undefined, context.now);

  const onGlobalKey = useCallback(
    (input: string, key: Key): boolean => {
      const now = get();
      if (now.step === 'run') return false;
      if (key.ctrl && input === 'c') {
        finish(now.step === 'summary' && now.result ? exitCodeOf(now.result) : EXIT_INTERRUPTED);
        return true;
      }
      if (input === '?') {
        dispatch({ type: 'toggle-help' });
        return true;
      }
      return false;
    },
    [get, finish, dispatch],
  );

  const onPlanned = useCallback((plan: Plan) => dispatch({ type: 'planned', plan }), [dispatch]);
  const onFinished = useCallback((result: RunResult) => dispatch({ type: 'finished', result }), [dispatch]);
  const onRunFailed = useCallback(() => finish(1), [finish]);

  const planInput: PlanInput | undefined = useMemo(
    () =>
      state.layout && state.range && state.periods
        ? {
            layout: state.layout.layout,
            root: state.layout.root,
            by: state.range.by,
            periods: state.periods,
            open: state.openPeriods ?? [],
            seriesBases: state.seriesBases ?? options.series,
            outPrefix: options.outPrefix,
          }
        : undefined,
    [
      state.layout,
      state.range,
      state.periods,
      state.openPeriods,
      state.seriesBases,
      options.outPrefix,
      options.series,
    ],
  );
  const runOptions = useMemo(() => runOptionsFrom(options, context.version), [options, context.version]);

  return <KeyRouter onKey={onGlobalKey}>{screenFor()}</KeyRouter>;

  function screenFor() {
    if (state.help) return <HelpScreen step={state.step} onClose={back} />;

    const active = !state.help;
    const profileLabel = state.profile
      ? `${state.profile.label}${state.profile.account ? ` (${state.profile.account})` : ''}`
      : undefined;
    const layoutTitle = state.layout ? SHORT_LAYOUT_NAMES[state.layout.layout] : undefined;
    const answers = answersOf(context, state);

    switch (state.step) {
      case 'profile':
        return (
          <ProfileScreen
            connection={context.connection}
            demo={context.demo !== undefined}
            active={active}
            onChoose={(profile) => dispatch({ type: 'choose-profile', profile })}
            onQuit={quit}
          />
        );
      case 'bucket':
        return (
          <BucketScreen
            connection={connection}
            profileLabel={profileLabel}
            active={active}
            onChoose={(bucket) => dispatch({ type: 'choose-bucket', bucket })}
            onBack={back}
          />
        );
      case 'summary':
        return state.result && answers ? (
          <SummaryScreen
            result={state.result}
            answers={answers}
            exitCode={exitCodeOf(state.result)}
            active={active}
            onQuit={() => finish(exitCodeOf(state.result!))}
          />
        ) : null;
      default:
        break;
    }

    // Every later step works in the opened bucket.
    if (!connected || connected.status !== 'done') {
      return (
        <ConnectingScreen
          bucket={state.bucket ?? ''}
          step={state.step}
          error={connected?.status === 'failed' ? connected.error : undefined}
          onBack={back}
          onQuit={quit}
        />
      );
    }
    const { ctx } = connected.value;
    switch (state.step) {
      case 'layout':
        return (
          <LayoutScreen
            ctx={ctx}
            prefix={options.prefix}
            layoutChoice={options.layout}
            active={active}
            onChoose={(layout) => dispatch({ type: 'choose-layout', layout })}
            onBack={back}
            onQuit={quit}
          />
        );
      case 'series':
        return state.layout ? (
          <SeriesScreen
            ctx={ctx}
            layout={state.layout}
            active={active}
            onChoose={(bases) => dispatch({ type: 'choose-series', bases })}
            onBack={back}
            onQuit={quit}
          />
        ) : null;
      case 'range':
        return (
          <RangeScreen
            initial={{
              ...initialDraft(
                state.range ?? { from: options.from, to: options.to, by: options.by },
                context.now(),
              ),
              field: 'by',
            }}
            now={context.now()}
            includeOpen={options.includeOpen}
            context={[ctx.bucket, layoutTitle, state.layout?.root]}
            active={active}
            onChoose={(range: RangeChoice, periods: readonly Period[], openPeriods: readonly Period[]) =>
              dispatch({ type: 'choose-range', range, periods, openPeriods })
            }
            onBack={back}
            onQuit={quit}
          />
        );
      case 'preview':
        return planInput && answers ? (
          <PreviewScreen
            ctx={ctx}
            input={planInput}
            plan={state.plan}
            dryRun={options.dryRun}
            command={repeatCommand(answers, ['--dry-run'])}
            context={[ctx.bucket, `by ${planInput.by}`, counted(planInput.periods.length, 'period')]}
            active={active}
            onPlanned={onPlanned}
            onContinue={(plan) => dispatch({ type: 'continue-to-run', plan })}
            onStop={() => finish(0)}
            onBack={back}
            onQuit={quit}
          />
        ) : null;
      case 'confirm':
        return state.plan ? (
          <ConfirmScreen
            plan={state.plan}
            outPrefix={options.outPrefix}
            versioned={connected.value.versioned}
            active={active}
            onConfirm={() => dispatch({ type: 'confirmed' })}
            onBack={back}
          />
        ) : null;
      case 'run':
        return state.plan ? (
          <RunScreen
            ctx={ctx}
            plan={state.plan}
            options={runOptions}
            controller={context.controller}
            active={active}
            onFinished={onFinished}
            onFailed={onRunFailed}
          />
        ) : null;
      default:
        return null;
    }
  }
}
