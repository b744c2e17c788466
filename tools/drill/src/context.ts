import type { EnvironmentConfig } from '@platform/config';
import type { EngineRunner } from '@platform/engine';
import { openStackEngine, type ReleasedStack } from '@platform/deploy';
import type { ObjectStore } from '@platform/store';
import { runGraph } from '@platform/workspace';
import type { RestoredDelivery } from './delivery';
import type { DrillPhase, DrillReport } from './report-model';
import type { StepRecorder } from './step-recorder';

export interface DrillOptions {
  /** Root of the git repository to clone. */
  readonly repository: string;
  /** The estate inside the repository (stacks/, environments/): '.' or e.g. tools/fixture-estate. */
  readonly estate: string;
  /** The drill environment to rebuild into; only kind 'drill' is accepted. */
  readonly environment: string;
  /** The environment whose promoted versions are rebuilt; default: the production-tier one. */
  readonly source?: string;
  /** Commit of the delivery tooling to clone (default HEAD). */
  readonly ref?: string;
  /** Artifacts are fetched from it and the report is kept in it. */
  readonly store: ObjectStore;
  /** Where state snapshots go (a separate bucket); without it the backup-and-restore check is skipped. */
  readonly backupStore?: ObjectStore;
  /** full: rebuild, verify, tear down; plan-only: plan from zero; cleanup: only tear down what an interrupted drill left. */
  readonly mode: DrillReport['mode'];
  /** Leave the rebuilt estate and the clone in place (no teardown). */
  readonly keep?: boolean;
  readonly concurrency?: number;
  /** Aborting stops new steps; cleanup still runs. */
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** The run's id, when the caller named the run before it started (a sortable runId). */
  readonly id?: string;
  /**
   * The run whose resources this drill deploys or tears down: their names that cannot be reused
   * end with its suffix. A cleanup names the interrupted run.
   * @default - this run's id
   */
  readonly resourcesOf?: string;
}

/** What the phases produce, step by step; a later phase reads what an earlier one produced. */
export interface DrillProducts {
  /** The environment whose promoted versions are rebuilt (preflight). */
  source: string;
  /** Stack -> version promoted to the source (preflight). */
  readonly versions: Map<string, string>;
  /** The cloned and installed delivery (restore-delivery). */
  delivery?: RestoredDelivery;
  /** Stack -> the verified artifact bytes deployed (restore-delivery). */
  readonly released: Map<string, ReleasedStack>;
  /** The stacks rebuilt and their upstreams (restore-delivery). */
  graph: ReadonlyMap<string, readonly string[]>;
  /** Stack -> seconds from the start until it was verified (deploy). */
  readonly verifiedAt: Map<string, number>;
  /** Stack -> addresses still in state after the teardown (verify-empty). */
  readonly leftInState: Record<string, string[]>;
}

/** Everything a phase works with. */
export interface DrillContext {
  readonly options: DrillOptions;
  /** The estate inside the source repository (before the clone). */
  readonly estateInRepository: string;
  readonly target: EnvironmentConfig;
  readonly recorder: StepRecorder;
  readonly concurrency: number;
  readonly engines: StackEngines;
  readonly products: DrillProducts;
  readonly log: (line: string) => void;
}

/**
 * One phase of the drill: a file under phases/ and a line in phases/index.ts. `run` records its
 * steps through the context's recorder and says whether the drill can go on.
 */
export interface DrillPhaseModule {
  /** The phase its steps are recorded under (the first, when it records more than one). */
  readonly phase: DrillPhase;
  /** Whether the phase runs at all in this drill (mode, stores, earlier results). */
  readonly applies: (context: DrillContext) => boolean;
  readonly run: (context: DrillContext) => Promise<{ readonly proceed: boolean }>;
}

type EngineFailure = Error & { engineSeconds?: number };

/** One engine per stack for the whole drill: init once, then deploy, verify, plan, destroy. */
export class StackEngines {
  private readonly runners = new Map<string, EngineRunner>();

  constructor(
    private readonly products: DrillProducts,
    private readonly environment: string,
    /** The drill run's name suffix (TF_VAR_drill_run_suffix). */
    readonly drillRunSuffix: string,
  ) {}

  /** Runs `work` on the stack's engine (opened on first use) and reports the engine time it took, also on failure. */
  async with<T>(stack: string, work: (runner: EngineRunner) => Promise<T>): Promise<{ value: T; engineSeconds: number }> {
    let runner = this.runners.get(stack);
    const before = runner?.engineSeconds ?? 0;
    try {
      if (!runner) {
        const release = this.products.released.get(stack)!;
        runner = (
          await openStackEngine({
            workspaceRoot: this.products.delivery!.estate,
            stack,
            environment: this.environment,
            backend: true,
            release,
            drillRunSuffix: this.drillRunSuffix,
            log: () => {},
          })
        ).runner;
        this.runners.set(stack, runner);
      }
      const value = await work(runner);
      return { value, engineSeconds: runner.engineSeconds - before };
    } catch (error) {
      if (error instanceof Error && runner) (error as EngineFailure).engineSeconds = runner.engineSeconds - before;
      throw error;
    }
  }
}

/**
 * A teardown step on every stack of the drill's graph: recorded even after an interrupt, and
 * never stopping at a failed stack (the others are still torn down or checked).
 */
export async function teardownEachStack(
  { recorder, products, engines, concurrency }: DrillContext,
  phase: DrillPhase,
  name: string,
  work: (runner: EngineRunner, stack: string) => Promise<void>,
  options: { readonly reverse?: boolean } = {},
): Promise<void> {
  await runGraph(
    products.graph,
    async (stack) => {
      await recorder.run(phase, name, stack, () => engines.with(stack, (runner) => work(runner, stack)), { evenIfInterrupted: true });
    },
    { concurrency, continueOnFailure: true, ...(options.reverse ? { reverse: true } : {}) },
  );
}
