import { UNKNOWN_PLACEHOLDER } from '@platform/deploy';
import { canonicalJson, sha256Hex } from '@platform/store';
import type { ResourceChangeDigest, ReviewedPlan } from './reviewed-plans';

/** The parts of the engine's plan rendering (`show -json`) the pipeline reads. */
export interface PlanRendering {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode?: string;
    readonly change: { readonly actions: readonly string[]; readonly after?: unknown; readonly after_unknown?: unknown };
  }[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

/** Names of the outputs a plan changes, sorted. */
export function outputChangesOf(plan: PlanRendering): string[] {
  return Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => !change.actions.every((action) => action === 'no-op'))
    .map(([name]) => name)
    .sort();
}

/**
 * What a plan would do to each resource, in address order: its actions and a digest of the
 * values it plans (known values and which are unknown). Reads and no-ops are not changes, nor
 * the placeholder an offline plan adds for values known only after apply.
 */
export function resourceChangesOf(plan: PlanRendering): ResourceChangeDigest[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.mode !== 'data' && rc.address !== UNKNOWN_PLACEHOLDER && !rc.change.actions.every((action) => action === 'no-op' || action === 'read'))
    .map((rc) => ({
      address: rc.address,
      actions: [...rc.change.actions],
      valuesSha256: sha256Hex(Buffer.from(canonicalJson({ after: rc.change.after ?? null, afterUnknown: rc.change.after_unknown ?? null }))),
    }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

export function summaryOf(changes: readonly ResourceChangeDigest[]): ReviewedPlan['summary'] {
  const has = (c: ResourceChangeDigest, action: string) => c.actions.includes(action);
  return {
    add: changes.filter((c) => has(c, 'create')).length,
    change: changes.filter((c) => has(c, 'update')).length,
    remove: changes.filter((c) => has(c, 'delete')).length,
    replace: changes.filter((c) => has(c, 'create') && has(c, 'delete')).map((c) => c.address),
  };
}

const describe = (c: ResourceChangeDigest) => `${c.address} ${c.actions.join('+')}`;

/**
 * How a new plan's resource changes differ from the reviewed ones: one line per resource that
 * is planned differently (other actions, other values, or only in one of them); empty when equal.
 */
export function differencesFromReviewed(reviewed: readonly ResourceChangeDigest[], now: readonly ResourceChangeDigest[]): string[] {
  const before = new Map(reviewed.map((c) => [c.address, c]));
  const after = new Map(now.map((c) => [c.address, c]));
  const lines: string[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const r = before.get(address);
    const n = after.get(address);
    if (r && !n) lines.push(`reviewed ${describe(r)}, now no change`);
    else if (!r && n) lines.push(`now ${describe(n)}, not reviewed`);
    else if (r!.actions.join() !== n!.actions.join()) lines.push(`reviewed ${describe(r!)}, now ${n!.actions.join('+')}`);
    else if (r!.valuesSha256 !== n!.valuesSha256) lines.push(`${describe(r!)} with other values than reviewed`);
  }
  return lines;
}

/**
 * The outputs of `producer` a consumer's synthesized configuration reads (its remote-state
 * references `data.terraform_remote_state.upstream-<producer>.outputs.<name>`), sorted.
 */
export function outputsRead(consumerConfiguration: string, producer: string): string[] {
  const prefix = `data.terraform_remote_state.upstream-${producer}.outputs.`;
  const names = new Set<string>();
  let at = consumerConfiguration.indexOf(prefix);
  while (at !== -1) {
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(consumerConfiguration.slice(at + prefix.length))?.[0];
    if (name) names.add(name);
    at = consumerConfiguration.indexOf(prefix, at + prefix.length);
  }
  return [...names].sort();
}

/** Names of the outputs whose value differs between two `output -json` readings (added and removed count). */
export function changedOutputs(before: Readonly<Record<string, { value: unknown }>>, after: Readonly<Record<string, { value: unknown }>>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((name) => canonicalJson(before[name]?.value ?? null) !== canonicalJson(after[name]?.value ?? null) || !(name in before) || !(name in after))
    .sort();
}
