import type { PrefixGates } from './request-gate.js';
import type { EmitEvent, EngineContext, Plan, RunOptions } from './types.js';

/**
 * What every period of one run shares, kept in one place (the way lib-storage's Upload keeps its
 * client, params and abort controller on itself) instead of threaded through each call.
 */
export interface RunScope {
  readonly ctx: EngineContext;
  readonly plan: Plan;
  readonly options: RunOptions;
  readonly emit: EmitEvent;
  readonly signal?: AbortSignal | undefined;
  /** AIMD limits on GETs, one per series prefix. */
  readonly gates: PrefixGates;
}
