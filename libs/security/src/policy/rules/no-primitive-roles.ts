import { isPrimitiveRole } from '../../roles';
import type { Finding, PolicyRule } from '../types';
import { grantMembers, isIamGrantType, isIamPolicyType, policyBindings } from './iam-shared';

const FIX =
  'grant the narrowest predefined role that covers the need (see Roles in @platform/security, e.g. roles/logging.logWriter), or a custom role';

export const noPrimitiveRoles: PolicyRule = {
  id: 'no-primitive-roles',
  description: 'No IAM grant uses a primitive role (roles/owner, roles/editor, roles/viewer).',
  check(resource) {
    const { type, config } = resource;
    const findings: Finding[] = [];
    if (isIamGrantType(type)) {
      const role = config.role;
      if (typeof role === 'string' && isPrimitiveRole(role)) {
        const members = grantMembers(type, config);
        findings.push({
          message: `role is ${role} (granted to ${members.length > 0 ? members.join(', ') : 'unknown members'}): primitive roles grant far more than any workload needs`,
          fix: FIX,
        });
      }
    } else if (isIamPolicyType(type)) {
      for (const binding of policyBindings(config).filter((b) => isPrimitiveRole(b.role))) {
        findings.push({
          message: `policy_data grants primitive role ${binding.role} to ${binding.members.join(', ') || 'no members'}`,
          fix: FIX,
        });
      }
    }
    return findings;
  },
};
