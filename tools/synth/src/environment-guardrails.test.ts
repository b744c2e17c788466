import { findWorkspaceRoot, listEnvironments } from '@platform/config';
import { listStacks } from '@platform/workspace';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkEnvironmentGuardrails, type ConfigurationSource } from './environment-guardrails';
import { synthesizeAllEnvironments } from './synth-stack';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const empty: ConfigurationSource = () => JSON.stringify({ resource: {} });

describe('environment guardrails over the estate', () => {
  it('given stacks that create neither a budget nor audit logs, then every cloud environment lacks a budget and production its data access logs', () => {
    const results = checkEnvironmentGuardrails(WORKSPACE, empty);
    expect(results.map((r) => r.environment)).toEqual(listEnvironments(WORKSPACE));
    const found = results.flatMap((r) => r.violations.map((v) => `${v.environment} ${v.rule}`)).sort();
    expect(found).toEqual(['dev budget-per-cloud-environment', 'prod audit-logs-in-production', 'prod budget-per-cloud-environment', 'staging budget-per-cloud-environment']);
  });

  it('names the stacks it had no configuration of, and checks the rest', () => {
    const [first] = checkEnvironmentGuardrails(WORKSPACE, (stack) => (stack === 'network' ? undefined : JSON.stringify({})));
    expect(first!.missing).toEqual(['network']);
  });

  describe('as the stacks synthesize today', () => {
    const configurations = new Map<string, string>();
    beforeAll(async () => {
      for (const stack of listStacks(WORKSPACE)) {
        const outcome = await synthesizeAllEnvironments(WORKSPACE, stack);
        if (!outcome.ok) throw new Error(`${stack} does not synthesize: ${outcome.failures.map((f) => f.message).join('; ')}`);
        for (const [file, json] of outcome.files) if (file.endsWith('/cdk.tf.json')) configurations.set(`${stack}/${file.split('/')[0]}`, json);
      }
    }, 300_000);

    it('passes in every environment: a budget in each cloud environment, data access audit logs in production', () => {
      const results = checkEnvironmentGuardrails(WORKSPACE, (stack, environment) => configurations.get(`${stack}/${environment}`));
      expect(results.flatMap((r) => r.missing)).toEqual([]);
      expect(results.flatMap((r) => r.violations)).toEqual([]);
    });
  });
});
