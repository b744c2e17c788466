import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { OrgPolicyPolicy, type OrgPolicyPolicySpecRules } from '@cdktf/provider-google/lib/org-policy-policy';
import { unresolved, validatePattern } from './private/validate';

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** `<service>.<name>` (`compute.requireOsLogin`), managed ones `<service>.managed.<name>`, custom ones `custom.<name>`. */
const CONSTRAINT = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*){1,2}$/;

/** A boolean constraint (`iam.disableServiceAccountKeyCreation`): enforced or not. */
export interface BooleanOrgPolicy {
  /** Whether the constraint is enforced on the project. */
  readonly enforce: boolean;
}

/** A list constraint (`gcp.resourceLocations`): which values are allowed or denied. */
export interface ListOrgPolicy {
  /**
   * Values allowed (`['in:europe-locations']`), or `'all'`.
   * @default - no allow rule
   */
  readonly allow?: 'all' | readonly string[];
  /**
   * Values denied, or `'all'` (`compute.vmExternalIpAccess`: no VM may have an external IP).
   * @default - no deny rule
   */
  readonly deny?: 'all' | readonly string[];
  /**
   * Merge the values with the policies of the folders and organization above
   * (`inherit_from_parent`). Off, this policy is the project's whole policy for the constraint.
   * @default false
   */
  readonly inheritFromParent?: boolean;
}

export type OrgPolicy = BooleanOrgPolicy | ListOrgPolicy;

export interface OrgPoliciesProps {
  /** Project id the policies apply to (`projects/<id>`). */
  readonly project: string;
  /**
   * Policies by constraint name, e.g.
   * `{ 'iam.disableServiceAccountKeyCreation': { enforce: true }, 'gcp.resourceLocations': { allow: ['in:europe-locations'] } }`.
   */
  readonly policies: Readonly<Record<string, OrgPolicy>>;
  /**
   * What the policies must wait for, typically the `orgpolicy.googleapis.com` enablement
   * (`ProjectServices.resourceFor('orgpolicy.googleapis.com')`) in the same stack.
   * @default []
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Organization policy constraints set on one project (`google_org_policy_policy` per constraint,
 * parent `projects/<id>`, name `projects/<id>/policies/<constraint>`). Setting them needs
 * `roles/orgpolicy.policyAdmin`, which is granted at the organization (or folder) level, and the
 * `orgpolicy.googleapis.com` API.
 */
export class OrgPolicies extends Construct {
  /** The underlying `google_org_policy_policy` of each constraint. */
  public readonly policies: Readonly<Record<string, OrgPolicyPolicy>>;

  constructor(scope: Construct, id: string, props: OrgPoliciesProps) {
    super(scope, id);
    const owner = `OrgPolicies '${id}'`;
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    const entries = Object.entries(props.policies ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) {
      throw new Error(`${owner}: policies must set at least one constraint, e.g. { 'compute.requireOsLogin': { enforce: true } }, got ${JSON.stringify(props.policies ?? null)}`);
    }
    const parent = `projects/${props.project}`;
    const policies: Record<string, OrgPolicyPolicy> = {};
    for (const [constraint, policy] of entries) {
      validatePattern(
        owner,
        'policies key',
        constraint,
        CONSTRAINT,
        "use a constraint name like 'compute.requireOsLogin' or 'gcp.resourceLocations' (without the 'constraints/' prefix)",
      );
      policies[constraint] = new OrgPolicyPolicy(this, constraint.replace(/\./g, '-'), {
        name: `${parent}/policies/${constraint}`,
        parent,
        spec: specOf(`${owner}: policies.${constraint}`, policy),
        dependsOn: props.dependsOn === undefined || props.dependsOn.length === 0 ? undefined : [...props.dependsOn],
      });
    }
    this.policies = policies;
  }
}

function specOf(what: string, policy: OrgPolicy): { rules: OrgPolicyPolicySpecRules[]; inheritFromParent?: boolean } {
  if (typeof policy !== 'object' || policy === null) {
    throw new Error(`${what} must be { enforce: true|false } or { allow / deny: [...] | 'all' }, got ${JSON.stringify(policy ?? null)}`);
  }
  const list = policy as ListOrgPolicy;
  const hasList = list.allow !== undefined || list.deny !== undefined || list.inheritFromParent !== undefined;
  if ('enforce' in policy && policy.enforce !== undefined) {
    if (hasList) throw new Error(`${what} mixes enforce (boolean constraints) with allow/deny/inheritFromParent (list constraints); a constraint is one or the other`);
    if (typeof policy.enforce !== 'boolean' && !unresolved(policy.enforce)) {
      throw new Error(`${what}.enforce must be true or false, got ${JSON.stringify(policy.enforce)}`);
    }
    return { rules: [{ enforce: policy.enforce ? 'TRUE' : 'FALSE' }] };
  }
  if (list.allow === undefined && list.deny === undefined) {
    throw new Error(`${what} sets nothing: give enforce (boolean constraints) or allow and/or deny (list constraints)`);
  }
  const values = (prop: 'allow' | 'deny'): readonly string[] | 'all' | undefined => {
    const value = list[prop];
    if (value === undefined || value === 'all') return value;
    if (!Array.isArray(value) || value.length === 0) {
      throw new Error(`${what}.${prop} must be 'all' or a non-empty list of values, got ${JSON.stringify(value)}`);
    }
    for (const item of value) {
      if (typeof item !== 'string' || (!unresolved(item) && item.trim() === '')) {
        throw new Error(`${what}.${prop} has an empty value; use values like 'in:europe-locations' or 'projects/my-project', got ${JSON.stringify(value)}`);
      }
    }
    const dupes = value.filter((item, i) => value.indexOf(item) !== i);
    if (dupes.length > 0) throw new Error(`${what}.${prop} lists '${dupes[0]}' more than once`);
    return value;
  };
  const allow = values('allow');
  const deny = values('deny');
  if (allow === 'all' && deny === 'all') throw new Error(`${what} both allows and denies 'all'; choose one`);
  if ((allow === 'all' && deny !== undefined) || (deny === 'all' && allow !== undefined)) {
    throw new Error(`${what} combines '${allow === 'all' ? 'allow' : 'deny'}: all' with a list of ${allow === 'all' ? 'denied' : 'allowed'} values; give the list alone`);
  }
  if (Array.isArray(allow) && Array.isArray(deny)) {
    const both = allow.filter((item) => deny.includes(item));
    if (both.length > 0) throw new Error(`${what} both allows and denies '${both[0]}'`);
  }
  let rule: OrgPolicyPolicySpecRules;
  if (allow === 'all') rule = { allowAll: 'TRUE' };
  else if (deny === 'all') rule = { denyAll: 'TRUE' };
  else {
    rule = {
      values: {
        allowedValues: allow === undefined ? undefined : [...allow],
        deniedValues: deny === undefined ? undefined : [...deny],
      },
    };
  }
  return { rules: [rule], inheritFromParent: list.inheritFromParent === true ? true : undefined };
}
