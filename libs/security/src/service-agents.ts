import { DataResource, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataGoogleLoggingProjectCmekSettings } from '@cdktf/provider-google/lib/data-google-logging-project-cmek-settings';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import type { ProjectServices } from './project-services';
import { unresolved, validatePattern } from './private/validate';

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_NUMBER = /^[1-9][0-9]{5,18}$/;
const AGENT_KEY = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * How a service agent comes to exist, with the GA google provider 6.50.0 (which has no
 * `google_project_service_identity`: that resource is beta only):
 * - `enablement`: Google creates the agent when the API is enabled; the agent depends on the
 *   `google_project_service`.
 * - `storage-read`: the GA data source `google_storage_project_service_account` calls
 *   `projects.serviceAccount.get`, which creates the Cloud Storage agent; the read depends on the
 *   storage API's enablement, so a plan from an empty state defers it to apply.
 * - `logging-read`: the GA data source `google_logging_project_cmek_settings` calls
 *   `getCmekSettings`, which creates the Cloud Logging agent; deferred the same way.
 * - `on-demand`: Google creates the agent only when the service first needs it (the first Cloud
 *   SQL instance, the first CMEK secret), too late for a CMEK grant made beforehand: a
 *   `terraform_data` runs `gcloud beta services identity create` once per project and service.
 */
export type ServiceAgentCreation = 'enablement' | 'storage-read' | 'logging-read' | 'on-demand';

/** What the platform knows of one Google service agent. */
export interface ServiceAgentSpec {
  /** The agent's domain prefix: `service-<project number>@<prefix>.iam.gserviceaccount.com`. */
  readonly domainPrefix: string;
  readonly creation: ServiceAgentCreation;
}

/** The service agents {@link ServiceAgents} can create, by the API that owns them. */
export const SERVICE_AGENT_CATALOG: Readonly<Record<string, ServiceAgentSpec>> = {
  'storage.googleapis.com': { domainPrefix: 'gs-project-accounts', creation: 'storage-read' },
  'logging.googleapis.com': { domainPrefix: 'gcp-sa-logging', creation: 'logging-read' },
  'container.googleapis.com': { domainPrefix: 'container-engine-robot', creation: 'enablement' },
  'artifactregistry.googleapis.com': { domainPrefix: 'gcp-sa-artifactregistry', creation: 'enablement' },
  'run.googleapis.com': { domainPrefix: 'serverless-robot-prod', creation: 'enablement' },
  'sqladmin.googleapis.com': { domainPrefix: 'gcp-sa-cloud-sql', creation: 'on-demand' },
  'secretmanager.googleapis.com': { domainPrefix: 'gcp-sa-secretmanager', creation: 'on-demand' },
  'iap.googleapis.com': { domainPrefix: 'gcp-sa-iap', creation: 'on-demand' },
};

export interface ServiceAgentsProps {
  /** Project id the agents belong to. */
  readonly project: string;
  /** The project's number (digits): agent emails are `service-<number>@<prefix>.iam.gserviceaccount.com`. */
  readonly projectNumber: string;
  /** The enablement of the agents' APIs: each agent's API must be one of its services. */
  readonly services: ProjectServices;
  /**
   * Agents to create, by a stable key (the key of {@link ServiceAgents.emails} and of each
   * resource's address), each naming its API: `{ storage: 'storage.googleapis.com' }`.
   * The API must be in {@link SERVICE_AGENT_CATALOG}.
   */
  readonly agents: Readonly<Record<string, string>>;
  /**
   * The gcloud command that `on-demand` agents run (`<gcloud> beta services identity create`).
   * It authenticates as the engine does when the credentials come from
   * `google-github-actions/auth` (which sets `CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE`).
   * @default 'gcloud'
   */
  readonly gcloud?: string;
}

/**
 * Makes sure the Google service agents of a project exist before anything grants them a role
 * (a CMEK key, say): in a fresh project most do not exist until their API is enabled, and some
 * not until the service first needs them. Each agent is created the GA way that works for it
 * (see {@link ServiceAgentCreation} and {@link SERVICE_AGENT_CATALOG}):
 *
 * | API | Agent | Created by |
 * | --- | --- | --- |
 * | container, artifactregistry, run | `container-engine-robot`, `gcp-sa-artifactregistry`, `serverless-robot-prod` | enabling the API |
 * | storage | `gs-project-accounts` | data `google_storage_project_service_account` (depends on the API) |
 * | logging | `gcp-sa-logging` | data `google_logging_project_cmek_settings` (depends on the API) |
 * | sqladmin, secretmanager | `gcp-sa-cloud-sql`, `gcp-sa-secretmanager` | `terraform_data` with `local-exec` `gcloud beta services identity create` |
 *
 * The on-demand agents need the Google Cloud CLI with its beta commands where the engine runs
 * (GitHub-hosted runners have it; `gcloud components install beta` elsewhere). The command is
 * idempotent and runs again only when the project or the service changes (`triggers_replace`).
 *
 * Emails: computed from the project number, except the Cloud Storage and Cloud Logging agents,
 * whose emails are the ones their data sources return (the provider documentation prefers the
 * storage data source to the interpolated format, and the Logging agent that CMEK uses is the
 * one `getCmekSettings` names, which for projects whose agent predates today's naming is not
 * `service-<number>@gcp-sa-logging`). Those two are known after apply in a plan from zero.
 */
export class ServiceAgents extends Construct {
  /** Agent email by key (`storage` -> `service-123@gs-project-accounts.iam.gserviceaccount.com`). */
  public readonly emails: Readonly<Record<string, string>>;
  /** The resource or data source that creates each agent, by key: depend on it in the same stack. */
  public readonly creators: Readonly<Record<string, ITerraformDependable>>;

  constructor(scope: Construct, id: string, props: ServiceAgentsProps) {
    super(scope, id);
    const owner = `ServiceAgents '${id}'`;
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    validatePattern(owner, 'projectNumber', props.projectNumber, PROJECT_NUMBER, "use the project's number (digits only, e.g. '123456789012'), not its id");
    const entries = Object.entries(props.agents ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) {
      throw new Error(`${owner}: agents must name at least one API, e.g. { storage: 'storage.googleapis.com' }, got ${JSON.stringify(props.agents ?? null)}`);
    }
    const gcloud = props.gcloud ?? 'gcloud';
    if (!unresolved(gcloud) && !/^[A-Za-z0-9_./-]+$/.test(gcloud)) {
      throw new Error(`${owner}: gcloud '${gcloud}' must be a command name or path (letters, digits, '_', '.', '/', '-')`);
    }

    const emails: Record<string, string> = {};
    const creators: Record<string, ITerraformDependable> = {};
    const keyOf = new Map<string, string>();
    for (const [key, service] of entries) {
      validatePattern(owner, 'agents key', key, AGENT_KEY, "use 1-63 lowercase letters, digits or '-', starting with a letter");
      const spec = SERVICE_AGENT_CATALOG[service];
      if (spec === undefined) {
        throw new Error(
          `${owner}: agents.${key} '${service}' has no known service agent; use one of ${Object.keys(SERVICE_AGENT_CATALOG).sort().join(', ')}`,
        );
      }
      const other = keyOf.get(service);
      if (other !== undefined) throw new Error(`${owner}: agents.${key} '${service}' is already created under agents.${other}`);
      keyOf.set(service, key);
      const enablement = props.services.resourceFor(service);
      if (enablement === undefined) {
        throw new Error(
          `${owner}: agents.${key} needs '${service}' enabled first; add it to the services of ProjectServices '${props.services.node.id}'`,
        );
      }
      const computed = `service-${props.projectNumber}@${spec.domainPrefix}.iam.gserviceaccount.com`;
      switch (spec.creation) {
        case 'enablement':
          emails[key] = computed;
          creators[key] = enablement;
          break;
        case 'storage-read': {
          const read = new DataGoogleStorageProjectServiceAccount(this, key, { project: props.project, dependsOn: [enablement] });
          emails[key] = read.emailAddress;
          creators[key] = read;
          break;
        }
        case 'logging-read': {
          const read = new DataGoogleLoggingProjectCmekSettings(this, key, { project: props.project, dependsOn: [enablement] });
          emails[key] = read.serviceAccountId;
          creators[key] = read;
          break;
        }
        case 'on-demand': {
          const create = new DataResource(this, key, {
            triggersReplace: { project: props.project, service },
            dependsOn: [enablement],
            provisioners: [
              {
                type: 'local-exec',
                command: `${gcloud} beta services identity create --service=${service} --project=${props.project} --quiet`,
              },
            ],
          });
          emails[key] = computed;
          creators[key] = create;
          break;
        }
      }
    }
    this.emails = emails;
    this.creators = creators;
  }

  /** `serviceAccount:<email>` of the agent under `key`, for IAM grants. */
  public member(key: string): string {
    const email = this.emails[key];
    if (email === undefined) {
      throw new Error(`ServiceAgents '${this.node.id}': no agent '${key}'; known: ${Object.keys(this.emails).join(', ')}`);
    }
    return `serviceAccount:${email}`;
  }
}
