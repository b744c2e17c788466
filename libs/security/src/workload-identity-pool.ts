import { Construct } from 'constructs';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import type { IPrincipal } from './principal';
import { validateMember } from './principal';
import { unresolved, validatePattern } from './private/validate';
import { GitHubOidcProvider, type GitHubOidcProviderProps } from './workload-identity-github-provider';

/** 4-32 characters of [a-z0-9-]; the `gcp-` prefix is Google's. Shared by pools and providers. */
export const WORKLOAD_IDENTITY_ID = /^(?!gcp-)[a-z0-9-]{4,32}$/;
export const WORKLOAD_IDENTITY_ID_RULE = "use 4-32 lowercase letters, digits or '-', not starting with 'gcp-'";
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const PROJECT_NUMBER = /^[1-9][0-9]{0,19}$/;
/** A custom attribute name of a pool provider's attribute mapping (`attribute.<name>`). */
const ATTRIBUTE_NAME = /^[a-z0-9_]{1,100}$/;

export interface WorkloadIdentityPoolProps {
  /**
   * The pool id (4-32 lowercase letters, digits, `-`). A deleted pool's id stays reserved for 30 days,
   * so a stack that is rebuilt from zero passes `stack.uniqueName(id, 32)`.
   */
  readonly poolId: string;
  /** Project that owns the pool. */
  readonly project: string;
  /** Number of that project: principal identifiers (`principalSet://...`) name the project by number. */
  readonly projectNumber: string;
  /**
   * Display name in the console (at most 32 characters).
   * @default - the pool id
   */
  readonly displayName?: string;
  /**
   * What the pool is for (at most 256 characters).
   * @default - no description
   */
  readonly description?: string;
}

/**
 * A workload identity pool: external identities (CI jobs) exchange their tokens for Google
 * credentials here, without service account keys. Add a provider with {@link addGitHubProvider},
 * then let a principal set of the pool impersonate a service account
 * (`sa.grantWorkloadIdentityUser(pool.principalSet('environment', 'prod'), 'prod-deploys')`).
 */
export class WorkloadIdentityPool extends Construct {
  /** The pool id. */
  public readonly poolId: string;
  /** `projects/<project number>/locations/global/workloadIdentityPools/<pool id>` (known after apply). */
  public readonly name: string;
  /** The project that owns the pool. */
  public readonly project: string;
  /** The number of that project. */
  public readonly projectNumber: string;
  /** The underlying `google_iam_workload_identity_pool`. */
  public readonly pool: IamWorkloadIdentityPool;

  constructor(scope: Construct, id: string, props: WorkloadIdentityPoolProps) {
    super(scope, id);
    const owner = `WorkloadIdentityPool '${id}'`;
    validatePattern(owner, 'poolId', props.poolId, WORKLOAD_IDENTITY_ID, WORKLOAD_IDENTITY_ID_RULE);
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    validatePattern(owner, 'projectNumber', props.projectNumber, PROJECT_NUMBER, "use the project's number (digits only), e.g. '123456789012'");
    const displayName = props.displayName ?? props.poolId;
    if (!unresolved(displayName) && displayName.length > 32) {
      throw new Error(`${owner}: displayName '${displayName}' is ${displayName.length} characters; a pool's display name holds at most 32`);
    }
    if (props.description !== undefined && !unresolved(props.description) && props.description.length > 256) {
      throw new Error(`${owner}: description is ${props.description.length} characters; a pool's description holds at most 256`);
    }
    this.poolId = props.poolId;
    this.project = props.project;
    this.projectNumber = props.projectNumber;
    this.pool = new IamWorkloadIdentityPool(this, 'default', {
      workloadIdentityPoolId: props.poolId,
      project: props.project,
      displayName,
      description: props.description,
    });
    this.name = this.pool.name;
  }

  /** Adds a GitHub Actions OIDC provider to this pool, accepting tokens of one repository only. */
  public addGitHubProvider(id: string, props: Omit<GitHubOidcProviderProps, 'pool'>): GitHubOidcProvider {
    return new GitHubOidcProvider(this, id, { ...props, pool: this });
  }

  /**
   * Every identity of this pool whose mapped attribute `attribute.<name>` equals `value`:
   * `principalSet('environment', 'prod')` is every GitHub job that runs in the `prod` environment,
   * `principalSet('ref', 'refs/heads/main')` every job of the main branch. The attribute must be
   * mapped by the pool's provider ({@link GITHUB_ATTRIBUTE_MAPPING} for GitHub).
   */
  public principalSet(name: string, value: string): IPrincipal {
    const what = `WorkloadIdentityPool '${this.node.id}' principalSet`;
    if (!unresolved(name) && !ATTRIBUTE_NAME.test(name)) {
      throw new Error(`${what}: attribute name '${name}' is invalid: use the name after 'attribute.' (lowercase letters, digits, '_'), e.g. 'environment'`);
    }
    if (!unresolved(value) && (value.trim() === '' || value !== value.trim())) {
      throw new Error(`${what}: attribute.${name} value '${value}' must be a non-empty value without surrounding spaces, e.g. 'prod'`);
    }
    const member = `principalSet://iam.googleapis.com/projects/${this.projectNumber}/locations/global/workloadIdentityPools/${this.poolId}/attribute.${name}/${value}`;
    validateMember(member, what);
    return { member };
  }
}
