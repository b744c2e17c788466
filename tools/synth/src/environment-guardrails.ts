import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listEnvironments, loadEnvironment } from '@platform/config';
import { evaluateEnvironmentPolicy, synthesizedResources, type EnvironmentViolation } from '@platform/security';
import { listStacks, synthOutputDir } from '@platform/workspace';

/** Where a stack's synthesized configuration for one environment comes from; undefined if it has none. */
export type ConfigurationSource = (stack: string, environment: string) => string | undefined;

/** What the environment guardrails found in one environment. */
export interface EnvironmentGuardrailResult {
  readonly environment: string;
  /** Stacks that had no synthesized configuration to check (their synth failed). */
  readonly missing: readonly string[];
  readonly violations: readonly EnvironmentViolation[];
}

/** The synthesized configurations in dist/stacks, as the synth targets leave them. */
export function configurationsInDist(workspaceRoot: string): ConfigurationSource {
  return (stack, environment) => {
    const file = join(workspaceRoot, synthOutputDir(stack), environment, 'cdk.tf.json');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
}

/**
 * Runs the environment guardrails (a budget in every cloud environment, data access audit logs
 * in production, ...) over every stack of every environment. An environment with a stack that
 * has no configuration is still checked over the others; the caller reports what was missing.
 */
export function checkEnvironmentGuardrails(workspaceRoot: string, configurationOf: ConfigurationSource): EnvironmentGuardrailResult[] {
  const stacks = listStacks(workspaceRoot);
  return listEnvironments(workspaceRoot).map((name) => {
    const environment = loadEnvironment(workspaceRoot, name);
    const missing: string[] = [];
    const resources = stacks.flatMap((stack) => {
      const json = configurationOf(stack, name);
      if (json === undefined) {
        missing.push(stack);
        return [];
      }
      return synthesizedResources(stack, json);
    });
    const violations = evaluateEnvironmentPolicy(resources, { environment: name, tier: environment.tier, kind: environment.kind });
    return { environment: name, missing, violations };
  });
}
