import { Construct } from 'constructs';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { unresolved, validatePattern } from './private/validate';

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]*\.googleapis\.com$/;
const SERVICE_KEY = /^[a-z][a-z0-9-]{0,62}$/;

export interface ProjectServicesProps {
  /** Project id whose APIs are enabled. */
  readonly project: string;
  /**
   * APIs to enable, by a stable key (part of each resource's address): `{ storage: 'storage.googleapis.com' }`.
   * Each value is a service name `<name>.googleapis.com`; a service may appear under one key only.
   */
  readonly services: Readonly<Record<string, string>>;
}

/**
 * Enables Google APIs on a project (`google_project_service` per API). An API stays enabled when
 * the resource is destroyed (`disable_on_destroy = false`) and never takes dependent APIs down with
 * it (`disable_dependent_services = false`): disabling an API that other stacks' resources use
 * breaks them, and a teardown that leaves it on costs nothing.
 */
export class ProjectServices extends Construct {
  /** The enabled service names (`storage.googleapis.com`, ...), sorted. */
  public readonly enabledServices: string[];
  /** The underlying `google_project_service` of each key. */
  public readonly resources: Readonly<Record<string, ProjectService>>;

  private readonly byService = new Map<string, ProjectService>();

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    const owner = `ProjectServices '${id}'`;
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    const entries = Object.entries(props.services ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) {
      throw new Error(`${owner}: services must name at least one API, e.g. { storage: 'storage.googleapis.com' }, got ${JSON.stringify(props.services ?? null)}`);
    }
    const keyOf = new Map<string, string>();
    const resources: Record<string, ProjectService> = {};
    for (const [key, service] of entries) {
      validatePattern(owner, 'services key', key, SERVICE_KEY, "use 1-63 lowercase letters, digits or '-', starting with a letter");
      if (typeof service !== 'string') {
        throw new Error(`${owner}: services.${key} must be a service name like 'storage.googleapis.com', got ${JSON.stringify(service ?? null)}`);
      }
      validatePattern(owner, `services.${key}`, service, SERVICE_NAME, "use a service name '<name>.googleapis.com', e.g. 'storage.googleapis.com'");
      if (!unresolved(service)) {
        const other = keyOf.get(service);
        if (other !== undefined) {
          throw new Error(`${owner}: services.${key} '${service}' is already enabled under services.${other}; enable each API under one key`);
        }
        keyOf.set(service, key);
      }
      const resource = new ProjectService(this, key, {
        project: props.project,
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
      });
      resources[key] = resource;
      this.byService.set(service, resource);
    }
    this.resources = resources;
    this.enabledServices = entries.map(([, service]) => service).sort();
  }

  /** The `google_project_service` that enables `service` (`storage.googleapis.com`), if this construct enables it. */
  public resourceFor(service: string): ProjectService | undefined {
    return this.byService.get(service);
  }
}
