import { setMaxListeners } from 'node:events';
import type { PrefixGates } from './request-gate.js';
import type { RunBudget } from './run-budget.js';
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
  /**
   * For the requests that must settle rather than be cut (manifest writes, the output's PUT or
   * Complete, verification, clean-up): aborted only a grace period after `signal`, so Ctrl-C waits
   * for them but a server that never answers cannot hold the run forever.
   */
  readonly settle: AbortSignal;
  /** AIMD limits on GETs, one per series prefix. */
  readonly gates: PrefixGates;
  /** GET slots, bytes ahead, part buffers and streaming periods, shared by every period. */
  readonly budget: RunBudget;
}

/** A signal that aborts `graceMs` after `signal` does (at once if it never will: no signal). */
export function settleSignal(signal: AbortSignal | undefined, graceMs: number): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const later = () => setTimeout(() => controller.abort(signal?.reason), graceMs).unref();
  if (signal?.aborted) later();
  else signal?.addEventListener('abort', later, { once: true });
  return controller.signal;
}
