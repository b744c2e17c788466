import { findWorkspaceRoot, loadEnvironment } from '@platform/config';
import { synthesizeInEveryEnvironment, synthesizeStack } from '@platform/core';
import { PRIMITIVE_ROLES } from '@platform/security';
import { parseEach, type ParsedStack } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import ciIdentityStack from './index';
import { DEPLOY_PROJECT_ROLES, PLAN_PROJECT_ROLES } from './roles';
import { ciIdentitySettings } from './settings';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const synthesized = parseEach(synthesizeInEveryEnvironment(ciIdentityStack, workspaceRoot));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

const STATE_BUCKET = '${data.terraform_remote_state.upstream-bootstrap.outputs.state_bucket}';
const POOL = (env: string, number: string, pool = `${env}-github`) =>
  `principalSet://iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/${pool}`;

/** The account resource's logical name of a stage. */
function accountOf(stack: ParsedStack, stage: 'plan' | 'deploy'): string {
  const [name] = Object.keys(stack.resourcesOf('google_service_account')).filter((n) => n.startsWith(`sa-${stage}_`));
  return name!;
}
const memberOf = (stack: ParsedStack, stage: 'plan' | 'deploy') => `serviceAccount:\${google_service_account.${accountOf(stack, stage)}.email}`;

/** [role, member, condition expression] of every grant on the state bucket. */
function stateGrants(stack: ParsedStack): string[][] {
  return Object.values(stack.resourcesOf('google_storage_bucket_iam_member'))
    .filter((grant) => grant.bucket === STATE_BUCKET)
    .map((grant) => [grant.role as string, grant.member as string, ((grant.condition as { expression?: string }) ?? {}).expression ?? '']);
}

/** Who may act as a stage's account (members of its roles/iam.workloadIdentityUser grants). */
function impersonators(stack: ParsedStack, stage: 'plan' | 'deploy'): string[] {
  return Object.values(stack.resourcesOf('google_service_account_iam_member'))
    .filter((grant) => grant.service_account_id === `\${google_service_account.${accountOf(stack, stage)}.name}`)
    .map((grant) => {
      expect(grant.role).toBe('roles/iam.workloadIdentityUser');
      return grant.member as string;
    })
    .sort();
}

describe('ci-identity stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it('creates one pool with one GitHub provider that accepts the repository of its owner only', () => {
      expect(stack.count('google_iam_workload_identity_pool')).toBe(1);
      expect(stack.single('google_iam_workload_identity_pool_provider')).toMatchObject({
        workload_identity_pool_provider_id: 'github',
        attribute_condition: 'assertion.repository_owner == "acme" && assertion.repository == "acme/gcp-delivery-platform"',
        oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
      });
    });

    it('creates a keyless account for each pipeline stage, with predefined roles only', () => {
      expect(stack.count('google_service_account')).toBe(2);
      expect(stack.count('google_service_account_key')).toBe(0);
      const roles = Object.values(stack.resourcesOf('google_project_iam_member')).map((grant) => grant.role as string);
      for (const role of roles) {
        expect(role).toMatch(/^roles\//);
        expect(PRIMITIVE_ROLES).not.toContain(role);
      }
    });

    it('gives the plan account read-only roles on the project', () => {
      const plan = memberOf(stack, 'plan');
      const roles = Object.values(stack.resourcesOf('google_project_iam_member'))
        .filter((grant) => grant.member === plan)
        .map((grant) => grant.role as string)
        .sort();
      expect(roles).toEqual(Object.values(PLAN_PROJECT_ROLES).sort());
      for (const role of roles) expect(role).toMatch(/\.(viewer|reader|securityReviewer|serviceAccountViewer|workloadIdentityPoolViewer|clusterViewer|serviceUsageViewer|policyViewer)$/);
    });

    it('grants state access on the state bucket only: plan reads and locks, deploy reads and writes', () => {
      const plan = memberOf(stack, 'plan');
      const deploy = memberOf(stack, 'deploy');
      expect(stateGrants(stack)).toEqual(
        expect.arrayContaining([
          ['roles/storage.objectViewer', plan, ''],
          ['roles/storage.legacyBucketReader', plan, ''],
          ['roles/storage.objectUser', plan, 'resource.name.endsWith(".tflock")'],
          ['roles/storage.objectUser', deploy, ''],
        ]),
      );
      const storageRoles = Object.values(stack.resourcesOf('google_project_iam_member')).filter((grant) =>
        (grant.role as string).startsWith('roles/storage.'),
      );
      // Project-wide storage administration only where the deploy account also rebuilds bootstrap (the drill).
      expect(storageRoles.map((grant) => [grant.role, grant.member])).toEqual(_env === 'drill' ? [['roles/storage.admin', deploy]] : []);
    });

    it('publishes the provider and the account of each stage', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['service_account_emails', 'workload_identity_provider']);
      expect(stack.output.workload_identity_provider!.value).toMatch(/^\$\{google_iam_workload_identity_pool_provider\.\S+\.name\}$/);
      expect(Object.keys(stack.output.service_account_emails!.value as object).sort()).toEqual(['deploy', 'plan']);
    });
  });

  it('in dev, lets any ref of the repository plan, and the dev environment or main deploy', () => {
    const dev = stackIn('dev');
    expect(impersonators(dev, 'plan')).toEqual([`${POOL('dev', '100000000001')}/attribute.repository/acme/gcp-delivery-platform`]);
    expect(impersonators(dev, 'deploy')).toEqual([
      `${POOL('dev', '100000000001')}/attribute.environment/dev`,
      `${POOL('dev', '100000000001')}/attribute.ref/refs/heads/main`,
    ]);
  });

  it.each([
    ['staging', '100000000002'],
    ['prod', '100000000003'],
  ])('in %s, lets only jobs of the GitHub environment of that name plan (drift) and deploy', (env, number) => {
    const stack = stackIn(env);
    expect(impersonators(stack, 'plan')).toEqual([`${POOL(env, number)}/attribute.environment/${env}`]);
    expect(impersonators(stack, 'deploy')).toEqual([`${POOL(env, number)}/attribute.environment/${env}`]);
  });

  it.each(['staging', 'prod'])("in %s, gives pull requests (dev's plan account) the plan stage's read-only access", (env) => {
    const reader = 'serviceAccount:dev-ci-plan@acme-platform-dev.iam.gserviceaccount.com';
    const stack = stackIn(env);
    const roles = Object.values(stack.resourcesOf('google_project_iam_member'))
      .filter((grant) => grant.member === reader)
      .map((grant) => grant.role as string)
      .sort();
    expect(roles).toEqual(Object.values(PLAN_PROJECT_ROLES).sort());
    expect(stateGrants(stack).filter(([, member]) => member === reader).map(([role]) => role).sort()).toEqual([
      'roles/storage.legacyBucketReader',
      'roles/storage.objectUser',
      'roles/storage.objectViewer',
    ]);
  });

  it('in prod, gives the deploy account the roles of the managed services and no foundation administration', () => {
    const prod = stackIn('prod');
    const deploy = memberOf(prod, 'deploy');
    const roles = Object.values(prod.resourcesOf('google_project_iam_member'))
      .filter((grant) => grant.member === deploy)
      .map((grant) => grant.role as string)
      .sort();
    expect(roles).toEqual(Object.values(DEPLOY_PROJECT_ROLES).sort());
    expect(roles).not.toContain('roles/iam.workloadIdentityPoolAdmin');
  });

  it('on the artifact store, lets deploy read and create, and plan read and write only its drift reports', () => {
    const dev = stackIn('dev');
    const grants = Object.values(dev.resourcesOf('google_storage_bucket_iam_member'))
      .filter((grant) => grant.bucket === 'acme-platform-artifacts')
      .map((grant) => [grant.role, grant.member, ((grant.condition as { expression?: string }) ?? {}).expression ?? '']);
    expect(grants).toEqual(
      expect.arrayContaining([
        ['roles/storage.objectViewer', memberOf(dev, 'plan'), ''],
        [
          'roles/storage.objectCreator',
          memberOf(dev, 'plan'),
          'resource.name.startsWith("projects/_/buckets/acme-platform-artifacts/objects/releases/drift/dev/")',
        ],
        ['roles/storage.objectViewer', memberOf(dev, 'deploy'), ''],
        ['roles/storage.objectCreator', memberOf(dev, 'deploy'), ''],
      ]),
    );
    expect(grants).toHaveLength(4);
    // The drill touches nothing it does not own.
    expect(Object.values(stackIn('drill').resourcesOf('google_storage_bucket_iam_member')).map((g) => g.bucket)).not.toContain('acme-platform-artifacts');
  });

  it('in a drill, names the pool and the accounts after the run, since a pool id stays reserved for 30 days', () => {
    const drill = stackIn('drill');
    expect(drill.single('google_iam_workload_identity_pool').workload_identity_pool_id).toBe('drill-github-${var.drill_run_suffix}');
    const ids = Object.values(drill.resourcesOf('google_service_account')).map((sa) => sa.account_id).sort();
    expect(ids).toEqual(['drill-ci-deploy-${var.drill_run_suffix}', 'drill-ci-plan-${var.drill_run_suffix}']);
    expect(impersonators(drill, 'deploy')).toEqual([`${POOL('drill', '100000000009', 'drill-github-${var.drill_run_suffix}')}/attribute.environment/drill`]);
    expect(stackIn('prod').single('google_iam_workload_identity_pool').workload_identity_pool_id).toBe('prod-github');
  });

  it.each([
    [{ repository: '' }, /repository/],
    [{ repository: 'gcp-delivery-platform' }, /must be a GitHub repository, owner\/name/],
    [{ plan: { principals: {} } }, /must name at least one attribute/],
    [{ deploy: { principals: { actor: 'ana' } } }, /actor/],
    [{ deploy: { principals: { environment: 'prod env' } } }, /without spaces/],
    [{ plan: { principals: { environment: 'prod' }, readers: { ci: 'dev-ci-plan@acme-platform-dev.iam.gserviceaccount.com' } } }, /must be an IAM member/],
  ])('refuses settings %j', (override, error) => {
    const base = { repository: 'acme/gcp-delivery-platform', plan: { principals: { environment: 'prod' } }, deploy: { principals: { environment: 'prod' } } };
    const result = ciIdentitySettings.safeParse({ ...base, ...override });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(error);
  });

  it('builds from the settings of an environment', () => {
    const environment = loadEnvironment(workspaceRoot, 'prod');
    const settings = ciIdentitySettings.parse({
      repository: 'acme/other-repo',
      plan: { principals: { environment: 'prod' } },
      deploy: { principals: { environment: 'prod', workflow_ref: 'acme/other-repo/.github/workflows/promote.yml@refs/heads/main' } },
    });
    const { json } = synthesizeStack(ciIdentityStack, environment, settings);
    expect(json).toContain('assertion.repository == \\"acme/other-repo\\"');
    expect(json).toContain('/attribute.workflow_ref/acme/other-repo/.github/workflows/promote.yml@refs/heads/main');
  });
});
