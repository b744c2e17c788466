import { findWorkspaceRoot, loadEnvironment } from '@platform/config';
import { synthesizeInEveryEnvironment, synthesizeStack } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import projectBaselineStack from './index';
import { projectBaselineSettings } from './settings';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const synthesized = parseEach(synthesizeInEveryEnvironment(projectBaselineStack, workspaceRoot));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

/** The APIs the estate's stacks use (network, gke-cluster, database, app-service, security, bootstrap, CI identity, observability). */
const ESTATE_APIS = [
  'artifactregistry.googleapis.com',
  'billingbudgets.googleapis.com',
  'cloudkms.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'compute.googleapis.com',
  'container.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'iap.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'orgpolicy.googleapis.com',
  'run.googleapis.com',
  'secretmanager.googleapis.com',
  'servicenetworking.googleapis.com',
  'serviceusage.googleapis.com',
  'sqladmin.googleapis.com',
  'storage.googleapis.com',
  'sts.googleapis.com',
];

/** The agents the security stack grants its CMEK keys to. */
const AGENT_KEYS = ['artifactregistry', 'container', 'iap', 'logging', 'run', 'secretmanager', 'sqladmin', 'storage'];

const policiesOf = (stack: ReturnType<typeof stackIn>) =>
  Object.fromEntries(
    Object.values(stack.resourcesOf('google_org_policy_policy')).map((policy) => [
      (policy.name as string).replace(/^projects\/[^/]+\/policies\//, ''),
      policy,
    ]),
  );

describe('project-baseline stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (env, stack) => {
    const project = loadEnvironment(workspaceRoot, env).project;

    it('enables every API the estate uses, and leaves them on when the stack is destroyed', () => {
      const services = Object.values(stack.resourcesOf('google_project_service'));
      expect(services.map((s) => s.service).sort()).toEqual(ESTATE_APIS);
      for (const service of services) {
        expect(service).toMatchObject({ project, disable_on_destroy: false, disable_dependent_services: false });
      }
    });

    it('creates the service agents that are not created by enabling their API, after the API is enabled', () => {
      expect(Object.values(stack.data['google_storage_project_service_account'] ?? {})).toEqual([
        expect.objectContaining({ project, depends_on: [expect.stringMatching(/^google_project_service\.services_storage_/)] }),
      ]);
      expect(Object.values(stack.data['google_logging_project_cmek_settings'] ?? {})).toEqual([
        expect.objectContaining({ project, depends_on: [expect.stringMatching(/^google_project_service\.services_logging_/)] }),
      ]);
      const created = Object.values(stack.resourcesOf('terraform_data'));
      expect(created.map((c) => (c.triggers_replace as { service: string }).service).sort()).toEqual(['iap.googleapis.com', 'secretmanager.googleapis.com', 'sqladmin.googleapis.com']);
      for (const create of created) {
        const { service } = create.triggers_replace as { service: string };
        expect(create).toMatchObject({
          triggers_replace: { project },
          provisioner: [{ 'local-exec': { command: `gcloud beta services identity create --service=${service} --project=${project} --quiet` } }],
          depends_on: [expect.stringMatching(new RegExp(`^google_project_service\\.services_${service.split('.')[0]}_`))],
        });
      }
    });

    it('enforces the baseline organization policy constraints on the project', () => {
      const policies = policiesOf(stack);
      for (const constraint of [
        'iam.disableServiceAccountKeyCreation',
        'iam.disableServiceAccountKeyUpload',
        'iam.automaticIamGrantsForDefaultServiceAccounts',
        'storage.uniformBucketLevelAccess',
        'storage.publicAccessPrevention',
        'compute.requireOsLogin',
        'compute.disableSerialPortAccess',
        'sql.restrictPublicIp',
        'sql.restrictAuthorizedNetworks',
      ]) {
        expect(policies[constraint], constraint).toMatchObject({ parent: `projects/${project}`, spec: { rules: [{ enforce: 'TRUE' }] } });
      }
      expect(policies['compute.vmExternalIpAccess']).toMatchObject({ spec: { rules: [{ deny_all: 'TRUE' }] } });
      expect(policies['gcp.resourceLocations']).toMatchObject({ spec: { rules: [{ values: { allowed_values: ['in:europe-locations'] } }] } });
      expect(policies['run.allowedIngress']).toMatchObject({
        spec: { rules: [{ values: { allowed_values: ['is:internal', 'is:internal-and-cloud-load-balancing'] } }] },
      });
      for (const policy of Object.values(policies)) {
        expect(policy.depends_on).toEqual([expect.stringMatching(/^google_project_service\.services_orgpolicy_/)]);
      }
    });

    it('turns on Admin Read and Data Write audit logs for all services', () => {
      const config = stack.single('google_project_iam_audit_config');
      expect(config).toMatchObject({ project, service: 'allServices' });
      expect((config.audit_log_config as { log_type: string }[]).map((c) => c.log_type)).toEqual(expect.arrayContaining(['ADMIN_READ', 'DATA_WRITE']));
    });

    it('publishes the service agents by key and the enabled APIs', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['enabled_services', 'service_agents']);
      expect(stack.output.enabled_services!.value).toEqual(ESTATE_APIS);
      const agents = stack.output.service_agents!.value as Record<string, string>;
      expect(Object.keys(agents).sort()).toEqual(AGENT_KEYS);
      const number = loadEnvironment(workspaceRoot, env).projectNumber;
      expect(agents.sqladmin).toBe(`service-${number}@gcp-sa-cloud-sql.iam.gserviceaccount.com`);
      expect(agents.container).toBe(`service-${number}@container-engine-robot.iam.gserviceaccount.com`);
      expect(agents.storage).toMatch(/^\$\{data\.google_storage_project_service_account\.service-agents_storage_\w+\.email_address\}$/);
      expect(agents.logging).toMatch(/^\$\{data\.google_logging_project_cmek_settings\.service-agents_logging_\w+\.service_account_id\}$/);
    });
  });

  it('audits every data read and write in staging and prod, and data writes only in dev and the drill', () => {
    const logTypes = (env: string) =>
      (stackIn(env).single('google_project_iam_audit_config').audit_log_config as { log_type: string }[]).map((c) => c.log_type);
    expect(logTypes('prod')).toEqual(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);
    expect(logTypes('staging')).toEqual(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);
    expect(logTypes('dev')).toEqual(['ADMIN_READ', 'DATA_WRITE']);
    expect(logTypes('drill')).toEqual(['ADMIN_READ', 'DATA_WRITE']);
  });

  it('enforces detailed Cloud Storage audit logging in staging and prod only', () => {
    expect(policiesOf(stackIn('prod'))['gcp.detailedAuditLoggingMode']).toMatchObject({ spec: { rules: [{ enforce: 'TRUE' }] } });
    expect(policiesOf(stackIn('staging'))['gcp.detailedAuditLoggingMode']).toBeDefined();
    expect(policiesOf(stackIn('dev'))['gcp.detailedAuditLoggingMode']).toBeUndefined();
  });
});

describe('project-baseline settings', () => {
  const prod = loadEnvironment(workspaceRoot, 'prod');
  const dev = loadEnvironment(workspaceRoot, 'dev');
  const valid = { allowedLocations: ['in:europe-locations'] };

  it.each<[string, typeof prod, Record<string, unknown>, RegExp]>([
    ['production without Data Read audit logs', prod, { auditLogs: { logTypes: ['ADMIN_READ', 'DATA_WRITE'] } }, /environments\/prod\/project-baseline.yaml: key 'auditLogs.logTypes' must include ADMIN_READ, DATA_READ, DATA_WRITE in production; missing DATA_READ/],
    ['a baseline constraint turned off', dev, { additionalConstraints: { 'compute.requireOsLogin': false } }, /key 'additionalConstraints.compute.requireOsLogin' is set by the baseline in every environment/],
    ['an API the baseline enables', dev, { additionalServices: ['run.googleapis.com'] }, /key 'additionalServices' lists 'run.googleapis.com', which the baseline already enables/],
    ['locations without the region', dev, { allowedLocations: ['us-east1'] }, /key 'allowedLocations' \[us-east1\] leaves out the environment's region 'europe-west1'/],
    ['a public exempted member', dev, { auditLogs: { exemptedMembers: { DATA_WRITE: ['allUsers'] } } }, /exemptedMembers.DATA_WRITE\[0\] 'allUsers' would make the resource public/],
  ])('refuses %s', (_case, environment, override, error) => {
    const settings = projectBaselineSettings.parse({ ...valid, ...override });
    expect(() => synthesizeStack(projectBaselineStack, environment, settings)).toThrow(error);
  });

  it.each([
    [{ allowedLocations: [] }, /allowedLocations/],
    [{ allowedLocations: ['europe'] , additionalServices: ['pubsub'] }, /must be a service name like 'pubsub.googleapis.com'/],
    [{ allowedLocations: ['in:europe'] }, /must be a value group like 'in:europe-locations'/],
    [{ ...valid, auditLogs: { logTypes: ['ADMIN_WRITE'] } }, /auditLogs/],
  ])('rejects settings %j', (settings, error) => {
    expect(() => projectBaselineSettings.parse(settings)).toThrow(error);
  });

  it('adds extra APIs and constraints from settings', () => {
    const settings = projectBaselineSettings.parse({ ...valid, additionalServices: ['pubsub.googleapis.com'], additionalConstraints: { 'compute.skipDefaultNetworkCreation': true } });
    const json = JSON.parse(synthesizeStack(projectBaselineStack, dev, settings).json) as { output: { enabled_services: { value: string[] } } };
    expect(json.output.enabled_services.value).toContain('pubsub.googleapis.com');
    expect(JSON.stringify(json)).toContain('projects/acme-platform-dev/policies/compute.skipDefaultNetworkCreation');
  });
});
