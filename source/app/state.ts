import type { Plan, RunResult } from '../engine/types.js';
import type { LayoutId } from '../layouts/index.js';
import { layoutsForChoice } from '../layouts/index.js';
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
export const STEP_COUNT = 7;

export interface ProfileChoice {
  /** The profile to use; undefined is the environment's credential chain (or the demo). */
  readonly name?: string | undefined;
  readonly label: string;
  readonly account?: string | undefined;
}

export interface LayoutChoice {
  readonly layout: LayoutId;
  readonly root: string;
}

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
  readonly plan?: Plan | undefined;
  readonly result?: RunResult | undefined;
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
  | { readonly type: 'planned'; readonly plan: Plan }
  | { readonly type: 'continue-to-run'; readonly plan: Plan }
  | { readonly type: 'confirmed' }
  | { readonly type: 'finished'; readonly result: RunResult }
  | { readonly type: 'back' }
  | { readonly type: 'toggle-help' };

/** `--layout X --prefix P` with one layout behind X answers step 3 without sampling. */
export function layoutFromFlags(options: CliOptions): LayoutChoice | undefined {
  const layouts = layoutsForChoice(options.layout);
  if (layouts.length !== 1 || options.prefix === undefined) return undefined;
  return { layout: layouts[0]!.id, root: options.prefix };
}

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
        plan: undefined,
      });
    case 'choose-layout':
      return go(state, intent.layout.layout === 'cloudtrail' ? 'series' : 'range', {
        layout: intent.layout,
        seriesBases: undefined,
        plan: undefined,
      });
    case 'choose-series':
      return go(state, 'range', { seriesBases: intent.bases, plan: undefined });
    case 'choose-range':
      return go(state, 'preview', {
        range: intent.range,
        periods: intent.periods,
        openPeriods: intent.openPeriods,
        plan: undefined,
      });
    case 'planned':
      return state.step === 'preview' ? { ...state, plan: intent.plan } : state;
    case 'continue-to-run':
      // The plan comes with the intent: the preview's key may arrive before its 'planned' is folded in.
      return state.step === 'preview'
        ? go(state, state.given.confirm ? 'run' : 'confirm', { plan: intent.plan })
        : state;
    case 'confirmed':
      return state.step === 'confirm' ? go(state, 'run') : state;
    case 'finished':
      // The run cannot be gone back into: the summary starts a history of its own.
      return { ...state, step: 'summary', history: [], result: intent.result, help: false };
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
        plan: keepPlan ? state.plan : undefined,
      };
    }
    case 'toggle-help':
      return { ...state, help: !state.help };
  }
}
