/** The environment tier a stack is deployed to; some rules are stricter for production. */
export type EnvironmentTier = 'development' | 'staging' | 'production';

/** The tiers, in promotion order. */
export const ENVIRONMENT_TIERS: readonly EnvironmentTier[] = ['development', 'staging', 'production'];

/** What the rules need to know about the environment a stack is synthesized for. */
export interface PolicyContext {
  /** Environment name, e.g. `dev`, `prod-eu`. */
  readonly environment: string;
  readonly tier: EnvironmentTier;
  /** Label keys every labelled resource must carry (after provider default_labels are merged). */
  readonly requiredLabels: readonly string[];
}

/** One resource as the rules see it: its resolved configuration exactly as in the synthesized JSON. */
export interface ResourceUnderTest {
  /** Terraform type, e.g. `google_storage_bucket`. */
  readonly type: string;
  /** Logical id in the synthesized JSON. */
  readonly name: string;
  /** `${type}.${name}`, the Terraform address. */
  readonly address: string;
  /** Construct path, to find the resource in the source. */
  readonly path: string;
  /** Resolved config (snake_case keys; nested blocks as objects or arrays; references as `${...}` strings). */
  readonly config: Record<string, unknown>;
  /** True when the resource carries GCP resource labels that provider default_labels apply to. */
  readonly supportsLabels: boolean;
  /** The attribute holding those labels (`labels`, or `resource_labels` on google_container_cluster). */
  readonly labelsAttribute?: string;
  /** default_labels of the provider the resource uses, resolved; {} when none. */
  readonly providerDefaultLabels: Record<string, string>;
}

/** A rule broken by a resource. */
export interface Violation {
  /** Rule id, e.g. `cmek-required`. */
  readonly rule: string;
  /** Terraform address of the resource. */
  readonly address: string;
  /** Construct path of the resource. */
  readonly path: string;
  /** What is wrong, with the value seen. */
  readonly message: string;
  /** How to fix it in the source. */
  readonly fix: string;
}

/** A problem a rule found in one resource. */
export interface Finding {
  message: string;
  fix: string;
}

/** A guardrail: checks one resource at a time against the synthesized config. */
export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  check(resource: ResourceUnderTest, context: PolicyContext): Array<{ message: string; fix: string }>;
}
