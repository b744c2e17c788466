import { ComputeRegionBackendService } from '@cdktf/provider-google/lib/compute-region-backend-service';
import { ProjectIamBinding } from '@cdktf/provider-google/lib/project-iam-binding';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamPolicy } from '@cdktf/provider-google/lib/project-iam-policy';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketAccessControl } from '@cdktf/provider-google/lib/storage-bucket-access-control';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { StorageBucketIamPolicy } from '@cdktf/provider-google/lib/storage-bucket-iam-policy';
import type { TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { KmsKey } from '../kms';
import { Secret } from '../secret';
import { ServiceAccount } from '../service-account';
import { ProjectIamGrant } from '../iam';
import { Roles } from '../roles';
import { compliant } from '../__fixtures__/compliant';
import { googleStack, KEY_ID, PROJECT } from '../__fixtures__/stack';
import { evaluatePolicy } from './evaluate';
import { guardrails } from './guardrails';
import type { EnvironmentTier, PolicyContext } from './types';

const LABELS = { team: 'platform', environment: 'prod' };

function context(tier: EnvironmentTier = 'production', requiredLabels: readonly string[] = ['team', 'environment']): PolicyContext {
  return { environment: tier === 'production' ? 'prod' : tier === 'staging' ? 'stage' : 'dev', tier, requiredLabels };
}

const addressOf = (resource: TerraformResource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

const publicPolicy = JSON.stringify({ bindings: [{ role: 'roles/storage.objectViewer', members: ['allUsers', 'group:ops@example.com'] }] });
const editorPolicy = JSON.stringify({ bindings: [{ role: 'roles/editor', members: ['group:ops@example.com'] }] });

interface Case {
  readonly rule: string;
  readonly name: string;
  readonly seed: (stack: TerraformStack) => TerraformResource;
  readonly message: RegExp;
  readonly tier?: EnvironmentTier;
}

const violations: Case[] = [
  // cmek-required
  { rule: 'cmek-required', name: 'a bucket without a default KMS key', seed: (s) => compliant.bucket(s, 'b', { encryption: undefined }), message: /encryption.default_kms_key_name is unset/ },
  { rule: 'cmek-required', name: 'a Cloud SQL instance without encryption_key_name', seed: (s) => compliant.sql(s, 'db', { encryptionKeyName: undefined }), message: /encryption_key_name is unset/ },
  { rule: 'cmek-required', name: 'an Artifact Registry repository without kms_key_name', seed: (s) => compliant.repository(s, 'r', { kmsKeyName: undefined }), message: /kms_key_name is unset/ },
  { rule: 'cmek-required', name: 'a secret with automatic Google-managed replication', seed: (s) => compliant.secret(s, 's', { replication: { auto: {} } }), message: /replication.auto.customer_managed_encryption.kms_key_name is unset/ },
  { rule: 'cmek-required', name: 'a secret replica without a key', seed: (s) => compliant.secret(s, 's', { replication: { userManaged: { replicas: [{ location: 'europe-west1' }] } } }), message: /replica in location "europe-west1" has customer_managed_encryption.kms_key_name unset/ },
  { rule: 'cmek-required', name: 'a GKE cluster without application-layer secrets encryption', seed: (s) => compliant.cluster(s, 'c', { databaseEncryption: { state: 'DECRYPTED' } }), message: /database_encryption is state "DECRYPTED" with key_name unset/ },
  { rule: 'cmek-required', name: 'a Pub/Sub topic without kms_key_name', seed: (s) => compliant.topic(s, 't', { kmsKeyName: undefined }), message: /kms_key_name is unset/ },
  { rule: 'cmek-required', name: 'a BigQuery dataset without a default key', seed: (s) => compliant.dataset(s, 'd', { defaultEncryptionConfiguration: undefined }), message: /default_encryption_configuration.kms_key_name is unset/ },
  { rule: 'cmek-required', name: 'a disk without a KMS key', seed: (s) => compliant.disk(s, 'd', { diskEncryptionKey: undefined }), message: /disk_encryption_key.kms_key_self_link is unset/ },
  { rule: 'cmek-required', name: 'a Cloud Run service without encryption_key', seed: (s) => compliant.runService(s, 'run', { template: { containers: [{ image: 'nginx' }] } }), message: /template.encryption_key is unset/ },
  // no-public-buckets
  { rule: 'no-public-buckets', name: 'a bucket without uniform bucket-level access', seed: (s) => compliant.bucket(s, 'b', { uniformBucketLevelAccess: false }), message: /uniform_bucket_level_access is false/ },
  { rule: 'no-public-buckets', name: 'a bucket that inherits public access prevention', seed: (s) => compliant.bucket(s, 'b', { publicAccessPrevention: 'inherited' }), message: /public_access_prevention is "inherited"/ },
  { rule: 'no-public-buckets', name: 'a bucket that leaves both unset', seed: (s) => compliant.bucket(s, 'b', { publicAccessPrevention: undefined }), message: /public_access_prevention is unset/ },
  // no-public-iam
  { rule: 'no-public-iam', name: 'a bucket IAM member for allUsers', seed: (s) => new StorageBucketIamMember(s, 'public', { bucket: 'b', role: 'roles/storage.objectViewer', member: 'allUsers' }), message: /member includes 'allUsers' \(role roles\/storage.objectViewer\)/ },
  { rule: 'no-public-iam', name: 'a project IAM binding for allAuthenticatedUsers', seed: (s) => new ProjectIamBinding(s, 'public', { project: PROJECT, role: Roles.logWriter, members: ['group:ops@example.com', 'allAuthenticatedUsers'] }), message: /members includes 'allAuthenticatedUsers'/ },
  { rule: 'no-public-iam', name: 'a literal bucket IAM policy naming allUsers', seed: (s) => new StorageBucketIamPolicy(s, 'public', { bucket: 'b', policyData: publicPolicy }), message: /policy_data grants roles\/storage.objectViewer to 'allUsers'/ },
  { rule: 'no-public-iam', name: 'a bucket ACL entry for allUsers', seed: (s) => new StorageBucketAccessControl(s, 'public', { bucket: 'b', role: 'READER', entity: 'allUsers' }), message: /entity is 'allUsers'/ },
  // no-primitive-roles
  { rule: 'no-primitive-roles', name: 'a project IAM member with roles/owner', seed: (s) => new ProjectIamMember(s, 'owner', { project: PROJECT, role: 'roles/owner', member: 'user:ana@example.com' }), message: /role is roles\/owner \(granted to user:ana@example.com\)/ },
  { rule: 'no-primitive-roles', name: 'a project IAM binding with roles/editor', seed: (s) => new ProjectIamBinding(s, 'editors', { project: PROJECT, role: 'roles/editor', members: ['group:ops@example.com'] }), message: /role is roles\/editor/ },
  { rule: 'no-primitive-roles', name: 'a bucket IAM member with roles/viewer', seed: (s) => new StorageBucketIamMember(s, 'viewer', { bucket: 'b', role: 'roles/viewer', member: 'group:ops@example.com' }), message: /role is roles\/viewer/ },
  { rule: 'no-primitive-roles', name: 'a literal project IAM policy with roles/editor', seed: (s) => new ProjectIamPolicy(s, 'policy', { project: PROJECT, policyData: editorPolicy }), message: /policy_data grants primitive role roles\/editor to group:ops@example.com/ },
  // no-open-admin-ingress
  { rule: 'no-open-admin-ingress', name: 'SSH from 0.0.0.0/0', seed: (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'tcp', ports: ['22'] }] }), message: /allows tcp ports \[22\] from 0.0.0.0\/0, which opens 22 \(SSH\) to the internet/ },
  { rule: 'no-open-admin-ingress', name: 'a port range covering SSH from ::/0', seed: (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'tcp', ports: ['20-25'] }], sourceRanges: ['::/0'] }), message: /ports \[20-25\] from ::\/0, which opens 22 \(SSH\)/ },
  { rule: 'no-open-admin-ingress', name: 'RDP over UDP from anywhere', seed: (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'udp', ports: ['3389'] }], direction: 'INGRESS' }), message: /opens 3389 \(RDP\)/ },
  { rule: 'no-open-admin-ingress', name: 'every port of tcp', seed: (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'tcp' }] }), message: /allows tcp on every port from 0.0.0.0\/0, which opens 22 \(SSH\), 3389 \(RDP\)/ },
  { rule: 'no-open-admin-ingress', name: "protocol 'all'", seed: (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'all' }], sourceRanges: ['10.0.0.0/8', '0.0.0.0/0'] }), message: /allows all on every port from 0.0.0.0\/0/ },
  // private-nodes
  { rule: 'private-nodes', name: 'a GKE cluster without private nodes', seed: (s) => compliant.cluster(s, 'c', { privateClusterConfig: undefined }), message: /private_cluster_config.enable_private_nodes is unset/ },
  { rule: 'private-nodes', name: 'a node pool that turns private nodes off', seed: (s) => compliant.nodePool(s, 'p', { networkConfig: { enablePrivateNodes: false } }), message: /network_config.enable_private_nodes is false/ },
  { rule: 'private-nodes', name: 'a VM with an external IP', seed: (s) => compliant.instance(s, 'vm', { networkInterface: [{ network: 'default', accessConfig: [{}] }] }), message: /network_interface\[0\].access_config is set/ },
  { rule: 'private-nodes', name: 'a Cloud SQL instance with a public IP', seed: (s) => compliant.sql(s, 'db', { settings: { tier: 'db-f1-micro', deletionProtectionEnabled: true, ipConfiguration: { ipv4Enabled: true } } }), message: /settings.ip_configuration.ipv4_enabled is true/ },
  { rule: 'private-nodes', name: 'a Cloud SQL instance relying on the public-IP default', seed: (s) => compliant.sql(s, 'db', { settings: { tier: 'db-f1-micro', deletionProtectionEnabled: true } }), message: /settings.ip_configuration.ipv4_enabled is unset \(the API default is true\)/ },
  // deletion-protection
  { rule: 'deletion-protection', name: 'a production Cloud SQL instance without Terraform deletion protection', seed: (s) => compliant.sql(s, 'db', { deletionProtection: false }), message: /deletion_protection is false: Terraform may destroy the production database/ },
  { rule: 'deletion-protection', name: 'a production Cloud SQL instance without API deletion protection', seed: (s) => compliant.sql(s, 'db', { settings: { tier: 'db-f1-micro', ipConfiguration: { ipv4Enabled: false } } }), message: /settings.deletion_protection_enabled is unset/ },
  { rule: 'deletion-protection', name: 'a production GKE cluster with deletion_protection false', seed: (s) => compliant.cluster(s, 'c', { deletionProtection: false }), message: /deletion_protection is false: Terraform may destroy the production cluster/ },
  { rule: 'deletion-protection', name: 'a production bucket with force_destroy', seed: (s) => compliant.bucket(s, 'b', { forceDestroy: true }), message: /force_destroy is true in production environment 'prod'/ },
  { rule: 'deletion-protection', name: 'a staging bucket with force_destroy', tier: 'staging', seed: (s) => compliant.bucket(s, 'b', { forceDestroy: true }), message: /force_destroy is true in staging environment 'stage'/ },
  { rule: 'deletion-protection', name: 'a production dataset that deletes its tables on destroy', seed: (s) => compliant.dataset(s, 'd', { deleteContentsOnDestroy: true }), message: /delete_contents_on_destroy is true/ },
  { rule: 'deletion-protection', name: 'a production Spanner database with deletion_protection false', seed: (s) => compliant.spanner(s, 'sp', { deletionProtection: false }), message: /deletion_protection is false/ },
  { rule: 'deletion-protection', name: 'a production AlloyDB cluster with deletion_policy FORCE', seed: (s) => compliant.alloydb(s, 'a', { deletionPolicy: 'FORCE' }), message: /deletion_policy is "FORCE"/ },
  // labels-required
  { rule: 'labels-required', name: 'a labelled resource whose label value breaks the GCP rules', seed: (s) => compliant.topic(s, 't', { labels: { owner: 'Ana Smith' } }), message: /label owner value 'Ana Smith' is invalid/ },
  { rule: 'labels-required', name: 'a labelled resource whose label key breaks the GCP rules', seed: (s) => compliant.topic(s, 't', { labels: { CostCenter: 'x' } }), message: /label key 'CostCenter' is invalid/ },
  // no-secret-values
  { rule: 'no-secret-values', name: 'a secret version with secret_data', seed: (s) => new SecretManagerSecretVersion(s, 'v', { secret: 'projects/my-project/secrets/api-token', secretData: 'hunter2' }), message: /secret_data is set \(value not shown\)/ },
  { rule: 'no-secret-values', name: 'a SQL user with a literal password', seed: (s) => new SqlUser(s, 'u', { instance: 'db', name: 'app', password: 'hunter2' }), message: /password is a literal \(value not shown\)/ },
  { rule: 'no-secret-values', name: 'a service account key', seed: (s) => new ServiceAccountKey(s, 'k', { serviceAccountId: 'app@my-project.iam.gserviceaccount.com' }), message: /a service account key is created/ },
  // cloud-armor-on-external-backends
  { rule: 'cloud-armor-on-external-backends', name: 'an external managed backend service without a security policy', seed: (s) => compliant.backendService(s, 'api', { securityPolicy: undefined }), message: /load_balancing_scheme is "EXTERNAL_MANAGED" and security_policy is unset/ },
  { rule: 'cloud-armor-on-external-backends', name: 'a backend service on the provider default scheme without a security policy', seed: (s) => compliant.backendService(s, 'api', { loadBalancingScheme: undefined, securityPolicy: undefined }), message: /load_balancing_scheme is "EXTERNAL" \(the provider default\) and security_policy is unset/ },
  { rule: 'cloud-armor-on-external-backends', name: 'a regional external backend service without a security policy', seed: (s) => new ComputeRegionBackendService(s, 'regional', { name: 'regional', region: 'europe-west1', loadBalancingScheme: 'EXTERNAL_MANAGED' }), message: /load_balancing_scheme is "EXTERNAL_MANAGED" and security_policy is unset/ },
];

describe('guardrails', () => {
  it('has the rule ids of the policy pack, each described', () => {
    expect(guardrails.map((r) => r.id)).toEqual([
      'cmek-required',
      'no-public-buckets',
      'no-public-iam',
      'no-primitive-roles',
      'no-open-admin-ingress',
      'private-nodes',
      'deletion-protection',
      'labels-required',
      'no-secret-values',
      'cloud-armor-on-external-backends',
    ]);
    for (const rule of guardrails) expect(rule.description.length).toBeGreaterThan(20);
  });

  it.each(violations.map((c) => [c.rule, c.name, c] as const))('%s catches %s', (rule, _name, c) => {
    const stack = googleStack(LABELS);
    const resource = c.seed(stack);
    const found = evaluatePolicy(stack, context(c.tier));
    expect(found).toEqual([
      expect.objectContaining({ rule, address: addressOf(resource), path: resource.node.path, message: expect.stringMatching(c.message), fix: expect.any(String) }),
    ]);
    expect(found[0].fix.length).toBeGreaterThan(10);
    expect(JSON.stringify(found)).not.toContain('hunter2');
  });

  // The fix is read by someone editing TypeScript: cdktf props (publicAccessPrevention), not HCL (public_access_prevention = ...).
  it.each(violations.map((c) => [c.rule, c.name, c] as const))('%s says how to fix %s in the TypeScript props', (_rule, _name, c) => {
    const stack = googleStack(LABELS);
    c.seed(stack);
    const [violation] = evaluatePolicy(stack, context(c.tier));
    expect(violation!.fix).not.toMatch(/\b[a-z0-9]+_[a-z0-9_]+\b(?!')/);
    expect(violation!.fix).not.toMatch(/ = /);
  });

  it('names the prop and value of a public bucket fix as TypeScript sets them', () => {
    const stack = googleStack(LABELS);
    new StorageBucket(stack, 'b', { name: 'b', location: 'EU', uniformBucketLevelAccess: true, publicAccessPrevention: 'inherited', encryption: { defaultKmsKeyName: 'k' } });
    expect(evaluatePolicy(stack, context('development')).map((v) => v.fix)).toEqual(["set publicAccessPrevention: 'enforced' in the StorageBucket props"]);
  });

  it.each(guardrails.map((r) => r.id))('rule %s has at least one seeded violation', (id) => {
    expect(violations.some((c) => c.rule === id)).toBe(true);
  });
});

describe('a compliant production stack', () => {
  it('has zero violations', () => {
    const stack = googleStack(LABELS);
    const key = new KmsKey(stack, 'key', { keyRing: 'projects/my-project/locations/europe-west1/keyRings/platform', name: 'app' });
    const sa = new ServiceAccount(stack, 'runtime', { accountId: 'app-runtime', project: PROJECT, projectRoles: { logs: Roles.logWriter } });
    key.grantEncryptDecrypt(sa);
    new Secret(stack, 'db-password', { secretId: 'db-password', replicas: { 'europe-west1': { kmsKeyName: key.id } } }).grantAccessor(sa);
    new ProjectIamGrant(stack, 'ops', { project: PROJECT, role: Roles.monitoringViewer, member: 'group:ops@example.com' });
    for (const build of Object.values(compliant)) build(stack);
    new SqlUser(stack, 'iam-user', { instance: 'db', name: 'app@my-project.iam', type: 'CLOUD_IAM_SERVICE_ACCOUNT' });
    expect(evaluatePolicy(stack, context())).toEqual([]);
  });
});

describe('what the rules let through', () => {
  const passes: Array<[string, (stack: TerraformStack) => void, EnvironmentTier?]> = [
    ['a key reference where a key must be present', (s) => compliant.bucket(s, 'b', { encryption: { defaultKmsKeyName: '${google_kms_crypto_key.k.id}' } })],
    ['a reference where a boolean must be true', (s) => compliant.bucket(s, 'b', { uniformBucketLevelAccess: '${var.uniform}' as never })],
    ['a secret with automatic replication and a CMEK key', (s) => compliant.secret(s, 's', { replication: { auto: { customerManagedEncryption: { kmsKeyName: KEY_ID } } } })],
    ['HTTPS from anywhere', (s) => compliant.firewall(s, 'fw')],
    ['SSH from the IAP range', (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: ['35.235.240.0/20'] })],
    ['SSH egress', (s) => compliant.firewall(s, 'fw', { direction: 'EGRESS', allow: [{ protocol: 'tcp', ports: ['22'] }], sourceRanges: undefined, destinationRanges: ['0.0.0.0/0'] })],
    ['a deny rule for SSH from anywhere', (s) => compliant.firewall(s, 'fw', { allow: undefined, deny: [{ protocol: 'tcp', ports: ['22'] }] })],
    ['ICMP from anywhere', (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'icmp' }] })],
    ['a disabled SSH rule', (s) => compliant.firewall(s, 'fw', { disabled: true, allow: [{ protocol: 'tcp', ports: ['22'] }] })],
    ['ports around but not covering SSH/RDP', (s) => compliant.firewall(s, 'fw', { allow: [{ protocol: 'tcp', ports: ['23-3388', '3390-65535', '21'] }] })],
    ['force_destroy in development', (s) => compliant.bucket(s, 'b', { forceDestroy: true }), 'development'],
    ['deletion_protection false outside production', (s) => compliant.cluster(s, 'c', { deletionProtection: false }), 'staging'],
    ['a SQL password from a reference', (s) => new SqlUser(s, 'u', { instance: 'db', name: 'app', password: '${random_password.db.result}' })],
    ['a public-looking member that is a reference', (s) => new StorageBucketIamMember(s, 'm', { bucket: 'b', role: Roles.storageObjectViewer, member: '${var.member}' })],
    ['an IAM policy from a reference', (s) => new StorageBucketIamPolicy(s, 'p', { bucket: 'b', policyData: '${data.google_iam_policy.p.policy_data}' })],
  ];
  it.each(passes)('allows %s', (_name, build, tier) => {
    const stack = googleStack(LABELS);
    build(stack);
    expect(evaluatePolicy(stack, context(tier))).toEqual([]);
  });
});

describe('labels-required', () => {
  const ctx = context('development', ['team', 'cost-center']);

  it('given a provider without default labels, when a labelled resource lacks them, then it names the missing keys', () => {
    const stack = googleStack();
    const topic = compliant.topic(stack, 't', { labels: { team: 'data' } });
    expect(evaluatePolicy(stack, ctx)).toEqual([
      expect.objectContaining({
        rule: 'labels-required',
        address: addressOf(topic),
        message: 'missing required label cost-center (labels seen: team)',
      }),
    ]);
  });

  it('given provider default labels, when merged with the resource labels, then together they satisfy the rule', () => {
    const stack = googleStack();
    const provider = stack.node.findChild('google') as TerraformProvider;
    provider.addOverride('default_labels', { 'cost-center': 'cc-42' });
    compliant.topic(stack, 't', { labels: { team: 'data' } });
    compliant.cluster(stack, 'c', { resourceLabels: { team: 'apps' } });
    expect(evaluatePolicy(stack, ctx)).toEqual([]);
  });

  it('given a hyphenated provider default label key, when synthesized, then the snake_cased key cdktf writes is reported with the workaround', () => {
    const stack = googleStack({ 'cost-center': 'cc-42', team: 'platform' });
    compliant.topic(stack, 't');
    expect(evaluatePolicy(stack, ctx)).toEqual([
      expect.objectContaining({
        message: 'missing required label cost-center (labels seen: cost_center, team)',
        fix: expect.stringMatching(/'cost-center' became 'cost_center'.*addOverride\('default_labels'/),
      }),
    ]);
  });

  it('given hyphenated resource label keys, when synthesized, then they are kept as written', () => {
    const stack = googleStack();
    compliant.topic(stack, 't', { labels: { team: 'data', 'cost-center': 'cc-42' } });
    expect(evaluatePolicy(stack, ctx)).toEqual([]);
  });

  it('given a GKE cluster, when resource_labels lack a key, then it is caught', () => {
    const stack = googleStack();
    (stack.node.findChild('google') as TerraformProvider).addOverride('default_labels', { 'cost-center': 'cc-42' });
    const cluster = compliant.cluster(stack, 'c');
    expect(evaluatePolicy(stack, ctx)).toEqual([
      expect.objectContaining({ rule: 'labels-required', address: addressOf(cluster), fix: expect.stringMatching(/resource's resourceLabels/) }),
    ]);
  });

  it('ignores resources without GCP labels (IAM members, service accounts, notification settings)', () => {
    const stack = googleStack();
    new ServiceAccount(stack, 'sa', { accountId: 'app-runtime', project: PROJECT, projectRoles: { logs: Roles.logWriter } });
    expect(evaluatePolicy(stack, ctx)).toEqual([]);
  });

  it('skips a labels map that is a reference', () => {
    const stack = googleStack();
    compliant.topic(stack, 't').addOverride('labels', '${local.labels}');
    expect(evaluatePolicy(stack, ctx)).toEqual([]);
  });
});
