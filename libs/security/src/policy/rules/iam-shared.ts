import { blocks, isReference, strings, type Config } from '../config';

/** True for `*_iam_member` and `*_iam_binding` resource types. */
export function isIamGrantType(type: string): boolean {
  return type.endsWith('_iam_member') || type.endsWith('_iam_binding');
}

/** True for `*_iam_policy` resource types. */
export function isIamPolicyType(type: string): boolean {
  return type.endsWith('_iam_policy');
}

/** The members of an `_iam_member` (member) or `_iam_binding` (members) resource. */
export function grantMembers(type: string, config: Config): string[] {
  return type.endsWith('_iam_member') ? strings(config.member) : strings(config.members);
}

export interface PolicyBinding {
  readonly role: string;
  readonly members: readonly string[];
}

/**
 * The bindings of a literal `policy_data` (a JSON string); [] when the policy is a reference
 * (e.g. `${data.google_iam_policy.x.policy_data}`) or not JSON.
 */
export function policyBindings(config: Config): PolicyBinding[] {
  const data = config.policy_data;
  if (typeof data !== 'string' || isReference(data)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return [];
  }
  const bindings = typeof parsed === 'object' && parsed !== null ? (parsed as Config).bindings : undefined;
  return blocks(bindings).map((binding) => ({
    role: typeof binding.role === 'string' ? binding.role : '',
    members: strings(binding.members),
  }));
}
