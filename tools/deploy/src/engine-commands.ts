import { relative } from 'node:path';
import { listEnvironments, loadEnvironment, type EnvironmentConfig } from '@platform/config';
import type { ChangeSummary, Diagnostic } from '@platform/engine';
import { openStackEngine, PLAN_FILE, savePlanJson } from './stack-engine';
import { UsageError } from '@platform/workspace';

export interface EngineCommandOptions {
  readonly workspaceRoot: string;
  readonly stack: string;
  readonly log: (line: string) => void;
}

export interface ValidationResult {
  readonly environment: string;
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/** `init -backend=false` and `validate -json` for the stack in every environment. */
export async function validateStack(options: EngineCommandOptions): Promise<ValidationResult[]> {
  const results: ValidationResult[] = [];
  for (const environment of listEnvironments(options.workspaceRoot)) {
    const { runner } = await openStackEngine({ ...options, environment, backend: false });
    const result = await runner.validate();
    results.push({ environment, ...result });
    options.log(`${result.valid ? '✓' : '✗'} ${options.stack} (${environment}): ${result.valid ? 'valid' : 'invalid'}`);
    for (const d of result.diagnostics) {
      options.log(`  ${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ''}${d.range ? ` (${d.range.filename}:${d.range.start.line})` : ''}`);
    }
  }
  return results;
}

function describeChanges(changes: ChangeSummary): string {
  return `${changes.add} to add, ${changes.change} to change, ${changes.remove} to destroy`;
}

export async function planStack(options: EngineCommandOptions & { readonly environment: string }): Promise<ChangeSummary> {
  const { runner } = await openStackEngine({ ...options, backend: true });
  const plan = await runner.plan({ out: PLAN_FILE });
  const { path: json } = await savePlanJson(runner);
  options.log(`${options.stack} (${options.environment}): ${plan.hasChanges ? describeChanges(plan.changes) : 'no changes'}`);
  options.log(`  plan: ${relative(options.workspaceRoot, runner.workdir)}/${PLAN_FILE}, JSON: ${relative(options.workspaceRoot, json)}`);
  return plan.changes;
}

/** Why the pipeline was gone around, as the operator gave it (non-empty after trimming). */
export interface BreakGlass {
  readonly reason: string;
}

/** The reason of a break-glass flag, trimmed; an empty one is refused. */
export function breakGlassReason(flag: string, reason: string): BreakGlass {
  const trimmed = reason.trim();
  if (trimmed === '') throw new UsageError(`${flag} needs a reason (a ticket and why), not an empty one: it is recorded`);
  return { reason: trimmed };
}

/** Staging and production change only by promotion of a released artifact. */
export function isProtected(environment: EnvironmentConfig): boolean {
  return environment.tier === 'production' || environment.tier === 'staging';
}

export class ProtectedEnvironmentError extends UsageError {
  override readonly name = 'ProtectedEnvironmentError';
}

/**
 * Refuses an apply or destroy of the working tree in a protected environment unless the glass is
 * broken, before anything else runs; says how to promote instead.
 */
export function assertOpenToWorkingTree(environment: EnvironmentConfig, stack: string, operation: 'apply' | 'destroy', breakGlass: BreakGlass | undefined): void {
  if (!isProtected(environment) || breakGlass) return;
  const how =
    operation === 'apply'
      ? `release the change and promote it: 'platform promote ${stack}@<version> --to ${environment.name}' (docs/how-to/release-promote-and-roll-back.md)`
      : `delete the stack through a pull request, whose destroy is promoted like any change`;
  throw new ProtectedEnvironmentError(
    `refusing to ${operation} ${stack} in ${environment.name}: it is a ${environment.tier} environment (environments/${environment.name}/environment.yaml: tier), ` +
      `which changes only by promotion of a released artifact. To change it, ${how}. In an emergency: --break-glass "<ticket and reason>", which is recorded.`,
  );
}

/**
 * Plans and applies that plan (the saved plan file is exactly what is applied). Protected
 * environments refuse it unless the glass is broken.
 */
export async function applyStack(options: EngineCommandOptions & { readonly environment: string; readonly breakGlass?: BreakGlass }): Promise<ChangeSummary> {
  assertOpenToWorkingTree(loadEnvironment(options.workspaceRoot, options.environment), options.stack, 'apply', options.breakGlass);
  const { runner } = await openStackEngine({ ...options, backend: true });
  const plan = await runner.plan({ out: PLAN_FILE });
  await savePlanJson(runner);
  if (!plan.hasChanges) {
    options.log(`${options.stack} (${options.environment}): no changes, nothing applied`);
    return plan.changes;
  }
  const applied = await runner.apply(PLAN_FILE);
  options.log(`${options.stack} (${options.environment}): applied, ${describeChanges(applied)}`);
  return applied;
}

/** Destroys the stack in the environment; protected environments refuse it unless the glass is broken. */
export async function destroyStack(options: EngineCommandOptions & { readonly environment: string; readonly breakGlass?: BreakGlass }): Promise<ChangeSummary> {
  const environment = loadEnvironment(options.workspaceRoot, options.environment);
  assertOpenToWorkingTree(environment, options.stack, 'destroy', options.breakGlass);
  if (options.breakGlass && isProtected(environment)) {
    options.log(`BREAK GLASS: destroying ${options.stack} in ${environment.tier} environment ${environment.name}: ${options.breakGlass.reason}`);
  }
  const { runner } = await openStackEngine({ ...options, backend: true });
  const destroyed = await runner.destroy();
  options.log(`${options.stack} (${options.environment}): destroyed, ${destroyed.remove} removed`);
  return destroyed;
}

export async function outputStack(
  options: EngineCommandOptions & { readonly environment: string },
): Promise<Record<string, unknown>> {
  const { runner } = await openStackEngine({ ...options, backend: true });
  const outputs = await runner.outputs();
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.sensitive ? '(sensitive)' : o.value]));
}
