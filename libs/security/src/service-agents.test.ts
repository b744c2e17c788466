import { createRequire } from 'node:module';
import { TerraformOutput, Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ProjectServices } from './project-services';
import { SERVICE_AGENT_CATALOG, ServiceAgents, type ServiceAgentsProps } from './service-agents';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

// cdktf checks terraform_data by running `terraform version`; answer it as the platform's synth does
// (libs/core engine-version-checks), so these tests need no terraform on PATH.
(createRequire(import.meta.url)('cdktf/lib/util') as { terraformBinaryName: string }).terraformBinaryName = 'echo 1.7.0 #';

const NUMBER = '123456789012';
const ALL_APIS = Object.fromEntries(Object.keys(SERVICE_AGENT_CATALOG).map((service) => [service.split('.')[0]!, service]));

function build(scope: Parameters<Parameters<typeof synthGoogle>[0]>[0], agents: Record<string, string> = ALL_APIS, extra: Partial<ServiceAgentsProps> = {}) {
  const services = new ProjectServices(scope, 'apis', { project: PROJECT, services: ALL_APIS });
  return new ServiceAgents(scope, 'agents', { project: PROJECT, projectNumber: NUMBER, services, agents, ...extra });
}

describe('ServiceAgents', () => {
  it('given agents created by enabling their API, when synthesized, then they add no resource and their emails come from the project number', () => {
    let agents: ServiceAgents | undefined;
    const out = synthGoogle((scope) => {
      agents = build(scope, { container: 'container.googleapis.com', artifactregistry: 'artifactregistry.googleapis.com', run: 'run.googleapis.com' });
    });
    expect(out.count()).toBe(Object.keys(ALL_APIS).length); // the enablements only
    expect(agents!.emails).toEqual({
      artifactregistry: `service-${NUMBER}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
      container: `service-${NUMBER}@container-engine-robot.iam.gserviceaccount.com`,
      run: `service-${NUMBER}@serverless-robot-prod.iam.gserviceaccount.com`,
    });
    expect(agents!.member('run')).toBe(`serviceAccount:service-${NUMBER}@serverless-robot-prod.iam.gserviceaccount.com`);
  });

  it('given the storage and logging agents, when synthesized, then GA data sources create them after their API is enabled and give their emails', () => {
    const out = synthGoogle((scope) => {
      const agents = build(scope, { storage: 'storage.googleapis.com', logging: 'logging.googleapis.com' });
      new TerraformOutput(scope, 'emails', { value: agents.emails });
    });
    const storage = Object.values(out.data['google_storage_project_service_account'] ?? {});
    const logging = Object.values(out.data['google_logging_project_cmek_settings'] ?? {});
    expect(storage).toEqual([
      expect.objectContaining({ project: PROJECT, depends_on: [expect.stringMatching(/^google_project_service\.apis_storage_\w+$/)] }),
    ]);
    expect(logging).toEqual([
      expect.objectContaining({ project: PROJECT, depends_on: [expect.stringMatching(/^google_project_service\.apis_logging_\w+$/)] }),
    ]);
    expect(out.output.emails!.value).toEqual({
      logging: expect.stringMatching(/^\$\{data\.google_logging_project_cmek_settings\.agents_logging_\w+\.service_account_id\}$/),
      storage: expect.stringMatching(/^\$\{data\.google_storage_project_service_account\.agents_storage_\w+\.email_address\}$/),
    });
  });

  it('given agents created only on demand, when synthesized, then a terraform_data runs gcloud once per project and service, after the API is enabled', () => {
    let agents: ServiceAgents | undefined;
    const out = synthGoogle((scope) => {
      agents = build(scope, { sql: 'sqladmin.googleapis.com', secrets: 'secretmanager.googleapis.com' });
    });
    const data = out.resourcesOf('terraform_data');
    expect(Object.keys(data).sort()).toEqual([expect.stringMatching(/^agents_secrets_/), expect.stringMatching(/^agents_sql_/)]);
    expect(Object.values(data)).toContainEqual({
      triggers_replace: { project: PROJECT, service: 'sqladmin.googleapis.com' },
      depends_on: [expect.stringMatching(/^google_project_service\.apis_sqladmin_\w+$/)],
      provisioner: [
        { 'local-exec': { command: `gcloud beta services identity create --service=sqladmin.googleapis.com --project=${PROJECT} --quiet` } },
      ],
    });
    expect(agents!.emails).toEqual({
      secrets: `service-${NUMBER}@gcp-sa-secretmanager.iam.gserviceaccount.com`,
      sql: `service-${NUMBER}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    });
  });

  it('given another gcloud, when synthesized, then the on-demand agents run it', () => {
    const out = synthGoogle((scope) => {
      build(scope, { sql: 'sqladmin.googleapis.com' }, { gcloud: '/opt/google-cloud-sdk/bin/gcloud' });
    });
    expect(JSON.stringify(out.resourcesOf('terraform_data'))).toContain('/opt/google-cloud-sdk/bin/gcloud beta services identity create');
  });

  it('exposes, for each agent, what creates it, so a grant in the same stack can depend on it', () => {
    const agents = build(googleStack());
    expect(Object.keys(agents.creators).sort()).toEqual(Object.keys(ALL_APIS).sort());
  });

  it.each<[string, Partial<ServiceAgentsProps>, RegExp]>([
    ['an unknown API', { agents: { pubsub: 'pubsub.googleapis.com' } }, /ServiceAgents 'agents': agents.pubsub 'pubsub.googleapis.com' has no known service agent; use one of artifactregistry.googleapis.com, /],
    ['the same API twice', { agents: { a: 'run.googleapis.com', b: 'run.googleapis.com' } }, /agents.b 'run.googleapis.com' is already created under agents.a/],
    ['no agents', { agents: {} }, /agents must name at least one API/],
    ['a bad key', { agents: { Run: 'run.googleapis.com' } }, /agents key 'Run' is invalid/],
    ['a project id as number', { projectNumber: 'my-project' }, /projectNumber 'my-project' is invalid: use the project's number/],
    ['a gcloud with a shell word', { gcloud: 'gcloud; rm -rf /' }, /gcloud 'gcloud; rm -rf \/' must be a command name or path/],
  ])('given %s, when constructed, then it is refused', (_case, override, error) => {
    const scope = googleStack();
    const services = new ProjectServices(scope, 'apis', { project: PROJECT, services: ALL_APIS });
    expect(() => new ServiceAgents(scope, 'agents', { project: PROJECT, projectNumber: NUMBER, services, agents: ALL_APIS, ...override })).toThrow(error);
  });

  it('given an agent whose API is not enabled by the services, when constructed, then it says which API to add', () => {
    const scope = googleStack();
    const services = new ProjectServices(scope, 'apis', { project: PROJECT, services: { kms: 'cloudkms.googleapis.com' } });
    expect(() => new ServiceAgents(scope, 'agents', { project: PROJECT, projectNumber: NUMBER, services, agents: { run: 'run.googleapis.com' } })).toThrow(
      /agents.run needs 'run.googleapis.com' enabled first; add it to the services of ProjectServices 'apis'/,
    );
  });

  it('given a key it does not have, when member is called, then it names the keys it has', () => {
    const agents = build(googleStack(), { run: 'run.googleapis.com' });
    expect(() => agents.member('gke')).toThrow(/ServiceAgents 'agents': no agent 'gke'; known: run/);
  });

  it('given a project and number only known at deploy time, when constructed, then validation skips them', () => {
    const scope = googleStack();
    const token = Token.asString({ resolve: () => 'x' });
    const services = new ProjectServices(scope, 'apis', { project: token, services: ALL_APIS });
    const agents = new ServiceAgents(scope, 'agents', { project: token, projectNumber: token, services, agents: { run: 'run.googleapis.com' } });
    expect(agents.emails.run).toMatch(/^service-\$\{TfToken\[.*@serverless-robot-prod\.iam\.gserviceaccount\.com$/);
  });
});
