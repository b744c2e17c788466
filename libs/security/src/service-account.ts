import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount as GoogleServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { memberOf, type Grantee, type IPrincipal } from './principal';
import { ensureFreeId, grantId } from './private/grant';
import { validateRole } from './private/role';
import { Roles } from './roles';
import { idFragment, validatePattern } from './private/validate';

const ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export interface ServiceAccountProps {
  /** The part before `@` in the email: 6-30 lowercase letters, digits or hyphens, starting with a letter. */
  readonly accountId: string;
  /**
   * Display name in the console.
   * @default - the accountId
   */
  readonly displayName?: string;
  /**
   * What the account is for.
   * @default - no description
   */
  readonly description?: string;
  /** Project that owns the account (and where `projectRoles` are granted). */
  readonly project: string;
  /**
   * Project roles to grant, keyed by a stable name (the key is part of the grant's address).
   * Primitive roles (owner, editor, viewer) are refused.
   * @default {}
   */
  readonly projectRoles?: Readonly<Record<string, string>>;
}

/**
 * A workload identity: a service account with least-privilege project roles. It never has keys
 * (workloads use attached identities or workload identity federation).
 */
export class ServiceAccount extends Construct implements IPrincipal {
  /** The account's email (known after apply). */
  public readonly email: string;
  /** `serviceAccount:<email>`, for IAM grants. */
  public readonly member: string;
  /** `projects/<project>/serviceAccounts/<email>`: the account as an IAM resource (known after apply). */
  public readonly name: string;
  /** The underlying `google_service_account`. */
  public readonly serviceAccount: GoogleServiceAccount;

  private readonly accountId: string;
  private readonly project: string;

  constructor(scope: Construct, id: string, props: ServiceAccountProps) {
    super(scope, id);
    const owner = `ServiceAccount '${id}'`;
    validatePattern(
      owner,
      'accountId',
      props.accountId,
      ACCOUNT_ID,
      'use 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen',
    );
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    this.accountId = props.accountId;
    this.project = props.project;
    this.serviceAccount = new GoogleServiceAccount(this, 'default', {
      accountId: props.accountId,
      displayName: props.displayName ?? props.accountId,
      description: props.description,
      project: props.project,
    });
    this.email = this.serviceAccount.email;
    this.member = `serviceAccount:${this.email}`;
    this.name = this.serviceAccount.name;
    for (const [key, role] of Object.entries(props.projectRoles ?? {})) {
      this.grantProjectRole(key, role);
    }
  }

  /**
   * Grants this account `role` on its project. `key` names the grant stably (it is part of the address).
   * Primitive roles are refused.
   */
  public grantProjectRole(key: string, role: string): ProjectIamMember {
    const what = `ServiceAccount '${this.node.id}' projectRoles.${key}`;
    if (idFragment(key) !== key || key === '') {
      throw new Error(`${what}: key '${key}' must use only letters, digits, '-' and '_'`);
    }
    validateRole(role, what, (r) => `service account '${this.accountId}' may not hold primitive role ${r}`);
    const id = `project-role-${key}`;
    ensureFreeId(this, id, what);
    return new ProjectIamMember(this, id, { project: this.project, role, member: this.member });
  }

  /**
   * Lets external identities of a workload identity pool act as this account
   * (`roles/iam.workloadIdentityUser` on the account): e.g. the GitHub jobs that run in the
   * `prod` environment, `sa.grantWorkloadIdentityUser(pool.principalSet('environment', 'prod'))`.
   * Only `principal://` and `principalSet://` members are accepted: people and service accounts
   * impersonate through `roles/iam.serviceAccountTokenCreator`, not through a pool.
   * @param id construct id of the grant. @default - derived from the member (required when it holds a value known only at deploy time)
   */
  public grantWorkloadIdentityUser(grantee: Grantee, id?: string): ServiceAccountIamMember {
    const what = `ServiceAccount '${this.node.id}' grantWorkloadIdentityUser`;
    const member = memberOf(grantee, `${what} member`);
    // Only the literal text before the first token can be checked (a member wholly a token is skipped).
    const literal = member.split('${')[0];
    if (literal !== '' && !/^principal(Set)?:/.test(literal)) {
      throw new Error(
        `${what} member '${member}' is not a workload identity: use a pool's principal set (pool.principalSet('environment', 'prod')) or a principal:// member`,
      );
    }
    const grant = grantId('workload-identity-user', grantee, id, what);
    ensureFreeId(this, grant, what);
    return new ServiceAccountIamMember(this, grant, {
      serviceAccountId: this.name,
      role: Roles.workloadIdentityUser,
      member,
    });
  }
}
