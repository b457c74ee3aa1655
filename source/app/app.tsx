import { useApp, type Key } from 'ink';
import { useCallback, useMemo } from 'react';
import type { ConnectionOptions } from '../aws/s3-client.js';
import { ExitCode } from '../exit-code.js';
import { counted } from '../format.js';
import {
  repeatAnswers,
  runOptionsFor,
  type JobAnswers,
  type JobOutcome,
  type JobPlan,
} from '../job/collapse-job.js';
import type { FaceContext } from '../job/face.js';
import { repeatCommand } from '../job/repeat-command.js';
import type { LayoutId } from '../layouts/index.js';
import { periodLabel, type Period } from '../periods.js';
import { CTRL_C, HELP, runKey, type Binding } from './key-bindings.js';
import { KeyRouter } from './keys.js';
import { useBucketConnection } from './hooks/use-bucket-connection.js';
import { usePlanning } from './hooks/use-planning.js';
import { useStore } from './hooks/use-store.js';
import { useTask } from './hooks/use-task.js';
import { initialDraft } from './range.js';
import { BucketScreen } from './screens/bucket-screen.js';
import { ConfirmScreen } from './screens/confirm-screen.js';
import { ConnectingScreen } from './screens/connecting-screen.js';
import { HelpScreen } from './screens/help-screen.js';
import { LayoutScreen } from './screens/layout-screen.js';
import { PreviewScreen } from './screens/preview-screen.js';
import { ProfileScreen } from './screens/profile-screen.js';
import { RangeScreen } from './screens/range-screen.js';
import { RunScreen } from './screens/run-screen.js';
import { SeriesScreen } from './screens/series-screen.js';
import { SummaryScreen } from './screens/summary-screen.js';
import { appReducer, initialState, type AppState, type Intent, type RangeChoice } from './state.js';

/** Layout names short enough for the title line. */
const SHORT_LAYOUT_NAMES: Readonly<Record<LayoutId, string>> = {
  's3-access-simple': 'S3 access logs',
  's3-access-partitioned': 'S3 access logs (partitioned)',
  cloudtrail: 'CloudTrail',
  elb: 'Load balancer logs',
  'elb-classic': 'Classic ELB logs',
  'vpc-flow': 'VPC Flow Logs',
  'vpc-flow-hive': 'VPC Flow Logs (Hive)',
  cloudfront: 'CloudFront logs',
  redshift: 'Redshift audit logs',
  waf: 'WAF logs',
  'key-pattern': 'Your key pattern',
};

export interface AppProps {
  readonly context: FaceContext;
  /** Told the exit code as the app ends (`waitUntilExit()` resolves with it too). */
  readonly onExit?: ((code: ExitCode) => void) | undefined;
}

/** The run's answers once every step up to the range is answered. */
function jobAnswersOf(
  connection: ConnectionOptions,
  state: Pick<AppState, 'bucket' | 'layout' | 'range' | 'periods' | 'seriesBases'>,
  options: FaceContext['options'],
): JobAnswers | undefined {
  const { bucket, layout, range, periods } = state;
  if (!bucket || !layout || !range || !periods?.length) return undefined;
  return {
    connection,
    bucket,
    layout,
    seriesBases: state.seriesBases ?? options.series,
    // The periods the run covers: an unfinished one at the end of the range is left out, so is it here.
    range: {
      by: range.by,
      periods,
      from: periodLabel(periods[0]!),
      to: periodLabel(periods.at(-1)!),
    },
  };
}

export function App({ context, onExit }: AppProps) {
  const { exit } = useApp();
  const { options } = context;
  const [state, dispatch, get] = useStore<AppState, Intent>(appReducer, () =>
    initialState(options, context.demo !== undefined),
  );

  const finish = useCallback(
    (code: ExitCode) => {
      onExit?.(code);
      exit(code);
    },
    [exit, onExit],
  );
  const back = useCallback(() => dispatch({ type: 'back' }), [dispatch]);
  const quit = useCallback(() => finish(ExitCode.BadInput), [finish]);

  const connection: ConnectionOptions = useMemo(
    () =>
      context.demo
        ? context.connection
        : { ...context.connection, profile: state.profile?.name ?? context.connection.profile },
    [context.connection, context.demo, state.profile],
  );
  const needsBucket = state.step !== 'profile' && state.step !== 'bucket';
  const connected = useBucketConnection(connection, needsBucket ? state.bucket : undefined, context.now);
  // Read beside detection; by the confirmation it has long been answered.
  const versioning = useTask(
    () => (connected?.status === 'done' ? connected.value.versioned : undefined),
    [connected],
  );

  // The run's own keys take ctrl-c: there it asks before it stops anything.
  const onGlobalKey = useCallback(
    (input: string, key: Key): boolean => {
      if (get().step === 'run') return false;
      const keys: Binding[] = [
        {
          ...CTRL_C,
          does: 'quit',
          run: () => {
            const now = get();
            finish(now.step === 'summary' && now.outcome ? now.outcome.exitCode : ExitCode.Interrupted);
          },
        },
        { ...HELP, run: () => dispatch({ type: 'toggle-help' }) },
      ];
      return runKey(keys, input, key);
    },
    [get, finish, dispatch],
  );

  const onPlanned = useCallback((plan: JobPlan) => dispatch({ type: 'planned', plan }), [dispatch]);
  const onPlanFailed = useCallback((error: unknown) => dispatch({ type: 'plan-failed', error }), [dispatch]);
  const onFinished = useCallback(
    (outcome: JobOutcome) => dispatch({ type: 'finished', outcome }),
    [dispatch],
  );
  const onRunFailed = useCallback(() => finish(ExitCode.Unfinished), [finish]);

  // Only the answers themselves: a new plan (or its failure) must not start another listing.
  const { bucket, layout, range, periods, seriesBases } = state;
  const answers = useMemo(
    () => jobAnswersOf(connection, { bucket, layout, range, periods, seriesBases }, options),
    [connection, bucket, layout, range, periods, seriesBases, options],
  );
  const repeat = useMemo(() => (answers ? repeatAnswers(context, answers) : undefined), [answers, context]);
  const ctx = connected?.status === 'done' ? connected.value.ctx : undefined;
  const planning = state.step === 'preview' && !state.plan && state.planError === undefined;
  usePlanning(planning ? ctx : undefined, planning ? answers : undefined, options, onPlanned, onPlanFailed);
  const runOptions = useMemo(() => runOptionsFor(options, context.version), [options, context.version]);

  return <KeyRouter onKey={onGlobalKey}>{screenFor()}</KeyRouter>;

  function screenFor() {
    if (state.help) return <HelpScreen onClose={back} />;

    const profileLabel = state.profile
      ? `${state.profile.label}${state.profile.account ? ` (${state.profile.account})` : ''}`
      : undefined;
    const layoutTitle = state.layout ? SHORT_LAYOUT_NAMES[state.layout.layout] : undefined;

    switch (state.step) {
      case 'profile':
        return (
          <ProfileScreen
            connection={context.connection}
            demo={context.demo !== undefined}
            onChoose={(profile) => dispatch({ type: 'choose-profile', profile })}
            onQuit={quit}
          />
        );
      case 'bucket':
        return (
          <BucketScreen
            connection={connection}
            profileLabel={profileLabel}
            onChoose={(bucket) => dispatch({ type: 'choose-bucket', bucket })}
            onBack={back}
          />
        );
      case 'summary':
        return state.outcome && repeat ? (
          <SummaryScreen
            outcome={state.outcome}
            repeat={repeat}
            onQuit={() => finish(state.outcome!.exitCode)}
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
            options={options}
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
            onChoose={(range: RangeChoice, periods: readonly Period[], openPeriods: readonly Period[]) =>
              dispatch({ type: 'choose-range', range, periods, openPeriods })
            }
            onBack={back}
            onQuit={quit}
          />
        );
      case 'preview':
        return answers && repeat ? (
          <PreviewScreen
            planned={state.plan}
            error={state.planError}
            periods={answers.range.periods.length}
            open={state.openPeriods ?? []}
            dryRun={options.dryRun}
            command={repeatCommand(repeat, ['--dry-run'])}
            context={[ctx.bucket, `by ${answers.range.by}`, counted(answers.range.periods.length, 'period')]}
            onContinue={() => dispatch({ type: 'continue' })}
            onStop={() => finish(ExitCode.Done)}
            onBack={back}
            onQuit={quit}
          />
        ) : null;
      case 'confirm':
        return state.plan ? (
          <ConfirmScreen
            planned={state.plan}
            options={options}
            versioned={versioning.status === 'done' ? versioning.value : undefined}
            onConfirm={() => dispatch({ type: 'confirmed' })}
            onBack={back}
          />
        ) : null;
      case 'run':
        return state.plan ? (
          <RunScreen
            ctx={ctx}
            plan={state.plan.plan}
            options={runOptions}
            controller={context.controller}
            onFinished={onFinished}
            onFailed={onRunFailed}
          />
        ) : null;
      default:
        return null;
    }
  }
}
