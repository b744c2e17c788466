import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { blastRadius, scopeChange, stacksAt, synthesizeAt, type BaseSynth, type BlastRadius, type ChangeScope } from '@platform/change';
import { listEnvironments, loadEnvironment } from '@platform/config';
import { engineWorkdir, openStackEngine, PLAN_FILE, PLAN_JSON_FILE, planEnvironment, savePlanJson, type ReleasedStack } from '@platform/deploy';
import type { EngineRunner, StateIdentity } from '@platform/engine';
import { sha256Hex } from '@platform/store';
import { dependencyLayers, ExternalError, listStacks, readStackGraph, synthOutputDir } from '@platform/workspace';
import { outputChangesOf, outputsRead, resourceChangesOf, summaryOf, type PlanRendering } from './plan-changes';
import { clearReview, deletedConfigurationFileOf, deletedLockFileOf, planFileOf, writeReview, type Review, type ReviewedPlan } from './reviewed-plans';

export interface PlanChangeOptions {
  /** The estate (stacks/ and environments/), checked out and synthesized at the head. */
  readonly workspaceRoot: string;
  readonly base: string;
  readonly head: string;
  /** Where the review goes (reviewed-plans.json and plans/); cleared first. */
  readonly dir: string;
  /** Only these environments; every environment when absent. */
  readonly environments?: readonly string[];
  /** Plans from zero with no state and no credentials (no plan credentials configured). */
  readonly offline: boolean;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /**
   * What the change reaches and the base's synthesized candidates, when the caller started them
   * already (beside the head's synth); else they are worked out here.
   */
  readonly scope?: Promise<ChangeScope>;
  readonly atBase?: Promise<BaseSynth>;
}

export interface PlanChangeResult {
  readonly review: Review;
  /** The blast radius, when the change is not refused before it. */
  readonly blastRadius?: BlastRadius;
  readonly reviewFile: string;
}

function git(cwd: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

function resolveCommit(workspaceRoot: string, ref: string): string {
  const result = git(workspaceRoot, ['rev-parse', '--verify', `${ref}^{commit}`]);
  if (!result.ok) throw new ExternalError(`git rev-parse ${ref} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * Stacks deleted at the head that a remaining stack still names as upstream: deleting them would
 * leave that stack reading outputs nobody keeps.
 */
export function liveConsumersOfDeleted(graph: ReadonlyMap<string, readonly string[]>, deleted: readonly string[]): Review['refusals'] {
  const refusals: Review['refusals'][number][] = [];
  for (const stack of deleted) {
    const readers = [...graph].filter(([, upstream]) => upstream.includes(stack)).map(([consumer]) => consumer).sort();
    if (readers.length > 0) {
      refusals.push({
        stack,
        reason:
          `${stack} is deleted, but ${readers.join(', ')} still read${readers.length === 1 ? 's' : ''} its outputs ` +
          `(${readers.map((r) => `stacks/${r}/package.json: stack.upstream`).join('; ')}): remove those reads first, or delete the consumers in the same change`,
      });
    }
  }
  return refusals;
}

/** Copies the saved plan of an engine working directory into the review and describes it. */
function keepPlan(
  workdir: string,
  rendering: PlanRendering,
  dir: string,
  entry: Pick<ReviewedPlan, 'stack' | 'environment' | 'operation' | 'offline' | 'configurationSha256'> & { state: StateIdentity | undefined },
): ReviewedPlan {
  const planFile = planFileOf(entry.stack, entry.environment);
  mkdirSync(dirname(join(dir, planFile)), { recursive: true });
  copyFileSync(join(workdir, PLAN_FILE), join(dir, planFile));
  // The engine's own JSON rendering beside it, for people and scripts reading the artifact.
  writeFileSync(join(dir, dirname(planFile), PLAN_JSON_FILE), `${JSON.stringify(rendering, null, 2)}\n`);
  const resourceChanges = resourceChangesOf(rendering);
  return {
    ...entry,
    state: entry.state ? { lineage: entry.state.lineage, serial: entry.state.serial } : null,
    planFile,
    planSha256: sha256Hex(readFileSync(join(dir, planFile))),
    summary: summaryOf(resourceChanges),
    resourceChanges,
    outputChanges: outputChangesOf(rendering),
  };
}

/** The saved plan's rendering, also kept as plan.json beside it (the blast radius reads it). */
const rendered = async (runner: EngineRunner) => (await savePlanJson(runner)).rendering as PlanRendering;

/** The order deleted stacks are destroyed in: consumers before the stacks they read (from the base's configurations). */
function destroyOrder(deleted: readonly string[], files: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  const graph = new Map(
    deleted.map((stack) => [stack, deleted.filter((other) => other !== stack && [...(files.get(stack)?.values() ?? [])].some((json) => outputsRead(json, other).length > 0))]),
  );
  return dependencyLayers(graph).flat().reverse();
}

/**
 * The pull request's step: for every stack whose synthesized output changes, a saved plan in
 * every environment (but drill ones) where it changes (against the state there, or offline from zero), and for
 * every deleted stack a destroy plan wherever it has state; refused while a remaining stack reads
 * a deleted one. Everything goes into `dir`: the plan files and reviewed-plans.json, which
 * records what each plan was made against, so that the merge applies only what is still true.
 */
export async function planChange(options: PlanChangeOptions): Promise<PlanChangeResult> {
  const { workspaceRoot, dir, log } = options;
  const now = options.now ?? (() => new Date());
  clearReview(dir);
  const base = resolveCommit(workspaceRoot, options.base);
  const head = resolveCommit(workspaceRoot, options.head);
  // A drill environment is rebuilt from what production runs, never changed by a pull request.
  const environments = listEnvironments(workspaceRoot).filter(
    (env) => (!options.environments || options.environments.includes(env)) && loadEnvironment(workspaceRoot, env).kind !== 'drill',
  );
  const graph = readStackGraph(workspaceRoot);
  const present = new Set(listStacks(workspaceRoot));
  const deleted = stacksAt(workspaceRoot, base).filter((stack) => !present.has(stack));
  const review: Review = { schemaVersion: 1, base, head, createdAt: now().toISOString(), plans: [], refusals: liveConsumersOfDeleted(graph, deleted) };
  if (review.refusals.length > 0) {
    for (const refusal of review.refusals) log(`refused: ${refusal.reason}`);
    // Nothing started for this change outlives it.
    await Promise.allSettled([options.scope, options.atBase]);
    return { review, reviewFile: writeReview(dir, review) };
  }

  const scope = await (options.scope ?? scopeChange(workspaceRoot, base, head));
  const atBase = await (options.atBase ?? synthesizeAt(workspaceRoot, base, scope.candidates));
  const report = blastRadius(workspaceRoot, base, head, { scope, atBase });
  const plans: ReviewedPlan[] = [];

  const toApply = new Map(report.stacks.filter((s) => s.reason !== 'removed').map((s) => [s.stack, s.environments.filter((env) => environments.includes(env))]));
  const configurationSha256 = (stack: string, env: string) => sha256Hex(readFileSync(join(workspaceRoot, synthOutputDir(stack), env, 'cdk.tf.json')));
  if (options.offline) {
    for (const env of environments.filter((e) => [...toApply.values()].some((envs) => envs.includes(e)))) {
      // An offline plan of a stack needs its upstreams' planned outputs: they are planned with it, the rest of the environment is not.
      const changed = [...toApply].filter(([, envs]) => envs.includes(env)).map(([stack]) => stack);
      await planEnvironment({ workspaceRoot, environment: env, offline: true, stacks: changed, log: () => {} });
      for (const stack of report.applyOrder.flat().filter((s) => toApply.get(s)?.includes(env))) {
        const workdir = join(workspaceRoot, engineWorkdir(stack, env, 'offline'));
        const rendering = JSON.parse(readFileSync(join(workdir, PLAN_JSON_FILE), 'utf8')) as PlanRendering;
        plans.push(keepPlan(workdir, rendering, dir, { stack, environment: env, operation: 'apply', offline: true, configurationSha256: configurationSha256(stack, env), state: undefined }));
        log(`${stack} (${env}): planned offline from zero`);
      }
    }
  } else {
    for (const stack of report.applyOrder.flat()) {
      for (const env of toApply.get(stack) ?? []) {
        const { runner } = await openStackEngine({ workspaceRoot, stack, environment: env, backend: true, log: () => {} });
        const state = await runner.stateIdentity();
        await runner.plan({ out: PLAN_FILE });
        const plan = keepPlan(runner.workdir, await rendered(runner), dir, { stack, environment: env, operation: 'apply', offline: false, configurationSha256: configurationSha256(stack, env), state });
        plans.push(plan);
        log(`${stack} (${env}): ${plan.summary.add} to add, ${plan.summary.change} to change, ${plan.summary.remove} to destroy${state ? ` (against state serial ${state.serial})` : ' (no state yet)'}`);
      }
    }
  }

  for (const stack of destroyOrder(deleted, atBase.files)) {
    for (const [env, configuration] of [...(atBase.files.get(stack) ?? new Map<string, string>())].filter(([e]) => environments.includes(e))) {
      if (options.offline) {
        log(`${stack} (${env}): deleted; its state is not read offline, so whether it is deployed there is not known`);
        continue;
      }
      const lockFile = git(workspaceRoot, ['show', `${base}:./stacks/${stack}/.terraform.lock.hcl`]);
      const release: ReleasedStack = { stack, version: `as of ${base.slice(0, 12)}`, configuration, ...(lockFile.ok ? { lockFile: lockFile.stdout } : {}) };
      const { runner } = await openStackEngine({ workspaceRoot, stack, environment: env, backend: true, release, log: () => {} });
      if ((await runner.stateAddresses()).length === 0) {
        log(`${stack} (${env}): deleted, and nothing in state there: nothing to destroy`);
        continue;
      }
      const state = await runner.stateIdentity();
      await runner.plan({ out: PLAN_FILE, destroy: true });
      const plan = keepPlan(runner.workdir, await rendered(runner), dir, { stack, environment: env, operation: 'destroy', offline: false, configurationSha256: sha256Hex(Buffer.from(configuration)), state });
      writeFileSync(join(dir, deletedConfigurationFileOf(plan)), configuration);
      if (release.lockFile !== undefined) writeFileSync(join(dir, deletedLockFileOf(plan)), release.lockFile);
      plans.push(plan);
      log(`${stack} (${env}): deleted: ${plan.summary.remove} to destroy`);
    }
  }
  const done: Review = { ...review, plans };
  // The blast radius was drawn before planning; its engine summaries are this review's plans.
  const planned = report.stacks.map((s) => ({
    ...s,
    plans: Object.fromEntries(plans.filter((p) => p.stack === s.stack).map((p) => [p.environment, p.summary])),
  }));
  return { review: done, blastRadius: { ...report, stacks: planned }, reviewFile: writeReview(dir, done) };
}
