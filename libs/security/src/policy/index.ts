export * from './types';
export { collectResources } from './collect';
export { applyPolicy, evaluatePolicy, formatViolations } from './evaluate';
export { guardrails } from './guardrails';
export { isReference } from './config';
export { CMEK_RESOURCE_TYPES, cmekRequired } from './rules/cmek-required';
export { deletionProtection } from './rules/deletion-protection';
export { labelsRequired } from './rules/labels-required';
export { ADMIN_PORTS, noOpenAdminIngress } from './rules/no-open-admin-ingress';
export { noPrimitiveRoles } from './rules/no-primitive-roles';
export { noPublicBuckets } from './rules/no-public-buckets';
export { noPublicIam } from './rules/no-public-iam';
export { noSecretValues } from './rules/no-secret-values';
export { privateNodes } from './rules/private-nodes';
export { cloudArmorOnExternalBackends } from './rules/cloud-armor-on-external-backends';
export {
  auditLogsInProduction,
  budgetPerCloudEnvironment,
  environmentGuardrails,
  evaluateEnvironmentPolicy,
  formatEnvironmentViolations,
  synthesizedResources,
  type EnvironmentPolicyContext,
  type EnvironmentRule,
  type EnvironmentViolation,
  type SynthesizedResource,
} from './environment-rules';
