import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadAllEnvironments, loadEnvironment, type EnvironmentConfig } from '@platform/config';
import { setupEngine, type EngineRunner } from '@platform/engine';
import type { ObjectStore } from '@platform/store';
import { planEnvironment } from '@platform/deploy';
import { openStackEngine, PLAN_FILE, runtimeStoreFromEnv } from '@platform/deploy';
import { runGraph } from '@platform/workspace';
import { readStackGraph } from '@platform/workspace';
import { runId } from '@platform/workspace';
import { backupEnvironmentState, openStateStore, restoreEnvironmentState, stateObjectKey } from '@platform/state';
import { readStackManifest } from '@platform/workspace';
import { fetchReleasedStack, type ReleasedStack } from '@platform/deploy';
import { buildDelivery, cloneDelivery, promotedVersions, type RestoredDelivery } from './delivery';
import type { DrillReport, DrillStackSummary } from './report-model';
import { verifyStackOutputs } from './smoke';
import { DrillInterruptedError, StepRecorder } from './step-recorder';

/** Thrown before anything runs when the target is not a drill environment. */
export class DrillRefusedError extends Error {
  override readonly name = 'DrillRefusedError';
}

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
  readonly mode: 'full' | 'plan-only';
  /** Leave the rebuilt estate and the clone in place (no teardown). */
  readonly keep?: boolean;
  readonly concurrency?: number;
  /** Aborting stops new steps; cleanup still runs. */
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** Refuses anything that is not a drill environment, whatever else the caller asked for. */
export function assertDrillEnvironment(estate: string, name: string): EnvironmentConfig {
  const environment = loadEnvironment(estate, name);
  if (environment.kind !== 'drill') {
    throw new DrillRefusedError(
      `refusing to drill in '${name}': it is a ${environment.tier} ${environment.kind} environment (environments/${name}/environment.yaml: kind is '${environment.kind}'). ` +
        "A drill rebuilds from zero and destroys everything it built; it only ever targets an environment of kind 'drill'.",
    );
  }
  return environment;
}

/** The environment whose promoted versions a drill rebuilds when none is named: the production one. */
export function defaultDrillSource(estate: string): string {
  const production = loadAllEnvironments(estate).filter((env) => env.tier === 'production' && env.kind !== 'drill');
  if (production.length !== 1) {
    throw new Error(`cannot choose the source environment: ${production.length} production environments (${production.map((e) => e.name).join(', ') || 'none'}); pass --source`);
  }
  return production[0]!.name;
}

type EngineFailure = Error & { engineSeconds?: number };

/**
 * Rebuilds the estate from nothing into a drill environment and tears it down again, timing
 * every step: preflight, restore delivery (fresh clone, install, build, verified artifacts of
 * the versions promoted to the source), deploy in dependency order (parallel where the graph
 * allows), verify (outputs and smoke checks), back up and restore the state, destroy in reverse
 * order, and check nothing is left in state. Teardown runs after a failure or an interrupt too,
 * unless `keep`.
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = (options.now ?? (() => new Date()))();
  const log = options.log;
  const estateInRepository = `${options.repository}/${options.estate}`;
  // Refused before anything else happens, so no flag can turn a drill on another environment.
  const target = assertDrillEnvironment(estateInRepository, options.environment);
  const recorder = new StepRecorder(startedAt, log, options.signal);
  const concurrency = options.concurrency ?? 4;
  let delivery: RestoredDelivery | undefined;
  let source = options.source ?? '';
  const released = new Map<string, ReleasedStack>();
  const versions = new Map<string, string>();
  const verifiedAt = new Map<string, number>();
  let graph = new Map<string, readonly string[]>();
  let cleanupRan = false;
  const leftInState: Record<string, string[]> = {};
  // One engine per stack for the whole drill: init once, then deploy, verify, plan, destroy.
  const runners = new Map<string, EngineRunner>();

  /** Runs `work` on the stack's engine (opened on first use) and reports the engine time it took, also on failure. */
  async function withEngine<T>(stack: string, work: (runner: EngineRunner) => Promise<T>): Promise<{ value: T; engineSeconds: number }> {
    let runner = runners.get(stack);
    const before = runner?.engineSeconds ?? 0;
    try {
      if (!runner) {
        runner = (await openStackEngine({ workspaceRoot: delivery!.estate, stack, environment: target.name, backend: true, release: released.get(stack)!, log: () => {} })).runner;
        runners.set(stack, runner);
      }
      const value = await work(runner);
      return { value, engineSeconds: runner.engineSeconds - before };
    } catch (error) {
      if (error instanceof Error && runner) (error as EngineFailure).engineSeconds = runner.engineSeconds - before;
      throw error;
    }
  }

  try {
    await rebuild();
  } finally {
    if (options.mode === 'full' && delivery && !options.keep) await teardown();
    if (delivery && !options.keep) rmSync(dirname(delivery.checkout), { recursive: true, force: true });
    else if (delivery) log(`kept: the clone at ${delivery.checkout} and everything deployed in ${target.name}`);
  }
  return finish();

  /** Every phase up to the teardown; returns at the first phase that cannot go on. */
  async function rebuild(): Promise<void> {
    const preflight = await recorder.run('preflight', 'drill environment, source, engine, state and artifact store reachable', undefined, async () => {
      source ||= defaultDrillSource(estateInRepository);
      for (const [stack, version] of promotedVersions(estateInRepository, source)) versions.set(stack, version);
      if (target.state.backend === 's3' && target.state.endpoint === 'runtime') runtimeStoreFromEnv(target);
      await setupEngine({ workspaceRoot: options.repository, log: () => {}, providers: [] });
      await options.store.list('artifacts/');
      if (options.mode === 'full') await openStateStore(target).list(`${target.state.prefix}/`);
      return { value: undefined };
    });
    if (!preflight.ok) return;

    const restore = await recorder.run('restore-delivery', `clone, install and build the delivery, fetch ${versions.size} artifacts`, undefined, async () => {
      delivery = await cloneDelivery({ repository: options.repository, estate: options.estate, ref: options.ref ?? 'HEAD', log });
      const fullGraph = readStackGraph(delivery.estate);
      for (const [stack, version] of versions) {
        if (!fullGraph.has(stack)) throw new Error(`${stack}@${version} runs in ${source} but the delivery at ${delivery.commit.slice(0, 12)} has no stack '${stack}'`);
        released.set(stack, await fetchReleasedStack(options.store, stack, version, target.name));
      }
      graph = new Map([...fullGraph].filter(([stack]) => versions.has(stack)));
      for (const [stack, upstream] of graph) {
        const missing = upstream.filter((u) => !versions.has(u));
        if (missing.length > 0) throw new Error(`${stack} reads ${missing.join(', ')}, which ${source} does not run: the estate cannot be rebuilt from ${source}'s releases`);
      }
      await buildDelivery(delivery, [...released.values()], log);
      return { value: undefined };
    });
    if (!restore.ok) return;

    if (options.mode === 'plan-only') {
      await recorder.run('deploy', 'plan the whole estate from zero', undefined, async () => {
        const plan = await planEnvironment({ workspaceRoot: delivery!.estate, environment: target.name, releases: released, log });
        return { value: plan, engineSeconds: plan.stacks.reduce((sum, s) => sum + s.seconds, 0) };
      });
      return;
    }

    const results = await runGraph(
      graph,
      async (stack) => {
        const r = released.get(stack)!;
        const deploy = await recorder.run('deploy', `apply ${stack}@${r.version}`, stack, () =>
          withEngine(stack, async (runner) => {
            const plan = await runner.plan({ out: PLAN_FILE });
            if (plan.hasChanges) await runner.apply(PLAN_FILE);
          }),
        );
        if (!deploy.ok) throw deploy.error;
        const checks = readStackManifest(delivery!.estate, stack).smoke;
        const verify = await recorder.run('verify', `outputs and ${checks.length} smoke check(s)`, stack, () =>
          withEngine(stack, async (runner) => {
            const problems = verifyStackOutputs(r.configuration, await runner.outputs(), checks);
            if (problems.length > 0) throw new Error(problems.join('; '));
          }),
        );
        if (!verify.ok) throw verify.error;
        verifiedAt.set(stack, recorder.elapsed());
      },
      { concurrency },
    );
    for (const [stack, result] of results) {
      if (result.status === 'skipped') {
        recorder.skip('deploy', `apply ${stack}@${released.get(stack)!.version}`, stack, recorder.interrupted ? 'interrupted' : `not deployed: ${result.blockedBy} failed`);
      }
    }

    if (options.backupStore && verifiedAt.size === graph.size && !recorder.interrupted) {
      await verifyStateRestore(options.backupStore);
    }
  }

  /** Snapshot the drill's state, lose it, restore it, and prove the engine sees no change. */
  async function verifyStateRestore(backupStore: ObjectStore): Promise<void> {
    const stateStore = openStateStore(target);
    const stacks = [...graph.keys()];
    const snapshot = await recorder.run('state-backup', 'snapshot the state of every stack', undefined, async () => ({
      value: await backupEnvironmentState({ workspaceRoot: delivery!.estate, environment: target.name, stacks, state: stateStore, backup: backupStore, log: () => {} }),
    }));
    if (!snapshot.ok) return;
    const restored = await recorder.run('state-backup', 'lose the state objects, restore them from the snapshot', undefined, async () => {
      for (const stack of stacks) await stateStore.delete!(stateObjectKey(target.state, stack));
      await restoreEnvironmentState({ environment: target.name, snapshotId: snapshot.value.id, state: stateStore, backup: backupStore, log: () => {} });
      return { value: undefined };
    });
    if (!restored.ok) return;
    await runGraph(
      graph,
      async (stack) => {
        await recorder.run('state-backup', 'plan on the restored state: no changes', stack, () =>
          withEngine(stack, async (runner) => {
            const plan = await runner.plan({ out: 'restored.tfplan' });
            if (plan.hasChanges) throw new Error(`the restored state does not match the deployed estate: ${plan.changes.add} to add, ${plan.changes.change} to change, ${plan.changes.remove} to destroy`);
          }),
        );
      },
      { concurrency },
    );
  }

  async function teardown(): Promise<void> {
    cleanupRan = true;
    // Every released stack, deployed in this run or not: a drill interrupted earlier may have left some behind.
    await runGraph(
      graph,
      async (stack) => {
        await recorder.run(
          'destroy',
          'destroy',
          stack,
          () =>
            withEngine(stack, async (runner) => {
              if ((await runner.stateAddresses()).length === 0) return;
              await runner.destroy();
            }),
          { evenIfInterrupted: true },
        );
      },
      { concurrency, reverse: true, continueOnFailure: true },
    );
    await runGraph(
      graph,
      async (stack) => {
        await recorder.run(
          'verify-empty',
          'nothing left in state',
          stack,
          () =>
            withEngine(stack, async (runner) => {
              const addresses = await runner.stateAddresses();
              if (addresses.length > 0) {
                leftInState[stack] = addresses;
                throw new Error(`${addresses.length} resource(s) left in state: ${addresses.join(', ')}`);
              }
            }),
          { evenIfInterrupted: true },
        );
      },
      { concurrency, continueOnFailure: true },
    );
  }

  function finish(): DrillReport {
    const wallSeconds = recorder.elapsed();
    const stacks: DrillStackSummary[] = [...versions].sort(([a], [b]) => a.localeCompare(b)).map(([stack, version]) => {
      const steps = recorder.steps.filter((s) => s.stack === stack && (s.phase === 'deploy' || s.phase === 'verify'));
      const outcome = steps.some((s) => s.outcome === 'failed') ? 'failed' : verifiedAt.has(stack) ? 'passed' : 'skipped';
      return { stack, version, outcome, ...(verifiedAt.has(stack) ? { verifiedAfterSeconds: verifiedAt.get(stack)! } : {}) };
    });
    const allVerified = options.mode === 'full' && versions.size > 0 && verifiedAt.size === versions.size;
    const failed = recorder.steps.some((s) => s.outcome === 'failed');
    return {
      schemaVersion: 1,
      id: runId(startedAt),
      environment: target.name,
      source,
      mode: options.mode,
      ...(delivery ? { delivery: { commit: delivery.commit, install: delivery.install } } : {}),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + wallSeconds * 1000).toISOString(),
      outcome: recorder.interrupted ? 'interrupted' : failed ? 'failed' : 'passed',
      rtoSeconds: allVerified ? Math.max(...verifiedAt.values()) : null,
      wallSeconds,
      engineSeconds: recorder.engineSeconds(),
      stacks,
      steps: recorder.steps,
      ...(recorder.failure ? { failure: recorder.failure } : {}),
      cleanup: { ran: cleanupRan, leftInState },
    };
  }
}

export { DrillInterruptedError };
