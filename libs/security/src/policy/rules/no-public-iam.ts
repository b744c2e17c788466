import { isPublicMember } from '../../principal';
import { strings } from '../config';
import type { Finding, PolicyRule } from '../types';
import { grantMembers, isIamGrantType, isIamPolicyType, policyBindings } from './iam-shared';

const FIX = 'grant the role to a user:, group:, serviceAccount: or domain: member (e.g. a ServiceAccount, or Principal.group(...)); serve public content through a load balancer or signed URLs instead';

const ACCESS_CONTROL_TYPES = new Set([
  'google_storage_bucket_access_control',
  'google_storage_default_object_access_control',
  'google_storage_object_access_control',
]);
const ACL_TYPES = new Set(['google_storage_bucket_acl', 'google_storage_default_object_acl', 'google_storage_object_acl']);
const PUBLIC_PREDEFINED_ACLS = new Set(['publicRead', 'publicReadWrite', 'authenticatedRead', 'allUsers', 'allAuthenticatedUsers']);

export const noPublicIam: PolicyRule = {
  id: 'no-public-iam',
  description: 'No IAM grant or ACL names allUsers or allAuthenticatedUsers.',
  check(resource) {
    const { type, config } = resource;
    const findings: Finding[] = [];
    if (isIamGrantType(type)) {
      const attribute = type.endsWith('_iam_member') ? 'member' : 'members';
      for (const member of grantMembers(type, config).filter(isPublicMember)) {
        findings.push({ message: `${attribute} includes '${member}' (role ${String(config.role)}): the resource is public`, fix: FIX });
      }
    } else if (isIamPolicyType(type)) {
      for (const binding of policyBindings(config)) {
        for (const member of binding.members.filter(isPublicMember)) {
          findings.push({ message: `policy_data grants ${binding.role} to '${member}': the resource is public`, fix: FIX });
        }
      }
    } else if (ACCESS_CONTROL_TYPES.has(type)) {
      const entity = config.entity;
      if (typeof entity === 'string' && isPublicMember(entity)) {
        findings.push({ message: `entity is '${entity}': the ACL makes objects public`, fix: FIX });
      }
    } else if (ACL_TYPES.has(type)) {
      for (const entry of [...strings(config.role_entity), ...strings(config.default_acl)]) {
        const entity = entry.split(':').slice(1).join(':');
        if (isPublicMember(entity)) {
          findings.push({ message: `role_entity includes '${entry}': the ACL makes objects public`, fix: FIX });
        }
      }
      const predefined = config.predefined_acl;
      if (typeof predefined === 'string' && PUBLIC_PREDEFINED_ACLS.has(predefined)) {
        findings.push({ message: `predefined_acl is '${predefined}': the ACL makes objects public`, fix: FIX });
      }
    }
    return findings;
  },
};
