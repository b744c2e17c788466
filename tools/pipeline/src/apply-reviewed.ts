import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironment } from '@platform/config';
import { recordStackRun, type DeploymentRecord } from '@platform/delivery';
import { isProtected, openStackEngine, PLAN_FILE, ProtectedEnvironmentError, type ReleasedStack } from '@platform/deploy';
import type { ChangeSummary, EngineRunner, StateIdentity } from '@platform/engine';
import { sha256Hex, type ObjectStore } from '@platform/store';
import { dependencyLayers, readStackGraph, synthOutputDir, UsageError } from '@platform/workspace';
import { changedOutputs, differencesFromReviewed, outputsRead, resourceChangesOf, type PlanRendering } from './plan-changes';
import { deletedConfigurationFileOf, deletedLockFileOf, readReview, type ReviewedPlan } from './reviewed-plans';

/** The reviewed plan no longer describes what an apply would do, and a new plan differs from it. */
export class StaleReviewedPlanError extends UsageError {
  override readonly name = 'StaleReviewedPlanError';
}

export interface ApplyReviewedOptions {
  /** The estate, checked out and synthesized at the merged commit. */
  readonly workspaceRoot: string;
  readonly store: ObjectStore;
  /** A development environment: staging and production take promotions. */
  readonly environment: string;
  /** Where the pull request's review is (reviewed-plans.json and plans/). */
  readonly dir: string;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

export interface AppliedStack {
  readonly stack: string;
  readonly operation: 'apply' | 'destroy';
  readonly how: NonNullable<DeploymentRecord['pipeline']>;
  readonly changes: ChangeSummary;
  /** Outputs whose value the apply changed. */
  readonly changedOutputs: readonly string[];
  readonly record: string;
}

export interface ApplyReviewedResult {
  readonly applied: readonly AppliedStack[];
  /** Consumers of a stack whose outputs changed that read none of the changed ones. */
  readonly leftAlone: readonly { readonly stack: string; readonly reads: readonly string[] }[];
}

const sameState = (reviewed: ReviewedPlan['state'], now: StateIdentity | undefined) =>
  reviewed === null ? now === undefined : now !== undefined && reviewed.lineage === now.lineage && reviewed.serial === now.serial;

/** Why a reviewed plan cannot be applied as it is; undefined when it can. */
function whyNotAsReviewed(plan: ReviewedPlan, configurationSha256: string, state: StateIdentity | undefined, upstreamChanged: readonly string[]): string | undefined {
  if (upstreamChanged.length > 0) return `outputs it reads changed in this run (${upstreamChanged.join(', ')})`;
  if (plan.offline) return 'it was planned offline, from zero, not against the state';
  if (plan.configurationSha256 !== configurationSha256) return 'the configuration differs from the one reviewed (the branch it merged into moved)';
  if (!sameState(plan.state, state)) {
    const was = plan.state ? `serial ${plan.state.serial} of lineage ${plan.state.lineage.slice(0, 8)}` : 'no state';
    const is = state ? `serial ${state.serial} of lineage ${state.lineage.slice(0, 8)}` : 'no state';
    return `the state changed since it was planned (${was}, now ${is})`;
  }
  return undefined;
}

/**
 * The merge's step: applies to a development environment exactly the plans reviewed on the pull
 * request, in dependency order, while the state each was made against (lineage and serial) and
 * its configuration are unchanged. Otherwise it plans again and applies only if the resource
 * changes equal the reviewed ones, else stops saying how they differ. After an apply whose
 * outputs changed, exactly the consumers that read a changed output are planned again and
 * applied; the others are left alone. Deleted stacks are destroyed last, consumers first.
 * Every apply and destroy is recorded.
 */
export async function applyReviewed(options: ApplyReviewedOptions): Promise<ApplyReviewedResult> {
  const { workspaceRoot, store, environment, dir, log } = options;
  const review = readReview(dir);
  if (review.refusals.length > 0) {
    throw new UsageError(`${join(dir, 'reviewed-plans.json')}: the review refused this change: ${review.refusals.map((r) => r.reason).join('; ')}`);
  }
  const config = loadEnvironment(workspaceRoot, environment);
  if (isProtected(config)) {
    throw new ProtectedEnvironmentError(
      `refusing to apply the reviewed plans to ${environment}: it is a ${config.tier} environment (environments/${environment}/environment.yaml: tier), ` +
        `which changes only by promotion: 'platform pipeline promote --to ${environment}' (docs/how-to/ship-a-change.md)`,
    );
  }
  const plans = review.plans.filter((p) => p.environment === environment);
  const graph = readStackGraph(workspaceRoot);
  const reviewed = new Map(plans.filter((p) => p.operation === 'apply').map((p) => [p.stack, p]));
  for (const stack of reviewed.keys()) {
    if (!graph.has(stack)) throw new UsageError(`the review plans ${stack} in ${environment}, which the checkout does not have: review the change again`);
  }
  const changed = new Map<string, readonly string[]>();
  const applied: AppliedStack[] = [];
  const leftAlone: { stack: string; reads: string[] }[] = [];
  const recorded = { workspaceRoot, store, environment, log, ...(options.env ? { env: options.env } : {}), ...(options.now ? { now: options.now } : {}) };

  for (const stack of dependencyLayers(graph).flat()) {
    const producers = (graph.get(stack) ?? []).filter((producer) => (changed.get(producer) ?? []).length > 0);
    if (!reviewed.has(stack) && producers.length === 0) continue;
    const file = join(workspaceRoot, synthOutputDir(stack), environment, 'cdk.tf.json');
    if (!existsSync(file)) throw new UsageError(`${synthOutputDir(stack)}/${environment}/cdk.tf.json does not exist: synthesize the checkout first`);
    const configuration = readFileSync(file, 'utf8');
    const upstreamChanged = producers.flatMap((producer) => outputsRead(configuration, producer).filter((name) => changed.get(producer)!.includes(name)).map((name) => `${producer}.${name}`));
    const plan = reviewed.get(stack);
    if (!plan && upstreamChanged.length === 0) {
      const reads = producers.flatMap((producer) => outputsRead(configuration, producer).map((name) => `${producer}.${name}`));
      leftAlone.push({ stack, reads });
      log(`${stack} (${environment}): left alone, it reads ${reads.join(', ') || 'no output'} of what changed, none of it changed`);
      continue;
    }
    const configurationSha256 = sha256Hex(Buffer.from(configuration));
    const { runner } = await openStackEngine({ workspaceRoot, stack, environment, backend: true, log: () => {} });
    const state = await runner.stateIdentity();
    const before = state ? await runner.outputs() : {};
    const done = await applyOne(runner, {
      ...recorded,
      stack,
      operation: 'apply',
      configurationSha256,
      ...(plan ? { plan } : {}),
      why: plan ? whyNotAsReviewed(plan, configurationSha256, state, upstreamChanged) : `outputs it reads changed (${upstreamChanged.join(', ')})`,
      upstreamChanged: upstreamChanged.length > 0,
      dir,
    });
    if (!done) continue;
    const outputs = changedOutputs(before, await runner.outputs());
    changed.set(stack, outputs);
    applied.push({ ...done, changedOutputs: outputs });
  }

  for (const plan of plans.filter((p) => p.operation === 'destroy')) {
    const configuration = readFileSync(join(dir, deletedConfigurationFileOf(plan)), 'utf8');
    const configurationSha256 = sha256Hex(Buffer.from(configuration));
    if (configurationSha256 !== plan.configurationSha256) {
      throw new UsageError(`${join(dir, deletedConfigurationFileOf(plan))}: sha256 ${configurationSha256.slice(0, 12)} is not the reviewed ${plan.configurationSha256.slice(0, 12)}`);
    }
    const lockFile = join(dir, deletedLockFileOf(plan));
    const release: ReleasedStack = { stack: plan.stack, version: `deleted at ${review.head.slice(0, 12)}`, configuration, ...(existsSync(lockFile) ? { lockFile: readFileSync(lockFile, 'utf8') } : {}) };
    const { runner } = await openStackEngine({ workspaceRoot, stack: plan.stack, environment, backend: true, release, log: () => {} });
    const state = await runner.stateIdentity();
    const done = await applyOne(runner, { ...recorded, stack: plan.stack, operation: 'destroy', configurationSha256, plan, why: whyNotAsReviewed(plan, configurationSha256, state, []), upstreamChanged: false, dir });
    if (done) applied.push({ ...done, changedOutputs: [] });
  }
  return { applied, leftAlone };
}

interface ApplyOne {
  readonly workspaceRoot: string;
  readonly store: ObjectStore;
  readonly environment: string;
  readonly stack: string;
  readonly operation: 'apply' | 'destroy';
  readonly configurationSha256: string;
  readonly plan?: ReviewedPlan;
  /** Why the reviewed plan cannot be applied as it is; undefined: it can. */
  readonly why: string | undefined;
  /** Outputs it reads changed in this run: planned again and applied, reviewed or not. */
  readonly upstreamChanged: boolean;
  readonly dir: string;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

/** Puts the plan to apply in the working directory (the reviewed one, or a new one that equals it) and applies it, recorded. */
async function applyOne(runner: EngineRunner, options: ApplyOne): Promise<Omit<AppliedStack, 'changedOutputs'> | undefined> {
  const { stack, environment, plan, log } = options;
  let how: AppliedStack['how'];
  if (plan && options.why === undefined) {
    const file = join(options.dir, plan.planFile);
    if (sha256Hex(readFileSync(file)) !== plan.planSha256) throw new UsageError(`${file}: sha256 is not the reviewed ${plan.planSha256.slice(0, 12)}: the plan file was changed after review`);
    copyFileSync(file, join(runner.workdir, PLAN_FILE));
    how = 'reviewed plan';
  } else {
    const fresh = await runner.plan({ out: PLAN_FILE, ...(options.operation === 'destroy' ? { destroy: true } : {}) });
    if (plan && !options.upstreamChanged) {
      const differences = differencesFromReviewed(plan.resourceChanges, resourceChangesOf((await runner.showPlan(PLAN_FILE)) as PlanRendering));
      if (differences.length > 0) {
        throw new StaleReviewedPlanError(
          `${stack} (${environment}): the reviewed plan is stale, ${options.why}, and a new plan differs from it: ${differences.join('; ')}. ` +
            `Nothing of ${stack} was applied. Plan the pull request again (re-run its workflow, or 'platform pipeline plan'), review, and merge.`,
        );
      }
      how = 're-planned, equal to the reviewed plan';
      log(`${stack} (${environment}): ${options.why}; planned again: the same resource changes as reviewed`);
    } else {
      how = 'upstream outputs changed';
      if (!fresh.hasChanges) {
        log(`${stack} (${environment}): ${options.why}; planned again: no changes`);
        return undefined;
      }
      log(`${stack} (${environment}): ${options.why}; planned again`);
    }
  }
  const planSha256 = sha256Hex(readFileSync(join(runner.workdir, PLAN_FILE)));
  const { record, changes } = await recordStackRun(
    { workspaceRoot: options.workspaceRoot, store: options.store, stack, environment, operation: options.operation, configurationSha256: options.configurationSha256, pipeline: how, log, ...(options.env ? { env: options.env } : {}), ...(options.now ? { now: options.now } : {}) },
    async () => ({ changes: await runner.apply(PLAN_FILE), planSha256 }),
  );
  log(`${stack} (${environment}): ${options.operation === 'destroy' ? 'destroyed' : 'applied'} (${how}): ${changes.add} added, ${changes.change} changed, ${changes.remove} destroyed`);
  return { stack, operation: options.operation, how, changes, record: record.id };
}
