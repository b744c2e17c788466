import { performance } from 'node:perf_hooks';
import { EngineError, type Diagnostic, type EngineRunner } from '@platform/engine';
import type { ReleasedStack } from '@platform/deploy';
import { openStackEngine, savePlanJson } from '@platform/deploy';
import { resourceDrift, type RefreshPlanJson, type ResourceDrift } from './resource-drift';

/** Saved next to the deploy plan, never applied. */
export const DRIFT_PLAN_FILE = 'drift.tfplan';
export const DRIFT_PLAN_JSON_FILE = 'drift.json';

export type DriftStatus = 'in-sync' | 'drifted' | 'not-deployed' | 'error';

export interface StackDrift {
  readonly stack: string;
  readonly status: DriftStatus;
  readonly resources: readonly ResourceDrift[];
  /** Managed resources the state holds (0: never applied, or destroyed). */
  readonly resourcesInState: number;
  readonly seconds: number;
  /** What the check compared against: the released version the environment runs, or the synth output. */
  readonly configuration: string;
  readonly error?: string;
  readonly diagnostics?: readonly Diagnostic[];
}

interface PlanWithState extends RefreshPlanJson {
  readonly prior_state?: { readonly values?: { readonly root_module?: { readonly resources?: readonly { readonly mode?: string }[] } } };
}

/**
 * Compares one stack's state with the real world: a refresh-only plan (the engine reads every
 * object and reports what differs from the state), saved with its JSON rendering and never
 * applied, so nothing changes. Engine failures are returned as an `error` status, not thrown.
 */
export async function checkStackDrift(options: {
  readonly workspaceRoot: string;
  readonly stack: string;
  readonly environment: string;
  /** The released version the environment runs (its artifact's bytes and lock file); else the synth output. */
  readonly release?: ReleasedStack;
}): Promise<StackDrift> {
  const { stack, release } = options;
  const configuration = release ? `${stack}@${release.version}` : 'synth output';
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let runner: EngineRunner | undefined;
  try {
    ({ runner } = await openStackEngine({
      workspaceRoot: options.workspaceRoot,
      stack,
      environment: options.environment,
      backend: true,
      log: () => {},
      ...(release ? { release } : {}),
    }));
    await runner.plan({ out: DRIFT_PLAN_FILE, refreshOnly: true });
    const rendering = (await savePlanJson(runner, DRIFT_PLAN_FILE, DRIFT_PLAN_JSON_FILE)).rendering as PlanWithState;
    const resourcesInState = (rendering.prior_state?.values?.root_module?.resources ?? []).filter((r) => (r.mode ?? 'managed') === 'managed').length;
    const resources = resourceDrift(rendering);
    const status: DriftStatus = resources.length > 0 ? 'drifted' : resourcesInState === 0 ? 'not-deployed' : 'in-sync';
    return { stack, status, resources, resourcesInState, seconds: elapsed(), configuration };
  } catch (error) {
    // A consumer never deployed reads upstream state that may not exist either, and its refresh
    // fails on that; with nothing in its own state, it is simply not deployed.
    if (runner && (await holdsNothing(runner))) return { stack, status: 'not-deployed', resources: [], resourcesInState: 0, seconds: elapsed(), configuration };
    const diagnostics = error instanceof EngineError ? error.diagnostics : [];
    return {
      stack,
      status: 'error',
      resources: [],
      resourcesInState: 0,
      seconds: elapsed(),
      configuration,
      error: (error as Error).message,
      ...(diagnostics.length > 0 ? { diagnostics } : {}),
    };
  }
}

/** Whether the stack's state is known to hold no resource; a state that cannot be read is not known to. */
async function holdsNothing(runner: EngineRunner): Promise<boolean> {
  try {
    return (await runner.stateAddresses()).length === 0;
  } catch {
    return false;
  }
}
