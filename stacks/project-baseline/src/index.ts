import { projectBaselineContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { AuditLogging, AUDIT_LOG_TYPES, OrgPolicies, ProjectServices, ServiceAgents, type OrgPolicy } from '@platform/security';
import { projectBaselineSettings } from './settings';

/** The APIs the estate's stacks use, by key (the key is part of each enablement's address). */
const SERVICES = {
  // network: VPC, subnets, Cloud NAT, firewall; private service access for Cloud SQL
  compute: 'compute.googleapis.com',
  servicenetworking: 'servicenetworking.googleapis.com',
  // gke-cluster, database, app-service
  container: 'container.googleapis.com',
  sqladmin: 'sqladmin.googleapis.com',
  run: 'run.googleapis.com',
  artifactregistry: 'artifactregistry.googleapis.com',
  // edge: the external load balancer's Identity-Aware Proxy
  iap: 'iap.googleapis.com',
  // security, bootstrap: keys, secrets, buckets, service accounts
  cloudkms: 'cloudkms.googleapis.com',
  secretmanager: 'secretmanager.googleapis.com',
  storage: 'storage.googleapis.com',
  iam: 'iam.googleapis.com',
  // workload identity federation for CI (token exchange, then impersonation)
  iamcredentials: 'iamcredentials.googleapis.com',
  sts: 'sts.googleapis.com',
  // observability: log buckets and sinks, alerting, budgets
  logging: 'logging.googleapis.com',
  monitoring: 'monitoring.googleapis.com',
  billingbudgets: 'billingbudgets.googleapis.com',
  // this stack: organization policies, audit configs (project IAM policy), API enablement
  orgpolicy: 'orgpolicy.googleapis.com',
  cloudresourcemanager: 'cloudresourcemanager.googleapis.com',
  serviceusage: 'serviceusage.googleapis.com',
} as const;

/**
 * The service agents the security stack's CMEK keys are granted to, and the IAP agent the edge
 * stack lets invoke Cloud Run, by the key of their API in SERVICES (and of the published
 * `serviceAgents` map).
 */
const AGENTS = ['storage', 'logging', 'container', 'artifactregistry', 'run', 'sqladmin', 'secretmanager', 'iap'] as const;

/**
 * Constraints every environment enforces (settings may add others, never change these). They
 * restate the guardrails at the organization policy level, so that what synth refuses the
 * project refuses too, whoever creates the resource.
 */
function baselinePolicies(allowedLocations: readonly string[]): Record<string, OrgPolicy> {
  return {
    // No long-lived keys: workloads use attached service accounts and workload identity federation.
    'iam.disableServiceAccountKeyCreation': { enforce: true },
    'iam.disableServiceAccountKeyUpload': { enforce: true },
    // Default service accounts get no Editor role when their API is enabled.
    'iam.automaticIamGrantsForDefaultServiceAccounts': { enforce: true },
    // No public buckets, no ACLs.
    'storage.uniformBucketLevelAccess': { enforce: true },
    'storage.publicAccessPrevention': { enforce: true },
    // VMs and GKE nodes: OS Login, no serial port, no external IP (private nodes, Cloud NAT).
    'compute.requireOsLogin': { enforce: true },
    'compute.disableSerialPortAccess': { enforce: true },
    'compute.vmExternalIpAccess': { deny: 'all' },
    // Cloud SQL on private IP only.
    'sql.restrictPublicIp': { enforce: true },
    'sql.restrictAuthorizedNetworks': { enforce: true },
    // Cloud Run takes internal and load-balancer traffic only.
    'run.allowedIngress': { allow: ['is:internal', 'is:internal-and-cloud-load-balancing'] },
    'gcp.resourceLocations': { allow: allowedLocations },
  };
}

/**
 * What a project needs before anything else is deployed into it: its APIs, the Google service
 * agents other stacks grant roles to (CMEK keys), organization policy constraints, and Cloud
 * Audit Logs. Applied first; the security stack reads the agents it grants keys to from here.
 */
export default defineStack({
  name: 'project-baseline',
  description: 'APIs, Google service agents, organization policy constraints and audit logging of the project (foundation).',
  settings: projectBaselineSettings,
  build(stack, settings) {
    const env = stack.environment;
    const file = `environments/${env.name}/project-baseline.yaml`;

    const services: Record<string, string> = { ...SERVICES };
    for (const service of settings.additionalServices) {
      const key = service.slice(0, service.indexOf('.'));
      if (services[key] !== undefined) {
        throw new Error(`${file}: key 'additionalServices' lists '${service}', which the baseline already enables; remove it`);
      }
      services[key] = service;
    }
    const apis = new ProjectServices(stack, 'services', { project: env.project, services });

    const agents = new ServiceAgents(stack, 'service-agents', {
      project: env.project,
      projectNumber: env.projectNumber,
      services: apis,
      agents: Object.fromEntries(AGENTS.map((key) => [key, SERVICES[key]])),
    });

    if (!settings.allowedLocations.some((value) => value.startsWith('in:')) && !settings.allowedLocations.includes(env.region)) {
      throw new Error(
        `${file}: key 'allowedLocations' [${settings.allowedLocations.join(', ')}] leaves out the environment's region '${env.region}'; add it or a value group that holds it`,
      );
    }
    const policies = baselinePolicies(settings.allowedLocations);
    for (const [constraint, enforce] of Object.entries(settings.additionalConstraints)) {
      if (constraint in policies) {
        throw new Error(`${file}: key 'additionalConstraints.${constraint}' is set by the baseline in every environment; remove it`);
      }
      policies[constraint] = { enforce };
    }
    new OrgPolicies(stack, 'org-policies', { project: env.project, policies, dependsOn: [apis.resources.orgpolicy!] });

    const { logTypes, exemptedMembers } = settings.auditLogs;
    if (env.tier === 'production') {
      const missing = AUDIT_LOG_TYPES.filter((type) => !logTypes.includes(type));
      if (missing.length > 0) {
        throw new Error(`${file}: key 'auditLogs.logTypes' must include ${AUDIT_LOG_TYPES.join(', ')} in production; missing ${missing.join(', ')}`);
      }
    }
    new AuditLogging(stack, 'audit-logs', { project: env.project, services: { allServices: { logTypes, exemptedMembers } } });

    stack.publish(projectBaselineContract, { serviceAgents: { ...agents.emails }, enabledServices: apis.enabledServices });
  },
});
