import { blocks, strings } from './config';
import type { EnvironmentTier, Finding } from './types';

/**
 * Guardrails that hold for a whole environment rather than one resource: something must exist
 * somewhere among the environment's stacks (a budget, data access audit logs). They read the
 * synthesized JSON of every stack of the environment.
 */

/** What the environment rules need to know about the environment. */
export interface EnvironmentPolicyContext {
  readonly environment: string;
  readonly tier: EnvironmentTier;
  /** `drill` environments are throwaway; `cloud` ones are real projects with real bills. */
  readonly kind: 'cloud' | 'drill';
}

/** One resource of a synthesized stack, as the environment rules see it. */
export interface SynthesizedResource {
  readonly stack: string;
  readonly type: string;
  readonly address: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** A rule over every stack of one environment. */
export interface EnvironmentRule {
  readonly id: string;
  readonly description: string;
  check(resources: readonly SynthesizedResource[], context: EnvironmentPolicyContext): Finding[];
}

/** A rule an environment breaks. */
export interface EnvironmentViolation {
  readonly rule: string;
  readonly environment: string;
  readonly message: string;
  readonly fix: string;
}

/** The resources of one stack's synthesized configuration (cdk.tf.json). */
export function synthesizedResources(stack: string, json: string): SynthesizedResource[] {
  const parsed = JSON.parse(json) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return Object.entries(parsed.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, config]) => ({ stack, type, address: `${type}.${name}`, config })),
  );
}

export const budgetPerCloudEnvironment: EnvironmentRule = {
  id: 'budget-per-cloud-environment',
  description: 'Every cloud environment has a billing budget that alerts before spend runs away (drills are torn down within the hour).',
  check(resources, context) {
    if (context.kind !== 'cloud') return [];
    if (resources.some((r) => r.type === 'google_billing_budget')) return [];
    return [
      {
        message: `no stack of environment '${context.environment}' creates a billing budget (google_billing_budget)`,
        fix: `give environments/${context.environment}/observability.yaml a budget (the observability stack's Budget construct, @platform/observability)`,
      },
    ];
  },
};

const DATA_ACCESS_LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;

export const auditLogsInProduction: EnvironmentRule = {
  id: 'audit-logs-in-production',
  description: 'Production records who read and changed data: data access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) are on for all services.',
  check(resources, context) {
    if (context.tier !== 'production') return [];
    const enabled = new Set(
      resources
        .filter((r) => r.type === 'google_project_iam_audit_config' && r.config.service === 'allServices')
        .flatMap((r) => blocks(r.config.audit_log_config).flatMap((c) => strings(c.log_type))),
    );
    const missing = DATA_ACCESS_LOG_TYPES.filter((type) => !enabled.has(type));
    if (missing.length === 0) return [];
    return [
      {
        message: `environment '${context.environment}' does not log ${missing.join(', ')} for allServices (google_project_iam_audit_config): reads and changes of production data would leave no record`,
        fix: `turn them on in environments/${context.environment}/project-baseline.yaml (the project-baseline stack's AuditLogging construct, @platform/security)`,
      },
    ];
  },
};

/** The environment guardrails, in the order they are reported. */
export const environmentGuardrails: readonly EnvironmentRule[] = Object.freeze([budgetPerCloudEnvironment, auditLogsInProduction]);

/** Runs `rules` against every resource of every stack of one environment. */
export function evaluateEnvironmentPolicy(
  resources: readonly SynthesizedResource[],
  context: EnvironmentPolicyContext,
  rules: readonly EnvironmentRule[] = environmentGuardrails,
): EnvironmentViolation[] {
  return rules.flatMap((rule) => rule.check(resources, context).map((finding) => ({ rule: rule.id, environment: context.environment, ...finding })));
}

/** One block per violation: `✗ <rule> environment <name>`, the message, and the fix. */
export function formatEnvironmentViolations(violations: readonly EnvironmentViolation[]): string {
  return violations.map((v) => `✗ ${v.rule} environment ${v.environment}\n    ${v.message}\n    fix: ${v.fix}`).join('\n');
}
