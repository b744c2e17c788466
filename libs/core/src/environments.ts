import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  loadAllEnvironments,
  loadStackSettings,
  readProjectManifest,
  stackSettingsPath,
  type EnvironmentConfig,
} from '@platform/config';
import { formatViolations, type Violation } from '@platform/security';
import type { StackDefinition } from './stack-definition';
import { PolicyViolationError, synthesizeStack } from './synthesize';

export interface EnvironmentResult {
  readonly resources: number;
  /** sha256 of the synthesized cdk.tf.json. */
  readonly sha256: string;
}

/** Written next to the synthesized files as synth.json; deterministic (no times, no paths). */
export interface StackSynthReport {
  readonly stack: string;
  readonly upstream: readonly string[];
  readonly contracts: {
    readonly published: Readonly<Record<string, number>>;
    readonly consumed: Readonly<Record<string, number>>;
  };
  readonly environments: Readonly<Record<string, EnvironmentResult>>;
}

export interface SynthFailure {
  readonly environment?: string;
  readonly message: string;
  readonly violations?: readonly Violation[];
}

export type StackSynthOutcome =
  | {
      readonly ok: true;
      readonly report: StackSynthReport;
      /** `<env>/cdk.tf.json` for every environment, and `synth.json`. */
      readonly files: ReadonlyMap<string, string>;
    }
  | { readonly ok: false; readonly stack: string; readonly failures: readonly SynthFailure[] };

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sortedRecord<V>(entries: Iterable<[string, V]>): Record<string, V> {
  return Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface SynthesizeEveryEnvironmentOptions {
  readonly workspaceRoot: string;
  readonly definition: StackDefinition;
  /** The stacks `stack.upstream` in its package.json names; must equal the contracts it reads. */
  readonly upstream: readonly string[];
}

/**
 * The one synthesis of a stack: every environment of the workspace with its real configuration
 * files, policy-checked, and the upstream contracts it reads checked against its manifest.
 * Either every environment succeeds and the files are returned, or nothing is returned but
 * every failure found (all environments are tried, so one run lists every problem).
 */
export function synthesizeEveryEnvironment({ workspaceRoot, definition, upstream }: SynthesizeEveryEnvironmentOptions): StackSynthOutcome {
  const stack = definition.name;
  let environments: EnvironmentConfig[];
  try {
    environments = loadAllEnvironments(workspaceRoot);
  } catch (error) {
    return { ok: false, stack, failures: [{ message: describe(error) }] };
  }
  if (environments.length === 0) {
    return { ok: false, stack, failures: [{ message: 'environments/: no environment folder holds an environment.yaml' }] };
  }

  const failures: SynthFailure[] = [];
  const files = new Map<string, string>();
  const results = new Map<string, EnvironmentResult>();
  const published = new Map<string, number>();
  const consumed = new Map<string, number>();
  for (const environment of environments) {
    try {
      const settings = loadStackSettings(workspaceRoot, environment.name, stack, definition.settings);
      const synthesized = synthesizeStack(definition, environment, settings);
      files.set(`${environment.name}/cdk.tf.json`, synthesized.json);
      results.set(environment.name, { resources: synthesized.resourceCount, sha256: sha256(synthesized.json) });
      for (const [name, version] of synthesized.published) published.set(name, version);
      for (const [name, version] of synthesized.consumed) consumed.set(name, version);
    } catch (error) {
      if (error instanceof PolicyViolationError) {
        failures.push({ environment: environment.name, message: `${error.message}:\n${formatViolations(error.violations)}`, violations: error.violations });
      } else if (error instanceof ConfigError) {
        failures.push({ environment: environment.name, message: error.message });
      } else {
        failures.push({ environment: environment.name, message: `${stackSettingsPath(environment.name, stack)} -> ${describe(error)}` });
      }
    }
  }
  if (failures.length === 0) {
    const declared = [...upstream].sort();
    const read = [...consumed.keys()].sort();
    if (declared.join(',') !== read.join(',')) {
      failures.push({
        message:
          `stacks/${stack}/package.json: key 'stack.upstream' lists [${declared.join(', ')}] but the stack reads ` +
          `the contracts of [${read.join(', ')}]; list exactly the stacks it reads`,
      });
    }
  }
  if (failures.length > 0) return { ok: false, stack, failures };

  const report: StackSynthReport = {
    stack,
    upstream: [...upstream].sort(),
    contracts: { published: sortedRecord(published), consumed: sortedRecord(consumed) },
    environments: sortedRecord(results),
  };
  files.set('synth.json', `${JSON.stringify(report, null, 2)}\n`);
  return { ok: true, report, files };
}

/** A stack's `stack.upstream`, from stacks/<name>/package.json (none when the file is absent). */
export function declaredUpstream(workspaceRoot: string, stack: string): readonly string[] {
  const file = `stacks/${stack}/package.json`;
  const path = join(workspaceRoot, file);
  return existsSync(path) ? readProjectManifest(file, readFileSync(path, 'utf8'), 'stack').upstream : [];
}

/**
 * For stack tests: the same synthesis as the synth target (every environment, guardrails, the
 * upstream check), returning the JSON by environment, or throwing with every failure listed.
 */
export function synthesizeInEveryEnvironment(definition: StackDefinition, workspaceRoot: string): Map<string, string> {
  const outcome = synthesizeEveryEnvironment({ workspaceRoot, definition, upstream: declaredUpstream(workspaceRoot, definition.name) });
  if (!outcome.ok) {
    const lines = outcome.failures.map((f) => `  ${f.environment ? `[${f.environment}] ` : ''}${f.message.replace(/\n/g, '\n  ')}`);
    throw new Error(`${definition.name}: synthesis failed, nothing written:\n${lines.join('\n')}`);
  }
  const json = new Map<string, string>();
  for (const [file, text] of outcome.files) {
    const match = /^([^/]+)\/cdk\.tf\.json$/.exec(file);
    if (match) json.set(match[1]!, text);
  }
  return json;
}
