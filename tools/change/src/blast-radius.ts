import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyLayers, markdownTable, readStackGraph } from '@platform/workspace';
import { narrowAffected, type AffectedStack, type ChangeScope } from './effective-affected';
import { diffOutputHashes, onlyStacks, readOutputHashes, readSynthesizedFiles, type BaseSynth, type SynthesizedFiles } from './output-hashes';
import { diffResources, isDataSource, sensitivePathsOfPlan, type ResourceChange } from './resource-diff';

/** What the engine's saved plan of a stack in an environment would do (from plan.json). */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
  /** Addresses the plan replaces (delete and create). */
  readonly replace: readonly string[];
}

export interface StackBlastRadius extends AffectedStack {
  /** Resource changes by environment. */
  readonly changes: Readonly<Record<string, readonly ResourceChange[]>>;
  /** The engine's plan summary by environment, where a saved plan exists (dist/engine). */
  readonly plans: Readonly<Record<string, PlanSummary>>;
  /** Stacks that read this one's outputs, transitively. */
  readonly consumers: readonly string[];
}

export interface BlastRadius {
  readonly base: string;
  readonly head: string;
  readonly changedFiles: readonly string[];
  readonly plainAffected: readonly string[];
  readonly stacks: readonly StackBlastRadius[];
  /** Consumers of changed stacks whose own output did not change: re-plan them after the apply. */
  readonly downstream: readonly string[];
  /** Order to apply the changed stacks in; stacks of one layer can run in parallel. */
  readonly applyOrder: readonly (readonly string[])[];
}

interface PlanJson {
  readonly resource_changes?: { address: string; change: { actions: string[]; before_sensitive?: unknown; after_sensitive?: unknown } }[];
}

function readPlan(workspaceRoot: string, stack: string, environment: string): PlanJson | undefined {
  const file = join(workspaceRoot, 'dist/engine', stack, environment, 'plan.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PlanJson) : undefined;
}

/** Summarizes a saved plan rendering (`show -json`); undefined when the stack was not planned. */
export function readPlanSummary(workspaceRoot: string, stack: string, environment: string): PlanSummary | undefined {
  const plan = readPlan(workspaceRoot, stack, environment);
  return plan ? summarizePlan(plan) : undefined;
}

function summarizePlan(plan: PlanJson): PlanSummary {
  const summary = { add: 0, change: 0, remove: 0, replace: [] as string[] };
  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions;
    if (actions.includes('create')) summary.add++;
    if (actions.includes('delete')) summary.remove++;
    if (actions.includes('update')) summary.change++;
    if (actions.includes('create') && actions.includes('delete')) summary.replace.push(rc.address);
  }
  return summary;
}

function consumersOf(graph: ReadonlyMap<string, readonly string[]>, stack: string): string[] {
  const found = new Set<string>();
  const visit = (producer: string) => {
    for (const [consumer, upstream] of graph) {
      if (upstream.includes(producer) && !found.has(consumer)) {
        found.add(consumer);
        visit(consumer);
      }
    }
  };
  visit(stack);
  return [...found].sort();
}

export interface BlastRadiusInputs {
  /** What the change reaches (`scopeChange`). */
  readonly scope: ChangeScope;
  /** The base's synthesized candidates (`synthesizeAt` of the scope's candidates). */
  readonly atBase: BaseSynth;
}

/**
 * The blast radius of base..head, from synthesized output alone (no engine, no cloud). The head
 * must be checked out with its candidate stacks synthesized.
 */
export function blastRadius(workspaceRoot: string, base: string, head: string, inputs: BlastRadiusInputs): BlastRadius {
  const { scope, atBase } = inputs;
  const { changedFiles: changed, plain: plainAffected, candidates } = scope;
  const headHashes = readOutputHashes(workspaceRoot, scope.candidatesAtHead);
  const headFiles: SynthesizedFiles = readSynthesizedFiles(workspaceRoot, scope.candidatesAtHead);
  const affected = narrowAffected(diffOutputHashes(onlyStacks(atBase.hashes, candidates), headHashes), changed, headHashes);
  const graph = readStackGraph(workspaceRoot);
  const stacks = affected.map((a) => {
    const changes: Record<string, ResourceChange[]> = {};
    const plans: Record<string, PlanSummary> = {};
    for (const env of a.environments) {
      const plan = readPlan(workspaceRoot, a.stack, env);
      changes[env] = diffResources(atBase.files.get(a.stack)?.get(env), headFiles.get(a.stack)?.get(env), sensitivePathsOfPlan(plan));
      if (plan) plans[env] = summarizePlan(plan);
    }
    return { ...a, changes, plans, consumers: graph.has(a.stack) ? consumersOf(graph, a.stack) : [] };
  });
  const names = new Set(stacks.map((s) => s.stack));
  const downstream = [...new Set(stacks.flatMap((s) => s.consumers))].filter((s) => !names.has(s)).sort();
  const applyOrder = dependencyLayers(graph)
    .map((layer) => layer.filter((stack) => names.has(stack) && stacks.find((s) => s.stack === stack)!.reason !== 'removed'))
    .filter((layer) => layer.length > 0);
  return { base, head, changedFiles: changed, plainAffected, stacks, downstream, applyOrder };
}

const id = (stack: string) => stack.replace(/-/g, '_');

/** The affected part of the stack graph: changed stacks, their consumers and the edges between them. */
export function blastRadiusMermaid(report: BlastRadius, graph: ReadonlyMap<string, readonly string[]>): string {
  const changed = report.stacks.map((s) => s.stack);
  const nodes = [...new Set([...changed, ...report.downstream])].sort();
  const lines = ['```mermaid', 'flowchart LR'];
  for (const stack of nodes) lines.push(`  ${id(stack)}["${stack}"]`);
  for (const [consumer, upstream] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    for (const producer of upstream) if (nodes.includes(consumer) && nodes.includes(producer)) lines.push(`  ${id(producer)} --> ${id(consumer)}`);
  }
  lines.push('  classDef changed fill:#fde68a,stroke:#b45309', '  classDef downstream fill:#e5e7eb,stroke:#6b7280');
  if (changed.length > 0) lines.push(`  class ${changed.map(id).join(',')} changed`);
  if (report.downstream.length > 0) lines.push(`  class ${report.downstream.map(id).join(',')} downstream`);
  lines.push('```');
  return lines.join('\n');
}

/** Resources only: a data source is read, never added or destroyed. */
function count(changes: readonly ResourceChange[], action: ResourceChange['action']): number {
  return changes.filter((c) => c.action === action && !isDataSource(c)).length;
}

/** A value as the report shows it: JSON, cut short when long (the JSON report has it whole). */
function shown(value: unknown): string {
  const text = value === null ? 'null' : typeof value === 'string' && value === '(sensitive)' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function changeLine(change: ResourceChange): string {
  const kind = isDataSource(change) ? ' (data source, read)' : '';
  if (change.action !== 'change') return `- \`${change.address}\` ${change.action}${kind}`;
  const values = change.values.map((v) => `\`${v.path}\` ${shown(v.before)} -> ${shown(v.after)}`);
  return values.length === 1 ? `- \`${change.address}\` change${kind}: ${values[0]}` : [`- \`${change.address}\` change${kind}:`, ...values.map((v) => `  - ${v}`)].join('\n');
}

/** The apply order as numbered steps: each waits for the one before, the stacks of one step run in parallel. */
export function renderApplyOrder(layers: readonly (readonly string[])[]): string {
  if (layers.length === 0) return 'Apply order: none';
  return [
    'Apply order (a step starts when the one before has applied; the stacks of one step apply in parallel):',
    '',
    ...layers.map((layer, index) => `${index + 1}. ${layer.join(', ')}${layer.length > 1 ? ' (in parallel)' : ''}`),
  ].join('\n');
}

/** Markdown for a pull request comment. */
export function renderBlastRadius(report: BlastRadius, graph: ReadonlyMap<string, readonly string[]>): string {
  if (report.stacks.length === 0) {
    return `## Blast radius\n\nNo stack's synthesized output changes (${report.changedFiles.length} files changed). Nothing to plan or apply.\n`;
  }
  const summary = markdownTable(
    ['Stack', 'Why', 'Environment', 'Add', 'Change', 'Remove'],
    report.stacks.flatMap((s) =>
      Object.entries(s.changes).map(([env, changes]) => [s.stack, s.reason, env, String(count(changes, 'add')), String(count(changes, 'change')), String(count(changes, 'remove'))]),
    ),
  );
  const details = report.stacks.map((s) => {
    const perEnv = Object.entries(s.changes)
      .map(([env, changes]) => {
        const lines = changes.map(changeLine);
        const plan = s.plans[env];
        const planLine = plan
          ? `\n\nEngine plan: ${plan.add} to add, ${plan.change} to change, ${plan.remove} to destroy${plan.replace.length ? `; replaces ${plan.replace.map((a) => `\`${a}\``).join(', ')}` : ''}`
          : '';
        return `**${env}**\n\n${lines.join('\n') || '- no resource changes (outputs or settings only)'}${planLine}`;
      })
      .join('\n\n');
    return `<details><summary>${s.stack}: ${s.reason}${s.consumers.length ? `; read by ${s.consumers.join(', ')}` : ''}</summary>\n\n${perEnv}\n\n</details>`;
  });
  return [
    '## Blast radius',
    '',
    summary,
    '',
    renderApplyOrder(report.applyOrder),
    '',
    report.downstream.length ? `Downstream (outputs they read may change; re-plan after apply): ${report.downstream.join(', ')}` : 'Downstream: none',
    `nx affected listed: ${report.plainAffected.join(', ') || 'none'}`,
    '',
    blastRadiusMermaid(report, graph),
    '',
    ...details,
    '',
  ].join('\n');
}
