import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChangeSummary } from '@platform/engine';
import type { ReleasedStack } from './released-stack';
import { dependencyLayers, markdownTable, readStackGraph, withUpstreams } from '@platform/workspace';
import { openStackEngine, PLAN_FILE, savePlanJson } from './stack-engine';
import { substituteUpstreams, UNKNOWN_PLACEHOLDER, type Knowledge, type PlannedOutput } from './upstream-substitution';

export interface StackPlan {
  readonly stack: string;
  readonly changes: ChangeSummary;
  /** Upstream stacks never applied in this environment, read from their plans instead. */
  readonly plannedUpstreams: Readonly<Record<string, Readonly<Record<string, Knowledge>>>>;
  /** Outputs of this stack known only after it is applied. */
  readonly outputsKnownAfterApply: readonly string[];
  /** Wall time of init, plan and its JSON rendering. */
  readonly seconds: number;
}

export interface EnvironmentPlan {
  readonly environment: string;
  /** true: planned from zero with a local empty state and placeholder credentials, not against the live state. */
  readonly offline: boolean;
  readonly order: readonly (readonly string[])[];
  readonly stacks: readonly StackPlan[];
}

interface PlanJson {
  prior_state?: { values?: { root_module?: { resources?: { mode?: string }[] } } };
  output_changes?: Record<string, PlannedOutput>;
  resource_changes?: { address: string; change: { actions: string[] } }[];
}

/** No managed resource in state: the data sources a plan reads do not count. */
function neverApplied(plan: PlanJson): boolean {
  return !(plan.prior_state?.values?.root_module?.resources ?? []).some((resource) => resource.mode === 'managed');
}

/** Change counts from the plan's resource changes, leaving out the unknown-value placeholder. */
function countChanges(plan: PlanJson): ChangeSummary {
  const changes = { add: 0, change: 0, remove: 0 };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.address === UNKNOWN_PLACEHOLDER) continue;
    const actions = rc.change.actions;
    if (actions.includes('create')) changes.add++;
    if (actions.includes('delete')) changes.remove++;
    if (actions.includes('update')) changes.change++;
  }
  return changes;
}

/** Outputs whose planned value is wholly or partly unknown until apply, sorted. */
function outputsKnownAfterApply(plan: PlanJson): string[] {
  const unknown = (value: unknown): boolean =>
    value === true || (Array.isArray(value) ? value.some(unknown) : value !== null && typeof value === 'object' && Object.values(value).some(unknown));
  return Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => unknown(change.after_unknown))
    .map(([name]) => name)
    .sort();
}

/**
 * Plans every stack of an environment (or `stacks` and their upstreams) in dependency order. A stack whose upstream has never
 * been applied there is planned with that upstream's planned outputs (from its saved plan);
 * values known only after apply stay unknown and are reported as such. `offline`: every stack
 * from zero, with a local empty state instead of the configured backend, placeholder
 * credentials and no refresh, so that no connection leaves the machine.
 */
export async function planEnvironment(options: {
  readonly workspaceRoot: string;
  readonly environment: string;
  readonly log: (line: string) => void;
  /** Released versions to plan instead of dist/stacks (artifact bytes and lock files, in a drill). */
  readonly releases?: ReadonlyMap<string, ReleasedStack>;
  readonly offline?: boolean;
  /** The suffix of the drill run planning (see `StackEngineOptions.drillRunSuffix`). */
  readonly drillRunSuffix?: string;
  /**
   * Only these stacks, and the stacks they read from (directly or not), whose plans give them
   * the upstream outputs: a change to one stack of a thousand plans that stack and its upstreams.
   * Every stack when absent.
   */
  readonly stacks?: readonly string[];
}): Promise<EnvironmentPlan> {
  const offline = options.offline === true;
  const whole = readStackGraph(options.workspaceRoot);
  const graph = options.stacks ? withUpstreams(whole, options.stacks) : whole;
  const order = dependencyLayers(graph);
  const plans = new Map<string, PlanJson>();
  const results: StackPlan[] = [];
  for (const stack of order.flat()) {
    const fromPlans = new Map<string, Record<string, PlannedOutput>>();
    for (const upstream of graph.get(stack) ?? []) {
      const upstreamPlan = plans.get(upstream);
      if (upstreamPlan && neverApplied(upstreamPlan)) fromPlans.set(upstream, upstreamPlan.output_changes ?? {});
    }
    const substituted: Record<string, Record<string, Knowledge>> = {};
    const started = performance.now();
    const { runner } = await openStackEngine({
      workspaceRoot: options.workspaceRoot,
      stack,
      environment: options.environment,
      backend: true,
      offline,
      log: () => {},
      ...(options.drillRunSuffix !== undefined ? { drillRunSuffix: options.drillRunSuffix } : {}),
      ...(options.releases?.has(stack) ? { release: options.releases.get(stack)! } : {}),
      transform: (json) => {
        if (fromPlans.size === 0) return json;
        const result = substituteUpstreams(json, fromPlans);
        Object.assign(substituted, result.substituted);
        return result.json;
      },
    });
    await runner.plan({ out: PLAN_FILE, ...(offline ? { refresh: false } : {}) });
    const plan = (await savePlanJson(runner)).rendering as PlanJson;
    plans.set(stack, plan);
    const changes = countChanges(plan);
    results.push({ stack, changes, plannedUpstreams: substituted, outputsKnownAfterApply: outputsKnownAfterApply(plan), seconds: (performance.now() - started) / 1000 });
    const via = Object.keys(substituted).length > 0 ? ` (reads planned outputs of ${Object.keys(substituted).join(', ')})` : '';
    options.log(`${stack} (${options.environment}): ${changes.add} to add, ${changes.change} to change, ${changes.remove} to destroy${via}`);
  }
  return { environment: options.environment, offline, order, stacks: results };
}

export function renderEnvironmentPlan(plan: EnvironmentPlan): string {
  const rows = plan.stacks.map((s) => {
    const upstream = Object.entries(s.plannedUpstreams)
      .flatMap(([stack, outputs]) => Object.entries(outputs).map(([name, knowledge]) => `${stack}.${name}: ${knowledge}`))
      .join('; ');
    return [
      s.stack,
      String(s.changes.add),
      String(s.changes.change),
      String(s.changes.remove),
      upstream || (plan.offline ? 'none' : 'from state'),
      s.outputsKnownAfterApply.join(', ') || 'none',
    ];
  });
  return [
    plan.offline ? `## Offline plan of ${plan.environment} from zero, not the live state` : `## Plan of ${plan.environment}`,
    '',
    ...(plan.offline
      ? [
          'Every stack planned as if nothing existed: a local empty state instead of the configured backend, placeholder credentials, no refresh. It shows what a first deployment would create, not what an apply would change in the live estate.',
          '',
        ]
      : []),
    `Order: ${plan.order.map((layer) => layer.join(', ')).join(' → ')}`,
    '',
    markdownTable(['Stack', 'Add', 'Change', 'Destroy', 'Upstream outputs', 'Outputs known after apply'], rows),
    '',
    'Values marked "known after apply" are unknown until the upstream is applied; they were not guessed.',
    '',
  ].join('\n');
}

/** Writes dist/reports/plan-<env>.json and .md; returns their paths. */
export function writeEnvironmentPlan(workspaceRoot: string, plan: EnvironmentPlan): { json: string; markdown: string } {
  const dir = join(workspaceRoot, 'dist/reports');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `plan-${plan.environment}.json`);
  const markdown = join(dir, `plan-${plan.environment}.md`);
  writeFileSync(json, `${JSON.stringify(plan, null, 2)}\n`);
  writeFileSync(markdown, renderEnvironmentPlan(plan));
  return { json, markdown };
}

