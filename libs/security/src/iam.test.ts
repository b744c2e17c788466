import { describe, expect, it } from 'vitest';
import { ProjectIamGrant, type ProjectIamGrantProps } from './iam';
import { Principal } from './principal';
import { Roles } from './roles';
import { ServiceAccount } from './service-account';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

describe('ProjectIamGrant', () => {
  it('given a principal and a predefined role, when synthesized, then it is one additive project IAM member', () => {
    const out = synthGoogle((scope) => {
      new ProjectIamGrant(scope, 'ops-monitoring', { project: PROJECT, role: Roles.monitoringViewer, member: Principal.group('ops@example.com') });
    });
    expect(out.json).toHaveResourceWithProperties('google_project_iam_member', {
      project: PROJECT,
      role: 'roles/monitoring.viewer',
      member: 'group:ops@example.com',
    });
    expect(out.count()).toBe(1);
  });

  it('given a condition, when synthesized, then the grant holds only where the condition does', () => {
    const out = synthGoogle((scope) => {
      new ProjectIamGrant(scope, 'sql-client', {
        project: PROJECT,
        role: Roles.cloudSqlClient,
        member: 'serviceAccount:app@acme-dev.iam.gserviceaccount.com',
        condition: { title: 'orders instance only', expression: "resource.name == 'projects/acme-dev/instances/orders'" },
      });
    });
    expect(out.single('google_project_iam_member').condition).toEqual({
      title: 'orders instance only',
      expression: "resource.name == 'projects/acme-dev/instances/orders'",
    });
  });

  it('given a service account construct, when synthesized, then its member is used', () => {
    const out = synthGoogle((scope) => {
      const sa = new ServiceAccount(scope, 'ci', { accountId: 'ci-deployer', project: PROJECT });
      new ProjectIamGrant(scope, 'ci-artifacts', { project: PROJECT, role: Roles.artifactReader, member: sa });
    });
    const [grant] = Object.values(out.resourcesOf('google_project_iam_member'));
    expect(grant.member).toMatch(/^serviceAccount:\$\{google_service_account\.ci_default_\w+\.email\}$/);
  });

  it.each<[Partial<ProjectIamGrantProps>, RegExp]>([
    [{ role: 'roles/owner' }, /ProjectIamGrant 'grant' may not grant primitive role roles\/owner to 'group:ops@example.com'; grant a predefined role such as/],
    [{ role: 'roles/editor' }, /may not grant primitive role roles\/editor/],
    [{ role: 'roles/viewer' }, /may not grant primitive role roles\/viewer/],
    [{ role: 'logging.logWriter' }, /ProjectIamGrant 'grant' role 'logging.logWriter' is not an IAM role/],
    [{ member: 'allUsers' }, /ProjectIamGrant 'grant' member 'allUsers' would make the resource public/],
    [{ member: 'allAuthenticatedUsers' }, /member 'allAuthenticatedUsers' would make the resource public/],
    [{ member: 'ops@example.com' }, /member 'ops@example.com' is not a valid IAM member/],
    [{ project: 'p' }, /ProjectIamGrant 'grant': project 'p' is invalid/],
    [{ condition: { title: '', expression: 'true' } }, /ProjectIamGrant 'grant': condition needs a title and an expression, got title ''/],
  ])('given %j, when constructed, then it is refused', (override, error) => {
    expect(
      () => new ProjectIamGrant(googleStack(), 'grant', { project: PROJECT, role: Roles.logWriter, member: 'group:ops@example.com', ...override }),
    ).toThrow(error);
  });
});
