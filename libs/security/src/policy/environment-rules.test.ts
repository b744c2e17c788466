import { describe, expect, it } from 'vitest';
import {
  environmentGuardrails,
  evaluateEnvironmentPolicy,
  formatEnvironmentViolations,
  synthesizedResources,
  type EnvironmentPolicyContext,
  type SynthesizedResource,
} from './environment-rules';

const prod: EnvironmentPolicyContext = { environment: 'prod', tier: 'production', kind: 'cloud' };
const dev: EnvironmentPolicyContext = { environment: 'dev', tier: 'development', kind: 'cloud' };
const drill: EnvironmentPolicyContext = { environment: 'drill', tier: 'development', kind: 'drill' };

const stackJson = (resource: Record<string, Record<string, Record<string, unknown>>>) => JSON.stringify({ resource });
const budget = synthesizedResources('observability', stackJson({ google_billing_budget: { monthly: { billing_account: '01A2B3-C4D5E6-F7G8H9' } } }));
const auditConfig = (logTypes: string[], service = 'allServices') =>
  synthesizedResources(
    'project-baseline',
    stackJson({ google_project_iam_audit_config: { all: { project: 'acme-platform-prod', service, audit_log_config: logTypes.map((log_type) => ({ log_type })) } } }),
  );
const fullAudit = auditConfig(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);

describe('environment guardrails', () => {
  it('are described, each with its own id', () => {
    expect(environmentGuardrails.map((r) => r.id)).toEqual(['budget-per-cloud-environment', 'audit-logs-in-production']);
    for (const rule of environmentGuardrails) expect(rule.description.length).toBeGreaterThan(20);
  });

  it('read every resource of a synthesized stack with its stack and address', () => {
    expect(budget).toEqual([
      { stack: 'observability', type: 'google_billing_budget', address: 'google_billing_budget.monthly', config: { billing_account: '01A2B3-C4D5E6-F7G8H9' } },
    ]);
    expect(synthesizedResources('empty', JSON.stringify({}))).toEqual([]);
  });

  it('pass a production environment with a budget and data access audit logs for all services', () => {
    expect(evaluateEnvironmentPolicy([...budget, ...fullAudit], prod)).toEqual([]);
  });

  it('catch a cloud environment without a billing budget, naming the settings file to fix', () => {
    expect(evaluateEnvironmentPolicy([], dev)).toEqual([
      {
        rule: 'budget-per-cloud-environment',
        environment: 'dev',
        message: "no stack of environment 'dev' creates a billing budget (google_billing_budget)",
        fix: expect.stringContaining('environments/dev/observability.yaml'),
      },
    ]);
  });

  it('let a drill environment go without a budget: it is torn down within the run', () => {
    expect(evaluateEnvironmentPolicy([], drill)).toEqual([]);
  });

  it.each<[string, SynthesizedResource[], RegExp]>([
    ['no audit config at all', [], /does not log ADMIN_READ, DATA_READ, DATA_WRITE for allServices/],
    ['admin reads only', auditConfig(['ADMIN_READ']), /does not log DATA_READ, DATA_WRITE for allServices/],
    ['data access logs for one service only', auditConfig(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'], 'storage.googleapis.com'), /does not log ADMIN_READ, DATA_READ, DATA_WRITE/],
  ])('catch a production environment with %s', (_name, audit, message) => {
    const violations = evaluateEnvironmentPolicy([...budget, ...audit], prod);
    expect(violations).toEqual([expect.objectContaining({ rule: 'audit-logs-in-production', environment: 'prod', message: expect.stringMatching(message) })]);
    expect(violations[0]!.fix).toContain('environments/prod/project-baseline.yaml');
  });

  it('leave data access logs to the team outside production', () => {
    expect(evaluateEnvironmentPolicy(budget, { ...dev, tier: 'staging' })).toEqual([]);
  });

  it('print each violation with its rule, environment, message and fix', () => {
    expect(formatEnvironmentViolations(evaluateEnvironmentPolicy([], dev))).toMatch(/^✗ budget-per-cloud-environment environment dev\n {4}no stack .*\n {4}fix: /);
  });
});
