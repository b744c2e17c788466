import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { bootstrapContract, ciIdentityContract, projectBaselineContract } from '@platform/contracts';
import { defineStack, requireEnabledApis, type PlatformStack } from '@platform/core';
import { ProjectIamGrant, ServiceAccount, WorkloadIdentityPool } from '@platform/security';
import { BUCKET_ROLES, DEPLOY_PROJECT_ROLES, FOUNDATION_PROJECT_ROLES, PLAN_PROJECT_ROLES } from './roles';
import type { CiIdentitySettings } from './settings';
import { ciIdentitySettings } from './settings';

type Stage = 'plan' | 'deploy';

/** `gs://bucket/prefix` -> { bucket, prefix }; undefined for other stores. */
function gcsLocation(url: string | undefined): { bucket: string; prefix: string } | undefined {
  const match = /^gs:\/\/([^/]+)\/?(.*)$/.exec(url ?? '');
  return match ? { bucket: match[1]!, prefix: match[2]!.replace(/\/+$/, '') } : undefined;
}

/** An IAM condition of a bucket-level grant (the buckets use uniform bucket-level access). */
interface Condition {
  readonly title: string;
  readonly description: string;
  readonly expression: string;
}

/**
 * Grants a stage (its account, or a reader from elsewhere) its access to the state bucket: plan
 * reads state and the bucket and may take and release the lock (objects ending in `.tflock`);
 * deploy reads and writes state.
 */
function grantStateAccess(stack: PlatformStack, stateBucket: string, member: string, stage: Stage, key: string): void {
  const grant = (id: string, role: string, condition?: Condition) =>
    new StorageBucketIamMember(stack, `state-${key}-${id}`, { bucket: stateBucket, role, member, condition });
  if (stage === 'deploy') {
    grant('objects', BUCKET_ROLES.objectUser);
    return;
  }
  grant('read', BUCKET_ROLES.objectViewer);
  grant('bucket', BUCKET_ROLES.bucketReader);
  grant('lock', BUCKET_ROLES.objectUser, {
    title: 'state-locks-only',
    description: 'Take and release state locks, never write state',
    expression: 'resource.name.endsWith(".tflock")',
  });
}

/**
 * Workload Identity Federation for CI: the environment's GitHub OIDC pool and provider, trusting
 * one repository, and one keyless service account per pipeline stage with least privilege.
 * Applied by a person (like bootstrap): it is the permission boundary of the pipeline.
 */
export default defineStack({
  name: 'ci-identity',
  description: 'Workload Identity Federation for CI: a GitHub OIDC pool and provider, and one keyless service account per pipeline stage.',
  settings: ciIdentitySettings,
  build(stack, settings: CiIdentitySettings) {
    const env = stack.environment;
    const { stateBucket } = stack.upstream(bootstrapContract, ['stateBucket']);

    // A deleted pool's id stays reserved for 30 days: a drill's pool is its run's own.
    const pool = new WorkloadIdentityPool(stack, 'pool', {
      poolId: stack.uniqueName(`${env.name}-github`, 32),
      project: env.project,
      projectNumber: env.projectNumber,
      displayName: `GitHub Actions (${env.name})`.slice(0, 32),
      description: `GitHub Actions workflows of ${settings.repository} in ${env.name}`,
    });
    const provider = pool.addGitHubProvider('github', { providerId: 'github', repository: settings.repository });
    // Token exchange (sts) and impersonation (iamcredentials) are what a workflow calls with the pool.
    const { enabledServices } = stack.upstream(projectBaselineContract, ['enabledServices']);
    requireEnabledApis(pool.pool, enabledServices, ['iam.googleapis.com', 'iamcredentials.googleapis.com', 'sts.googleapis.com']);

    const accounts = {} as Record<Stage, ServiceAccount>;
    for (const stage of ['plan', 'deploy'] as const) {
      const projectRoles: Record<string, string> =
        stage === 'plan'
          ? { ...PLAN_PROJECT_ROLES }
          : { ...DEPLOY_PROJECT_ROLES, ...(settings.deploy.appliesFoundation ? FOUNDATION_PROJECT_ROLES : {}) };
      const account = new ServiceAccount(stack, `sa-${stage}`, {
        // Account ids can be reused after deletion, but a drill's must not collide with the standing drill identity.
        accountId: stack.uniqueName(`${env.name}-ci-${stage}`, 30),
        displayName: `CI ${stage} (${env.name})`,
        description: `GitHub Actions ${stage === 'plan' ? 'plans and drift checks (read-only)' : 'applies and promotions'} of ${settings.repository}`,
        project: env.project,
        projectRoles,
      });
      for (const [attribute, value] of Object.entries(settings[stage].principals).sort(([a], [b]) => a.localeCompare(b))) {
        if (value === undefined) continue;
        account.grantWorkloadIdentityUser(pool.principalSet(attribute, value), `github-${attribute}`);
      }
      grantStateAccess(stack, stateBucket, account.member, stage, stage);
      accounts[stage] = account;
    }

    // Principals from elsewhere that plan this environment (pull requests plan with dev's plan account).
    for (const [key, member] of Object.entries(settings.plan.readers).sort(([a], [b]) => a.localeCompare(b))) {
      for (const [roleKey, role] of Object.entries(PLAN_PROJECT_ROLES)) {
        new ProjectIamGrant(stack, `reader-${key}-${roleKey}`, { project: env.project, role, member });
      }
      grantStateAccess(stack, stateBucket, member, 'plan', `reader-${key}`);
    }

    // The estate's artifact store: every write is if-absent, so create and read suffice. Plan writes
    // only this environment's drift reports; pull requests must never write the shared Nx cache.
    const store = gcsLocation(env.artifacts);
    if (settings.artifactStoreAccess && store) {
      const under = (path: string) => (store.prefix === '' ? path : `${store.prefix}/${path}`);
      const storeGrant = (id: string, role: string, member: string, condition?: Condition) =>
        new StorageBucketIamMember(stack, `artifacts-${id}`, { bucket: store.bucket, role, member, condition });
      storeGrant('plan-read', BUCKET_ROLES.objectViewer, accounts.plan.member);
      storeGrant('plan-drift-reports', BUCKET_ROLES.objectCreator, accounts.plan.member, {
        title: `drift-reports-${env.name}`,
        description: `Write the drift reports of ${env.name}, nothing else`,
        expression: `resource.name.startsWith("projects/_/buckets/${store.bucket}/objects/${under(`drift/${env.name}/`)}")`,
      });
      storeGrant('deploy-read', BUCKET_ROLES.objectViewer, accounts.deploy.member);
      storeGrant('deploy-create', BUCKET_ROLES.objectCreator, accounts.deploy.member);
    }

    stack.publish(ciIdentityContract, {
      workloadIdentityProvider: provider.name,
      serviceAccountEmails: { plan: accounts.plan.email, deploy: accounts.deploy.email },
    });
  },
});
