import { Construct } from 'constructs';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { unresolved, validatePattern } from './private/validate';
import type { WorkloadIdentityPool } from './workload-identity-pool';

/** The issuer of GitHub Actions OIDC tokens. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * How a GitHub Actions token's claims become pool attributes, for conditions and principal sets
 * (`attribute.environment/prod`). A job without a GitHub environment maps `environment` to ''
 * (it has no such claim), which no principal set names.
 */
export const GITHUB_ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = {
  'google.subject': 'assertion.sub',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_owner': 'assertion.repository_owner',
  'attribute.ref': 'assertion.ref',
  'attribute.environment': "has(assertion.environment) ? assertion.environment : ''",
  'attribute.workflow_ref': 'assertion.workflow_ref',
};

const PROVIDER_ID = /^(?!gcp-)[a-z0-9-]{4,32}$/;
/** GitHub's rules: an owner of letters, digits and single hyphens; a repository of letters, digits, `.`, `_`, `-`. */
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\/([A-Za-z0-9._-]{1,100})$/;

export interface GitHubOidcProviderProps {
  /** The pool the provider belongs to. */
  readonly pool: WorkloadIdentityPool;
  /** The provider id, unique in its pool (4-32 lowercase letters, digits, `-`); like a pool's, it stays reserved 30 days after deletion. */
  readonly providerId: string;
  /**
   * The one repository, `owner/name`, whose workflows may exchange tokens. Required: a provider
   * without an attribute condition accepts the token of every repository on GitHub.
   */
  readonly repository: string;
  /**
   * A further CEL condition that every accepted token must also meet, e.g.
   * `assertion.repository_visibility == 'private'`.
   * @default - the repository condition only
   */
  readonly condition?: string;
  /**
   * Display name in the console (at most 32 characters).
   * @default - the provider id
   */
  readonly displayName?: string;
}

/**
 * A GitHub Actions OIDC provider of a workload identity pool
 * (`google_iam_workload_identity_pool_provider`), with the claims of {@link GITHUB_ATTRIBUTE_MAPPING}
 * and an attribute condition that admits one repository of one owner.
 */
export class GitHubOidcProvider extends Construct {
  /** The provider's id. */
  public readonly providerId: string;
  /**
   * Its full resource name, `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<id>`:
   * what `google-github-actions/auth` takes as `workload_identity_provider` (known after apply).
   */
  public readonly name: string;
  /** The attribute condition every accepted token meets. */
  public readonly attributeCondition: string;
  /** The underlying `google_iam_workload_identity_pool_provider`. */
  public readonly provider: IamWorkloadIdentityPoolProvider;

  constructor(scope: Construct, id: string, props: GitHubOidcProviderProps) {
    super(scope, id);
    const owner = `GitHubOidcProvider '${id}'`;
    validatePattern(owner, 'providerId', props.providerId, PROVIDER_ID, "use 4-32 lowercase letters, digits or '-', not starting with 'gcp-'");
    if (typeof props.repository !== 'string' || (!unresolved(props.repository) && props.repository.trim() === '')) {
      throw new Error(
        `${owner}: repository must name the one repository whose workflows may authenticate, as 'owner/name'; got ${JSON.stringify(props.repository ?? null)}: a provider without a condition accepts every repository on GitHub`,
      );
    }
    let condition: string;
    if (unresolved(props.repository)) {
      condition = `assertion.repository == "${props.repository}"`;
    } else {
      const match = REPOSITORY.exec(props.repository);
      if (!match) {
        throw new Error(`${owner}: repository '${props.repository}' is not a GitHub repository; use 'owner/name', e.g. 'acme/gcp-delivery-platform'`);
      }
      condition = `assertion.repository_owner == "${match[1]}" && assertion.repository == "${props.repository}"`;
    }
    if (props.condition !== undefined) {
      if (!unresolved(props.condition) && props.condition.trim() === '') {
        throw new Error(`${owner}: condition must be a CEL expression such as "assertion.repository_visibility == 'private'", or left out; got ''`);
      }
      condition = `${condition} && (${props.condition})`;
    }
    if (condition.length > 4096) {
      throw new Error(`${owner}: the attribute condition is ${condition.length} characters; Google accepts at most 4096`);
    }
    const displayName = props.displayName ?? props.providerId;
    if (!unresolved(displayName) && displayName.length > 32) {
      throw new Error(`${owner}: displayName '${displayName}' is ${displayName.length} characters; a provider's display name holds at most 32`);
    }
    this.providerId = props.providerId;
    this.attributeCondition = condition;
    this.provider = new IamWorkloadIdentityPoolProvider(this, 'default', {
      project: props.pool.project,
      workloadIdentityPoolId: props.pool.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: props.providerId,
      displayName: unresolved(displayName) ? undefined : displayName,
      description: unresolved(props.repository) ? 'GitHub Actions' : `GitHub Actions of ${props.repository}`,
      attributeMapping: { ...GITHUB_ATTRIBUTE_MAPPING },
      attributeCondition: condition,
      // No allowed audiences: tokens must name this provider (google-github-actions/auth's default).
      oidc: { issuerUri: GITHUB_ACTIONS_ISSUER },
    });
    this.name = this.provider.name;
  }
}
