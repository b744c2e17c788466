import { describe, expect, it } from 'vitest';
import { Roles } from './roles';
import { ServiceAccount, type ServiceAccountProps } from './service-account';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

const base: ServiceAccountProps = { accountId: 'app-runtime', project: PROJECT };

describe('ServiceAccount', () => {
  it('given an account id, when synthesized, then it creates the account and no key', () => {
    const out = synthGoogle((scope) => {
      new ServiceAccount(scope, 'runtime', { ...base, description: 'Runs the app' });
    });
    expect(out.json).toHaveResourceWithProperties('google_service_account', {
      account_id: 'app-runtime',
      display_name: 'app-runtime',
      description: 'Runs the app',
      project: PROJECT,
    });
    expect(out.count()).toBe(1);
    expect(out.count('google_service_account_key')).toBe(0);
  });

  it('given projectRoles, when synthesized, then each role is one project IAM member for the account', () => {
    const out = synthGoogle((scope) => {
      new ServiceAccount(scope, 'runtime', { ...base, projectRoles: { logs: Roles.logWriter, metrics: Roles.metricWriter } });
    });
    expect(out.count('google_project_iam_member')).toBe(2);
    const grants = Object.entries(out.resourcesOf('google_project_iam_member'));
    expect(grants.map(([name, g]) => [name.replace(/_[0-9A-F]{8}$/, ''), g.role])).toEqual([
      ['runtime_project-role-logs', 'roles/logging.logWriter'],
      ['runtime_project-role-metrics', 'roles/monitoring.metricWriter'],
    ]);
    for (const [, grant] of grants) {
      expect(grant).toMatchObject({ project: PROJECT, member: expect.stringMatching(/^serviceAccount:\$\{google_service_account\.runtime_default_\w+\.email\}$/) });
    }
  });

  it('exposes its email and member for grants', () => {
    const sa = new ServiceAccount(googleStack(), 'runtime', base);
    expect(sa.member).toBe(`serviceAccount:${sa.email}`);
  });

  it.each([
    ['roles/editor', /service account 'app-runtime' may not hold primitive role roles\/editor; grant a predefined role such as roles\/logging.logWriter.*\(ServiceAccount 'runtime' projectRoles.admin\)/],
    ['roles/owner', /service account 'app-runtime' may not hold primitive role roles\/owner; grant a predefined role such as/],
    ['roles/viewer', /may not hold primitive role roles\/viewer/],
    ['editor', /ServiceAccount 'runtime' projectRoles.admin 'editor' is not an IAM role/],
  ])('given projectRoles with %s, when constructed, then it is refused', (role, error) => {
    expect(() => new ServiceAccount(googleStack(), 'runtime', { ...base, projectRoles: { admin: role } })).toThrow(error);
  });

  it('given a primitive role, when grantProjectRole is called, then it is refused', () => {
    const sa = new ServiceAccount(googleStack(), 'runtime', base);
    expect(() => sa.grantProjectRole('deploy', 'roles/editor')).toThrow(
      /service account 'app-runtime' may not hold primitive role roles\/editor; grant a predefined role such as/,
    );
  });

  it('given a custom role, when grantProjectRole is called, then it is granted', () => {
    const sa = new ServiceAccount(googleStack(), 'runtime', base);
    expect(() => sa.grantProjectRole('custom', 'projects/my-project/roles/appRuntime')).not.toThrow();
    expect(() => sa.grantProjectRole('custom', Roles.logWriter)).toThrow(/a grant with id 'project-role-custom' already exists/);
  });

  it.each([
    [{ accountId: 'app' }, /ServiceAccount 'runtime': accountId 'app' is invalid: use 6-30 lowercase letters/],
    [{ accountId: 'App-runtime' }, /accountId 'App-runtime' is invalid/],
    [{ accountId: 'app-runtime-' }, /accountId 'app-runtime-' is invalid/],
    [{ accountId: '1app-runtime' }, /accountId '1app-runtime' is invalid/],
    [{ accountId: 'a'.repeat(31) }, /accountId 'a{31}' is invalid/],
    [{ project: 'My Project' }, /ServiceAccount 'runtime': project 'My Project' is invalid/],
    [{ projectRoles: { 'bad key': Roles.logWriter } }, /projectRoles.bad key: key 'bad key' must use only letters, digits/],
  ])('given %j, when constructed, then it is refused', (override, error) => {
    expect(() => new ServiceAccount(googleStack(), 'runtime', { ...base, ...override })).toThrow(error);
  });
});
