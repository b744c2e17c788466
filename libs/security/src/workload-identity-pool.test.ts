import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServiceAccount } from './service-account';
import { GITHUB_ACTIONS_ISSUER, GitHubOidcProvider, type GitHubOidcProviderProps } from './workload-identity-github-provider';
import { WorkloadIdentityPool, type WorkloadIdentityPoolProps } from './workload-identity-pool';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

const base: WorkloadIdentityPoolProps = { poolId: 'github-ci', project: PROJECT, projectNumber: '123456789012' };
const POOL_MEMBER = 'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github-ci';

describe('WorkloadIdentityPool', () => {
  it('given a pool id, when synthesized, then it creates the pool named by its id', () => {
    const out = synthGoogle((scope) => {
      new WorkloadIdentityPool(scope, 'pool', { ...base, description: 'CI of the platform' });
    });
    expect(out.json).toHaveResourceWithProperties('google_iam_workload_identity_pool', {
      workload_identity_pool_id: 'github-ci',
      project: PROJECT,
      display_name: 'github-ci',
      description: 'CI of the platform',
    });
    expect(out.count()).toBe(1);
  });

  it('given an attribute and a value, when principalSet is called, then it names the identities of the pool with that attribute', () => {
    const pool = new WorkloadIdentityPool(googleStack(), 'pool', base);
    expect(pool.principalSet('environment', 'prod').member).toBe(`${POOL_MEMBER}/attribute.environment/prod`);
    expect(pool.principalSet('ref', 'refs/heads/main').member).toBe(`${POOL_MEMBER}/attribute.ref/refs/heads/main`);
    expect(pool.principalSet('repository', 'acme/gcp-delivery-platform').member).toBe(
      `${POOL_MEMBER}/attribute.repository/acme/gcp-delivery-platform`,
    );
  });

  it('given a pool id known only at deploy time (a drill suffix), when principalSet is called, then the member carries it', () => {
    const poolId = `ci-drill-${Token.asString({ resolve: () => 'abc123' })}`;
    const pool = new WorkloadIdentityPool(googleStack(), 'pool', { ...base, poolId });
    expect(pool.principalSet('environment', 'drill').member).toMatch(/\/workloadIdentityPools\/ci-drill-\$\{TfToken\[TOKEN\.\d+\]\}\/attribute\.environment\/drill$/);
  });

  it.each([
    [{ poolId: 'ci' }, /WorkloadIdentityPool 'pool': poolId 'ci' is invalid: use 4-32 lowercase letters/],
    [{ poolId: 'a'.repeat(33) }, /poolId 'a{33}' is invalid/],
    [{ poolId: 'GitHub-CI' }, /poolId 'GitHub-CI' is invalid/],
    [{ poolId: 'gcp-github' }, /poolId 'gcp-github' is invalid: .*not starting with 'gcp-'/],
    [{ projectNumber: 'acme-platform-dev' }, /projectNumber 'acme-platform-dev' is invalid: use the project's number/],
    [{ project: 'My Project' }, /project 'My Project' is invalid/],
    [{ displayName: 'x'.repeat(33) }, /displayName 'x{33}' is 33 characters; a pool's display name holds at most 32/],
    [{ description: 'x'.repeat(257) }, /description is 257 characters; a pool's description holds at most 256/],
  ])('given %j, when constructed, then it is refused', (override, error) => {
    expect(() => new WorkloadIdentityPool(googleStack(), 'pool', { ...base, ...override })).toThrow(error);
  });

  it.each([
    ['Environment', 'prod', /attribute name 'Environment' is invalid/],
    ['attribute.environment', 'prod', /attribute name 'attribute.environment' is invalid: use the name after 'attribute.'/],
    ['environment', '', /attribute.environment value '' must be a non-empty value/],
    ['environment', ' prod', /attribute.environment value ' prod' must be a non-empty value without surrounding spaces/],
  ])('given attribute %j = %j, when principalSet is called, then it is refused', (name, value, error) => {
    const pool = new WorkloadIdentityPool(googleStack(), 'pool', base);
    expect(() => pool.principalSet(name, value)).toThrow(error);
  });
});

describe('GitHubOidcProvider', () => {
  const props: Omit<GitHubOidcProviderProps, 'pool'> = { providerId: 'github', repository: 'acme/gcp-delivery-platform' };

  it('given a repository, when synthesized, then it trusts GitHub tokens of that repository and owner only, with the GitHub claims mapped', () => {
    const out = synthGoogle((scope) => {
      new WorkloadIdentityPool(scope, 'pool', base).addGitHubProvider('github', props);
    });
    const provider = out.single('google_iam_workload_identity_pool_provider');
    expect(provider).toMatchObject({
      workload_identity_pool_provider_id: 'github',
      project: PROJECT,
      workload_identity_pool_id: expect.stringMatching(/^\$\{google_iam_workload_identity_pool\.pool_default_\w+\.workload_identity_pool_id\}$/),
      attribute_condition: 'assertion.repository_owner == "acme" && assertion.repository == "acme/gcp-delivery-platform"',
      oidc: { issuer_uri: GITHUB_ACTIONS_ISSUER },
    });
    expect(Object.keys(provider.attribute_mapping as object).sort()).toEqual([
      'attribute.environment',
      'attribute.ref',
      'attribute.repository',
      'attribute.repository_owner',
      'attribute.workflow_ref',
      'google.subject',
    ]);
    expect(provider.attribute_mapping).toMatchObject({ 'google.subject': 'assertion.sub', 'attribute.ref': 'assertion.ref' });
    expect((provider.oidc as Record<string, unknown>).allowed_audiences).toBeUndefined();
    expect(out.count()).toBe(2);
  });

  it('given a further condition, when synthesized, then a token must meet both', () => {
    const out = synthGoogle((scope) => {
      new WorkloadIdentityPool(scope, 'pool', base).addGitHubProvider('github', { ...props, condition: "assertion.repository_visibility == 'private'" });
    });
    expect(out.single('google_iam_workload_identity_pool_provider').attribute_condition).toBe(
      `assertion.repository_owner == "acme" && assertion.repository == "acme/gcp-delivery-platform" && (assertion.repository_visibility == 'private')`,
    );
  });

  it.each([
    [{ repository: '' }, /GitHubOidcProvider 'github': repository must name the one repository .*a provider without a condition accepts every repository on GitHub/],
    [{ repository: undefined as unknown as string }, /repository must name the one repository whose workflows may authenticate, as 'owner\/name'; got null/],
    [{ repository: 'gcp-delivery-platform' }, /repository 'gcp-delivery-platform' is not a GitHub repository; use 'owner\/name'/],
    [{ repository: 'acme/*' }, /repository 'acme\/\*' is not a GitHub repository/],
    [{ repository: '-acme/repo' }, /repository '-acme\/repo' is not a GitHub repository/],
    [{ providerId: 'gh' }, /providerId 'gh' is invalid: use 4-32 lowercase letters/],
    [{ providerId: 'gcp-github' }, /providerId 'gcp-github' is invalid/],
    [{ condition: ' ' }, /condition must be a CEL expression .* got ''/],
    [{ displayName: 'GitHub Actions of acme/gcp-delivery-platform' }, /displayName '.*' is 44 characters; a provider's display name holds at most 32/],
  ])('given %j, when constructed, then it is refused', (override, error) => {
    const pool = new WorkloadIdentityPool(googleStack(), 'pool', base);
    expect(() => new GitHubOidcProvider(pool, 'github', { ...props, ...override, pool })).toThrow(error);
  });
});

describe('ServiceAccount.grantWorkloadIdentityUser', () => {
  it('given a principal set of a pool, when granted, then the set may impersonate the account', () => {
    const out = synthGoogle((scope) => {
      const pool = new WorkloadIdentityPool(scope, 'pool', base);
      const deploy = new ServiceAccount(scope, 'deploy', { accountId: 'prod-ci-deploy', project: PROJECT });
      deploy.grantWorkloadIdentityUser(pool.principalSet('environment', 'prod'), 'prod-jobs');
    });
    expect(out.json).toHaveResourceWithProperties('google_service_account_iam_member', {
      role: 'roles/iam.workloadIdentityUser',
      member: `${POOL_MEMBER}/attribute.environment/prod`,
    });
    expect(out.single('google_service_account_iam_member').service_account_id).toMatch(/^\$\{google_service_account\.deploy_default_\w+\.name\}$/);
  });

  it('given no id and a literal member, when granted, then the grant id comes from the member', () => {
    const stack = googleStack();
    const pool = new WorkloadIdentityPool(stack, 'pool', base);
    const deploy = new ServiceAccount(stack, 'deploy', { accountId: 'prod-ci-deploy', project: PROJECT });
    const grant = deploy.grantWorkloadIdentityUser(pool.principalSet('environment', 'prod'));
    expect(grant.node.id).toMatch(/^workload-identity-user-principalSet-iam.googleapis.com-projects-123456789012-.*attribute.environment-prod$/);
    expect(() => deploy.grantWorkloadIdentityUser(pool.principalSet('environment', 'prod'))).toThrow(/a grant with id '.*' already exists/);
  });

  it('given a member known only at deploy time and no id, when granted, then it asks for an id', () => {
    const stack = googleStack();
    const pool = new WorkloadIdentityPool(stack, 'pool', { ...base, poolId: `ci-${Token.asString({ resolve: () => 'x' })}` });
    const deploy = new ServiceAccount(stack, 'deploy', { accountId: 'prod-ci-deploy', project: PROJECT });
    expect(() => deploy.grantWorkloadIdentityUser(pool.principalSet('environment', 'prod'))).toThrow(/pass an explicit id/);
  });

  it.each([
    ['serviceAccount:ci@my-project.iam.gserviceaccount.com', /member 'serviceAccount:ci@my-project.iam.gserviceaccount.com' is not a workload identity: use a pool's principal set/],
    ['group:ci@example.com', /is not a workload identity/],
    ['allUsers', /would make the resource public/],
  ])('given %s, when granted, then it is refused', (member, error) => {
    const deploy = new ServiceAccount(googleStack(), 'deploy', { accountId: 'prod-ci-deploy', project: PROJECT });
    expect(() => deploy.grantWorkloadIdentityUser(member, 'x')).toThrow(error);
  });
});
