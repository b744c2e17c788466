import { Construct } from 'constructs';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { memberOf, type Grantee } from './principal';
import { validatePattern } from './private/validate';

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const SERVICE = /^(allServices|[a-z][a-z0-9-]*\.googleapis\.com)$/;

/** Data Access and Admin Read audit log types (Admin Activity logs are always on and not configurable). */
export type AuditLogType = 'ADMIN_READ' | 'DATA_READ' | 'DATA_WRITE';
/** Every configurable audit log type. */
export const AUDIT_LOG_TYPES: readonly AuditLogType[] = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'];

export interface AuditLogServiceConfig {
  /**
   * The log types turned on.
   * @default ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']
   */
  readonly logTypes?: readonly AuditLogType[];
  /**
   * Principals whose access is not logged, by log type (each type must be in `logTypes`), e.g. a
   * monitoring service account that reads all day: `{ DATA_READ: ['serviceAccount:...'] }`.
   * @default {}
   */
  readonly exemptedMembers?: Readonly<Partial<Record<AuditLogType, readonly Grantee[]>>>;
}

export interface AuditLoggingProps {
  /** Project id whose audit logging is configured. */
  readonly project: string;
  /**
   * Audit logging by service: `allServices` or a service name (`storage.googleapis.com`). Where
   * both are set, Google applies the union of the two for that service.
   * @default { allServices: {} } (every log type, for every service)
   */
  readonly services?: Readonly<Record<string, AuditLogServiceConfig>>;
}

/**
 * Cloud Audit Logs on a project: Admin Read and Data Access (read and write) logs per service
 * (`google_project_iam_audit_config`, authoritative for its service), with exempted members.
 * By default every log type for every service. Data Access logs can be voluminous: they are billed
 * as log ingestion beyond the free tier.
 */
export class AuditLogging extends Construct {
  /** The underlying `google_project_iam_audit_config` of each service. */
  public readonly auditConfigs: Readonly<Record<string, ProjectIamAuditConfig>>;

  constructor(scope: Construct, id: string, props: AuditLoggingProps) {
    super(scope, id);
    const owner = `AuditLogging '${id}'`;
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    const services = Object.entries(props.services ?? { allServices: {} }).sort(([a], [b]) => a.localeCompare(b));
    if (services.length === 0) {
      throw new Error(`${owner}: services must configure at least one service, e.g. { allServices: {} }; leave it out for every log type of every service`);
    }
    const auditConfigs: Record<string, ProjectIamAuditConfig> = {};
    for (const [service, config] of services) {
      validatePattern(owner, 'services key', service, SERVICE, "use 'allServices' or a service name like 'storage.googleapis.com'");
      const what = `${owner}: services.${service}`;
      const logTypes = config?.logTypes ?? AUDIT_LOG_TYPES;
      if (!Array.isArray(logTypes) || logTypes.length === 0) {
        throw new Error(`${what}.logTypes must name at least one of ${AUDIT_LOG_TYPES.join(', ')}, got ${JSON.stringify(logTypes)}`);
      }
      for (const type of logTypes) {
        if (!AUDIT_LOG_TYPES.includes(type)) {
          throw new Error(`${what}.logTypes has '${type}'; use ${AUDIT_LOG_TYPES.join(', ')} (Admin Activity logs are always on)`);
        }
      }
      const repeated = logTypes.find((type, i) => logTypes.indexOf(type) !== i);
      if (repeated !== undefined) throw new Error(`${what}.logTypes lists '${repeated}' more than once`);
      const exempted = config?.exemptedMembers ?? {};
      for (const type of Object.keys(exempted)) {
        if (!logTypes.includes(type as AuditLogType)) {
          throw new Error(`${what}.exemptedMembers.${type}: '${type}' is not in logTypes [${logTypes.join(', ')}]; exempt members only from a log type that is on`);
        }
      }
      auditConfigs[service] = new ProjectIamAuditConfig(this, service.replace(/\./g, '-'), {
        project: props.project,
        service,
        auditLogConfig: [...AUDIT_LOG_TYPES]
          .filter((type) => logTypes.includes(type))
          .map((logType) => {
            const members = (exempted[logType] ?? []).map((grantee, i) => memberOf(grantee, `${what}.exemptedMembers.${logType}[${i}]`));
            return { logType, exemptedMembers: members.length === 0 ? undefined : [...members].sort() };
          }),
      });
    }
    this.auditConfigs = auditConfigs;
  }
}
