/**
 * Predefined IAM roles used by the platform's intent methods (`key.grantEncryptDecrypt(sa)`,
 * `secret.grantAccessor(sa)`, ...). Stacks refer to these constants instead of scattering raw role
 * strings, so a role change is one edit and a review can see every grant's purpose.
 */
export const Roles = {
  // Cloud KMS
  kmsEncrypterDecrypter: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
  kmsEncrypter: 'roles/cloudkms.cryptoKeyEncrypter',
  kmsDecrypter: 'roles/cloudkms.cryptoKeyDecrypter',
  kmsViewer: 'roles/cloudkms.viewer',
  // Secret Manager
  secretAccessor: 'roles/secretmanager.secretAccessor',
  secretVersionAdder: 'roles/secretmanager.secretVersionAdder',
  secretViewer: 'roles/secretmanager.viewer',
  // Observability (the usual runtime trio)
  logWriter: 'roles/logging.logWriter',
  metricWriter: 'roles/monitoring.metricWriter',
  monitoringViewer: 'roles/monitoring.viewer',
  traceAgent: 'roles/cloudtrace.agent',
  errorReportingWriter: 'roles/errorreporting.writer',
  // Artifact Registry
  artifactReader: 'roles/artifactregistry.reader',
  artifactWriter: 'roles/artifactregistry.writer',
  // Cloud Storage
  storageObjectViewer: 'roles/storage.objectViewer',
  storageObjectCreator: 'roles/storage.objectCreator',
  storageObjectUser: 'roles/storage.objectUser',
  // Cloud SQL
  cloudSqlClient: 'roles/cloudsql.client',
  cloudSqlInstanceUser: 'roles/cloudsql.instanceUser',
  // Pub/Sub
  pubsubPublisher: 'roles/pubsub.publisher',
  pubsubSubscriber: 'roles/pubsub.subscriber',
  // GKE
  gkeDefaultNodeServiceAccount: 'roles/container.defaultNodeServiceAccount',
  // Networking: a Shared VPC subnet used from a service project
  computeNetworkUser: 'roles/compute.networkUser',
  // Cloud Run and Identity-Aware Proxy
  runInvoker: 'roles/run.invoker',
  iapHttpsResourceAccessor: 'roles/iap.httpsResourceAccessor',
  // Service accounts (impersonation and attaching to workloads)
  serviceAccountUser: 'roles/iam.serviceAccountUser',
  serviceAccountTokenCreator: 'roles/iam.serviceAccountTokenCreator',
  workloadIdentityUser: 'roles/iam.workloadIdentityUser',
} as const;

/** One of the role strings in {@link Roles}. */
export type Role = (typeof Roles)[keyof typeof Roles];

/**
 * The basic ("primitive") roles: project-wide and far broader than any workload needs.
 * The guardrails refuse them for every grant.
 */
export const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'] as const;

/** True when `role` is one of {@link PRIMITIVE_ROLES}. */
export function isPrimitiveRole(role: string): boolean {
  return (PRIMITIVE_ROLES as readonly string[]).includes(role);
}
