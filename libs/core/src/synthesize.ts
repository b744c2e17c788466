import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import type { z } from 'zod';
import type { EnvironmentConfig } from '@platform/config';
import { evaluatePolicy, type Violation } from '@platform/security';
import { answerEngineVersionChecks } from './engine-version-checks';
import { PlatformStack } from './platform-stack';
import type { StackDefinition } from './stack-definition';

export interface SynthesizedStack {
  readonly stack: string;
  readonly environment: string;
  /** Terraform JSON exactly as cdktf writes it (sorted keys, two-space indent). */
  readonly json: string;
  readonly resourceCount: number;
  /** Contract stack -> version, published by this stack. */
  readonly published: ReadonlyMap<string, number>;
  /** Contract stack -> version, read from upstream state. */
  readonly consumed: ReadonlyMap<string, number>;
}

/** Synthesis refused by the guardrail policy pack; carries every violation. */
export class PolicyViolationError extends Error {
  override readonly name = 'PolicyViolationError';
  constructor(
    readonly stackName: string,
    readonly environment: string,
    readonly violations: readonly Violation[],
  ) {
    super(`${stackName} (${environment}): ${violations.length} guardrail violation${violations.length === 1 ? '' : 's'}`);
  }
}

function countResources(json: string): number {
  const parsed = JSON.parse(json) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(parsed.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/**
 * Synthesizes one stack for one environment in memory, through cdktf's own App.synth
 * (aspects, validations, stable key order) into a throwaway folder.
 */
export function synthesizeStack<S extends z.ZodType>(
  definition: StackDefinition<S>,
  environment: EnvironmentConfig,
  settings: z.output<S>,
): SynthesizedStack {
  answerEngineVersionChecks();
  const outdir = mkdtempSync(join(tmpdir(), `synth-${definition.name}-`));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new PlatformStack(app, { stackName: definition.name, environment, cloud: definition.cloud ?? 'google' });
    definition.build(stack, settings);
    try {
      app.synth();
    } catch (error) {
      const violations = evaluatePolicy(stack, stack.policyContext);
      if (violations.length > 0) throw new PolicyViolationError(definition.name, environment.name, violations);
      throw error;
    }
    const json = readFileSync(join(outdir, 'stacks', definition.name, 'cdk.tf.json'), 'utf8');
    return {
      stack: definition.name,
      environment: environment.name,
      json,
      resourceCount: countResources(json),
      published: stack.published,
      consumed: stack.consumed,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
