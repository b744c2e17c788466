import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { OrgPolicies, type OrgPolicy } from './org-policies';
import { ProjectServices } from './project-services';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

describe('OrgPolicies', () => {
  it('given boolean and list constraints, when synthesized, then each is a project policy named after its constraint', () => {
    const out = synthGoogle((scope) => {
      new OrgPolicies(scope, 'policies', {
        project: PROJECT,
        policies: {
          'iam.disableServiceAccountKeyCreation': { enforce: true },
          'compute.skipDefaultNetworkCreation': { enforce: false },
          'gcp.resourceLocations': { allow: ['in:europe-locations'] },
          'compute.vmExternalIpAccess': { deny: 'all' },
          'iam.allowedPolicyMemberDomains': { allow: 'all' },
          'compute.trustedImageProjects': { allow: ['projects/debian-cloud'], deny: ['projects/untrusted'], inheritFromParent: true },
        },
      });
    });
    expect(out.count('google_org_policy_policy')).toBe(6);
    const policy = (constraint: string) =>
      Object.values(out.resourcesOf('google_org_policy_policy')).find((p) => p.name === `projects/${PROJECT}/policies/${constraint}`);
    expect(policy('iam.disableServiceAccountKeyCreation')).toEqual({
      name: `projects/${PROJECT}/policies/iam.disableServiceAccountKeyCreation`,
      parent: `projects/${PROJECT}`,
      spec: { rules: [{ enforce: 'TRUE' }] },
    });
    expect(policy('compute.skipDefaultNetworkCreation')?.spec).toEqual({ rules: [{ enforce: 'FALSE' }] });
    expect(policy('gcp.resourceLocations')?.spec).toEqual({ rules: [{ values: { allowed_values: ['in:europe-locations'] } }] });
    expect(policy('compute.vmExternalIpAccess')?.spec).toEqual({ rules: [{ deny_all: 'TRUE' }] });
    expect(policy('iam.allowedPolicyMemberDomains')?.spec).toEqual({ rules: [{ allow_all: 'TRUE' }] });
    expect(policy('compute.trustedImageProjects')?.spec).toEqual({
      inherit_from_parent: true,
      rules: [{ values: { allowed_values: ['projects/debian-cloud'], denied_values: ['projects/untrusted'] } }],
    });
  });

  it('given what to wait for, when synthesized, then every policy depends on it', () => {
    const out = synthGoogle((scope) => {
      const api = new ProjectServices(scope, 'apis', { project: PROJECT, services: { orgpolicy: 'orgpolicy.googleapis.com' } });
      new OrgPolicies(scope, 'policies', {
        project: PROJECT,
        policies: { 'compute.requireOsLogin': { enforce: true }, 'sql.restrictPublicIp': { enforce: true } },
        dependsOn: [api.resources.orgpolicy!],
      });
    });
    for (const policy of Object.values(out.resourcesOf('google_org_policy_policy'))) {
      expect(policy.depends_on).toEqual([expect.stringMatching(/^google_project_service\.apis_orgpolicy_\w+$/)]);
    }
  });

  it.each<[string, Record<string, OrgPolicy>, RegExp]>([
    ['a constraint with its prefix', { 'constraints/compute.requireOsLogin': { enforce: true } }, /OrgPolicies 'policies': policies key 'constraints\/compute.requireOsLogin' is invalid: use a constraint name like/],
    ['a constraint without a service', { requireOsLogin: { enforce: true } }, /policies key 'requireOsLogin' is invalid/],
    ['a constraint with spaces', { 'compute.require OsLogin': { enforce: true } }, /policies key 'compute.require OsLogin' is invalid/],
    ['both kinds at once', { 'compute.requireOsLogin': { enforce: true, deny: 'all' } as OrgPolicy }, /policies.compute.requireOsLogin mixes enforce .* with allow\/deny\/inheritFromParent/],
    ['nothing', { 'gcp.resourceLocations': {} }, /policies.gcp.resourceLocations sets nothing/],
    ['an empty list', { 'gcp.resourceLocations': { allow: [] } }, /policies.gcp.resourceLocations.allow must be 'all' or a non-empty list of values, got \[\]/],
    ['an empty value', { 'gcp.resourceLocations': { allow: [' '] } }, /allow has an empty value/],
    ['a repeated value', { 'gcp.resourceLocations': { allow: ['in:eu-locations', 'in:eu-locations'] } }, /allow lists 'in:eu-locations' more than once/],
    ['allow all and deny all', { 'compute.vmExternalIpAccess': { allow: 'all', deny: 'all' } }, /both allows and denies 'all'; choose one/],
    ['deny all with allowed values', { 'compute.vmExternalIpAccess': { allow: ['projects/p/zones/z/instances/i'], deny: 'all' } }, /combines 'deny: all' with a list of allowed values/],
    ['a value allowed and denied', { 'gcp.resourceLocations': { allow: ['in:us-locations'], deny: ['in:us-locations'] } }, /both allows and denies 'in:us-locations'/],
    ['a non-boolean enforce', { 'compute.requireOsLogin': { enforce: 'yes' as unknown as boolean } }, /enforce must be true or false, got "yes"/],
    ['no constraint', {}, /policies must set at least one constraint/],
  ])('given %s, when constructed, then it is refused', (_case, policies, error) => {
    expect(() => new OrgPolicies(googleStack(), 'policies', { project: PROJECT, policies })).toThrow(error);
  });

  it('given a project number, when constructed, then it asks for the project id', () => {
    expect(() => new OrgPolicies(googleStack(), 'policies', { project: '1234567', policies: { 'compute.requireOsLogin': { enforce: true } } })).toThrow(
      /OrgPolicies 'policies': project '1234567' is invalid: use a project id/,
    );
  });

  it('given unresolved tokens, when constructed, then validation skips them', () => {
    const token = Token.asString({ resolve: () => 'x' });
    expect(() => new OrgPolicies(googleStack(), 'policies', { project: token, policies: { 'gcp.resourceLocations': { allow: [token] } } })).not.toThrow();
  });
});
