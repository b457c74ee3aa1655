import { layoutFromFlags, type JobOutcome, type JobPlan, type LayoutChoice } from '../job/collapse-job.js';
import { layoutById } from '../layouts/index.js';
import type { CliOptions } from '../options.js';
import type { Granularity, Period } from '../periods.js';

/** The screens of the guided flow, in order. `series` belongs to step 3 (CloudTrail only). */
export type Step =
  'profile' | 'bucket' | 'layout' | 'series' | 'range' | 'preview' | 'confirm' | 'run' | 'summary';

export const STEP_NUMBER: Readonly<Record<Step, number>> = {
  profile: 1,
  bucket: 2,
  layout: 3,
  series: 3,
  range: 4,
  preview: 5,
  confirm: 6,
  run: 7,
  summary: 7,
};

export interface ProfileChoice {
  /** The profile to use; undefined is the environment's credential chain (or the demo). */
  readonly name?: string | undefined;
  readonly label: string;
  readonly account?: string | undefined;
}

export type { LayoutChoice };

export interface RangeChoice {
  readonly by: Granularity;
  readonly from: string;
  readonly to: string;
}

export interface AppState {
  readonly step: Step;
  /** Screens seen before this one, for Esc; steps skipped by flags are never in it. */
  readonly history: readonly Step[];
  readonly help: boolean;
  readonly profile?: ProfileChoice | undefined;
  readonly bucket?: string | undefined;
  readonly layout?: LayoutChoice | undefined;
  /** Series chosen by base; undefined means every series found. */
  readonly seriesBases?: readonly string[] | undefined;
  readonly range?: RangeChoice | undefined;
  /** Finished periods of the range: what the plan covers. */
  readonly periods?: readonly Period[] | undefined;
  /** Unfinished periods of the range: shown, never selected. */
  readonly openPeriods?: readonly Period[] | undefined;
  /** The preview's snapshot of the range; the run deletes from it and nothing else. */
  readonly plan?: JobPlan | undefined;
  /** Why the preview could not plan (shown there; Esc goes back). */
  readonly planError?: unknown;
  readonly outcome?: JobOutcome | undefined;
  /** Flags answered these steps: going forward skips them. */
  readonly given: { readonly bucket: boolean; readonly layout: boolean; readonly confirm: boolean };
}

export type Intent =
  | { readonly type: 'choose-profile'; readonly profile: ProfileChoice }
  | { readonly type: 'choose-bucket'; readonly bucket: string }
  | { readonly type: 'choose-layout'; readonly layout: LayoutChoice }
  | { readonly type: 'choose-series'; readonly bases: readonly string[] | undefined }
  | {
      readonly type: 'choose-range';
      readonly range: RangeChoice;
      readonly periods: readonly Period[];
      readonly openPeriods: readonly Period[];
    }
  | { readonly type: 'planned'; readonly plan: JobPlan }
  | { readonly type: 'plan-failed'; readonly error: unknown }
  | { readonly type: 'continue' }
  | { readonly type: 'confirmed' }
  | { readonly type: 'finished'; readonly outcome: JobOutcome }
  | { readonly type: 'back' }
  | { readonly type: 'toggle-help' };

export function initialState(options: CliOptions, demo: boolean): AppState {
  const given = {
    bucket: options.bucket !== undefined,
    layout: layoutFromFlags(options) !== undefined,
    confirm: options.yes,
  };
  const profile: ProfileChoice | undefined =
    options.profile !== undefined && !demo ? { name: options.profile, label: options.profile } : undefined;
  const base: AppState = {
    step: 'profile',
    history: [],
    help: false,
    given,
    profile,
    bucket: options.bucket,
    layout: layoutFromFlags(options),
  };
  return profile ? { ...base, step: afterProfile(base) } : base;
}

function afterProfile(state: AppState): Step {
  return state.given.bucket ? afterBucket(state) : 'bucket';
}

function afterBucket(state: AppState): Step {
  return state.given.layout ? 'range' : 'layout';
}

function go(state: AppState, step: Step, change: Partial<AppState> = {}): AppState {
  return { ...state, ...change, step, history: [...state.history, state.step], help: false };
}

/** Whatever was planned from the earlier answers no longer holds once one of them changes. */
const NO_PLAN = { plan: undefined, planError: undefined } as const;

export function appReducer(state: AppState, intent: Intent): AppState {
  switch (intent.type) {
    case 'choose-profile':
      return go(state, afterProfile(state), { profile: intent.profile });
    case 'choose-bucket':
      // A new bucket invalidates everything found in the old one.
      return go(state, afterBucket(state), {
        bucket: intent.bucket,
        layout: state.given.layout ? state.layout : undefined,
        seriesBases: undefined,
        ...NO_PLAN,
      });
    case 'choose-layout':
      return go(state, layoutById(intent.layout.layout).pickSeries ? 'series' : 'range', {
        layout: intent.layout,
        seriesBases: undefined,
        ...NO_PLAN,
      });
    case 'choose-series':
      return go(state, 'range', { seriesBases: intent.bases, ...NO_PLAN });
    case 'choose-range':
      return go(state, 'preview', {
        range: intent.range,
        periods: intent.periods,
        openPeriods: intent.openPeriods,
        ...NO_PLAN,
      });
    case 'planned':
      return state.step === 'preview' ? { ...state, plan: intent.plan } : state;
    case 'plan-failed':
      return state.step === 'preview' ? { ...state, planError: intent.error } : state;
    case 'continue':
      // Deleting needs the typed confirmation, unless --yes gave it or nothing is to be deleted.
      if (state.step !== 'preview' || !state.plan) return state;
      return go(state, state.given.confirm || !state.plan.needsConfirmation ? 'run' : 'confirm');
    case 'confirmed':
      return state.step === 'confirm' ? go(state, 'run') : state;
    case 'finished':
      // The run cannot be gone back into: the summary starts a history of its own.
      return { ...state, step: 'summary', history: [], outcome: intent.outcome, help: false };
    case 'back': {
      if (state.help) return { ...state, help: false };
      if (state.step === 'run' || state.step === 'summary') return state;
      const previous = state.history.at(-1);
      if (!previous) return state;
      // Going back before the preview drops its snapshot: the next preview lists the bucket again.
      const keepPlan = previous === 'preview' || previous === 'confirm';
      return {
        ...state,
        step: previous,
        history: state.history.slice(0, -1),
        ...(keepPlan ? {} : NO_PLAN),
      };
    }
    case 'toggle-help':
      return { ...state, help: !state.help };
  }
}
