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

/** Plans and applies that plan (the saved plan file is exactly what is applied). */
export async function applyStack(options: EngineCommandOptions & { readonly environment: string }): Promise<ChangeSummary> {
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

/** Environments a destroy may never touch without the break-glass flag. */
export function destroyNeedsBreakGlass(environment: EnvironmentConfig): boolean {
  return environment.tier === 'production' || environment.tier === 'staging';
}

export class BreakGlassRequiredError extends UsageError {
  override readonly name = 'BreakGlassRequiredError';
}

export async function destroyStack(
  options: EngineCommandOptions & { readonly environment: string; readonly breakGlass: boolean },
): Promise<ChangeSummary> {
  const environment = loadEnvironment(options.workspaceRoot, options.environment);
  if (destroyNeedsBreakGlass(environment) && !options.breakGlass) {
    throw new BreakGlassRequiredError(
      `refusing to destroy ${options.stack} in ${environment.name}: it is a ${environment.tier} environment. ` +
        'Destroying it needs --break-glass, which is recorded in the output; fix in the source instead where you can.',
    );
  }
  if (options.breakGlass) options.log(`BREAK GLASS: destroying ${options.stack} in ${environment.tier} environment ${environment.name}`);
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
