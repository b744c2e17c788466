import { Roles } from '@platform/security';

/**
 * What each pipeline stage may do in its environment's project: predefined roles only, the least
 * that the stacks' resources need (project-baseline, network, security, database, gke-cluster,
 * app-service, edge, observability). Three things cannot be granted on a project and are granted
 * by the organisation's admins instead: organization policies (roles/orgpolicy.policyAdmin on the
 * organization), Shared VPC host and attachments (roles/compute.xpnAdmin on the organization or
 * folder) and billing budgets (roles/billing.costsManager on the billing account).
 * A stack that manages a new kind of resource adds its service's role here, in both stages.
 * State and artifact store access is granted on those buckets, not here.
 */

/** Plan (pull requests, drift): read every managed resource and its IAM policy, never write. */
export const PLAN_PROJECT_ROLES = {
  // VPC, subnets, routes, Cloud NAT, firewall rules, private service access addresses
  compute: 'roles/compute.viewer',
  // Key rings and keys (bootstrap, security)
  kms: 'roles/cloudkms.viewer',
  // IAM policies of the project and of keys, secrets, buckets and service accounts (the *_iam_member grants)
  'iam-policies': 'roles/iam.securityReviewer',
  'service-accounts': 'roles/iam.serviceAccountViewer',
  'workload-identity-pools': 'roles/iam.workloadIdentityPoolViewer',
  // Secret containers' metadata, never their values
  secrets: 'roles/secretmanager.viewer',
  sql: 'roles/cloudsql.viewer',
  gke: 'roles/container.clusterViewer',
  run: 'roles/run.viewer',
  'artifact-registry': 'roles/artifactregistry.reader',
  // Enabled APIs, organization policies and audit configs (project-baseline)
  'service-usage': 'roles/serviceusage.serviceUsageViewer',
  'org-policies': 'roles/orgpolicy.policyViewer',
  // Log buckets and sinks, alert policies and notification channels (observability)
  logging: 'roles/logging.viewer',
  monitoring: 'roles/monitoring.viewer',
} as const;

/** Deploy (apply, promote, drill): create, change and delete what the stacks manage. */
export const DEPLOY_PROJECT_ROLES = {
  // VPC, subnets, routers and Cloud NAT, the private service access range (network)
  'compute-network': 'roles/compute.networkAdmin',
  // Firewall rules (network)
  'compute-security': 'roles/compute.securityAdmin',
  // The private service access peering (network)
  'service-networking': 'roles/servicenetworking.networksAdmin',
  // Key rings, keys and their grants to service agents (security)
  kms: 'roles/cloudkms.admin',
  // Workload service accounts (security)
  'service-accounts': 'roles/iam.serviceAccountAdmin',
  // Attaching those accounts to GKE nodes and Cloud Run (gke-cluster, app-service)
  'act-as': 'roles/iam.serviceAccountUser',
  // The workload accounts' project roles (security)
  'project-iam': 'roles/resourcemanager.projectIamAdmin',
  // Secret containers and their accessors (security); values are added out of band
  secrets: 'roles/secretmanager.admin',
  sql: 'roles/cloudsql.admin',
  gke: 'roles/container.clusterAdmin',
  run: 'roles/run.admin',
  'artifact-registry': 'roles/artifactregistry.admin',
  // API enablement; the service agents created on demand (project-baseline)
  'service-usage': 'roles/serviceusage.serviceUsageAdmin',
  // Log buckets and sinks (observability)
  logging: 'roles/logging.configWriter',
  // Alert policies and notification channels (observability)
  'monitoring-alerts': 'roles/monitoring.alertPolicyEditor',
  'monitoring-channels': 'roles/monitoring.notificationChannelEditor',
  // The external load balancer: address, certificate, SSL policy, URL maps, proxies, forwarding rules (edge)
  'load-balancer': 'roles/compute.loadBalancerAdmin',
  // IAP on the backend service and who may pass it (edge)
  iap: 'roles/iap.admin',
} as const;

/**
 * Where the deploy account also applies the foundation stacks (`deploy.appliesFoundation`, the
 * drill): the state buckets (bootstrap) and the pool (ci-identity).
 */
export const FOUNDATION_PROJECT_ROLES = {
  storage: 'roles/storage.admin',
  'workload-identity-pools': 'roles/iam.workloadIdentityPoolAdmin',
} as const;

/** Bucket-level roles on the state bucket and the artifact store. */
export const BUCKET_ROLES = {
  objectViewer: Roles.storageObjectViewer,
  objectCreator: Roles.storageObjectCreator,
  objectUser: Roles.storageObjectUser,
  // storage.buckets.get and storage.objects.list: refreshing the bootstrap stack's buckets
  bucketReader: 'roles/storage.legacyBucketReader',
} as const;
