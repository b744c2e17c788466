import { Fn, TerraformOutput, TerraformStack, Token, type TerraformRemoteState } from 'cdktf';
import type { Construct } from 'constructs';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { EnvironmentConfig } from '@platform/config';
import {
  outputName,
  type ContractValues,
  type MapLookup,
  type OutputKind,
  type StackContract,
  type UpstreamValues,
} from '@platform/contracts';
import { applyPolicy, type PolicyContext } from '@platform/security';
import { drillRunSuffixVariable } from './drill-names';
import { DRILL_RUN_SUFFIX_LENGTH } from './names';
import { configureStateBackend, remoteStateOf } from './state-backend';

/** Labels every resource carries (through the provider's default_labels). */
export const REQUIRED_LABELS = ['environment', 'stack', 'managed-by'] as const;

export interface PlatformStackProps {
  /** The stack's name: its folder under stacks/. */
  readonly stackName: string;
  readonly environment: EnvironmentConfig;
  /**
   * `none` for stacks whose providers work offline (fixtures, drills): no google provider.
   * @default 'google'
   */
  readonly cloud?: 'google' | 'none';
}

/**
 * A stack in one environment: google provider with the environment's project, region and
 * labels, the environment's state backend, and the guardrail policy pack.
 */
export class PlatformStack extends TerraformStack {
  readonly stackName: string;
  readonly environment: EnvironmentConfig;
  readonly policyContext: PolicyContext;
  /** Contracts published and read, for the manifest check and the artifact manifest. */
  readonly published = new Map<string, number>();
  readonly consumed = new Map<string, number>();
  private readonly remoteStates = new Map<string, TerraformRemoteState>();

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, props.stackName);
    this.stackName = props.stackName;
    this.environment = props.environment;
    const env = props.environment;
    if ((props.cloud ?? 'google') === 'google') {
      const provider = new GoogleProvider(this, 'google', { project: env.project, region: env.region });
      // Set as a raw override: cdktf snake-cases the keys of the defaultLabels prop (managed-by -> managed_by).
      provider.addOverride('default_labels', {
        ...env.labels,
        environment: env.name,
        stack: props.stackName,
        'managed-by': 'cdktf',
      });
    }
    configureStateBackend(this, env.state, props.stackName);
    this.policyContext = { environment: env.name, tier: env.tier, requiredLabels: [...REQUIRED_LABELS] };
    applyPolicy(this, this.policyContext);
  }

  get project(): string {
    return this.environment.project;
  }

  get region(): string {
    return this.environment.region;
  }

  /**
   * The name of a resource that cannot be deleted or whose name stays reserved after deletion
   * (KMS key rings and keys, Cloud SQL instances, workload identity pools, log buckets): `base`
   * itself, and in a drill environment `base-<run suffix>`, the suffix coming from the drill run
   * at apply time (DRILL_RUN_SUFFIX_VARIABLE), so the synthesized configuration stays the same
   * for every run while each run's names are its own.
   */
  uniqueName(base: string, maxLength?: number): string {
    if (this.environment.kind !== 'drill') {
      if (maxLength !== undefined && base.length > maxLength) {
        throw new Error(`stack '${this.stackName}': name '${base}' is longer than ${maxLength} characters`);
      }
      return base;
    }
    if (maxLength !== undefined && base.length + DRILL_RUN_SUFFIX_LENGTH > maxLength) {
      throw new Error(
        `stack '${this.stackName}': name '${base}' leaves no room for the drill run suffix (${DRILL_RUN_SUFFIX_LENGTH} characters) within ${maxLength}: shorten it`,
      );
    }
    return `${base}-${drillRunSuffixVariable(this).stringValue}`;
  }

  /** Email of a Google-managed service agent of the project, e.g. `gs-project-accounts`. */
  serviceAgent(domainPrefix: string): string {
    return `service-${this.environment.projectNumber}@${domainPrefix}.iam.gserviceaccount.com`;
  }

  /** Publishes every output of the stack's contract under its fixed name. */
  publish<C extends StackContract>(contract: C, values: ContractValues<C>): void {
    if (contract.stack !== this.stackName) {
      throw new Error(`stack '${this.stackName}' cannot publish the contract of stack '${contract.stack}'`);
    }
    for (const [key, spec] of Object.entries(contract.outputs)) {
      const value = (values as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`stack '${this.stackName}': contract output '${key}' has no value`);
      const out = new TerraformOutput(this, `output-${key}`, { value, description: spec.description });
      out.overrideLogicalId(outputName(key));
    }
    const extra = Object.keys(values).filter((key) => !(key in contract.outputs));
    if (extra.length > 0) {
      throw new Error(`stack '${this.stackName}': '${extra.join("', '")}' not in its contract (add them to libs/contracts first)`);
    }
    this.published.set(contract.stack, contract.version);
  }

  /**
   * Reads the selected outputs of an upstream stack from its state in this environment.
   * The upstream must be listed in the stack's package.json (`stack.upstream`).
   */
  upstream<C extends StackContract, K extends keyof C['outputs'] & string>(
    contract: C,
    keys: readonly K[],
  ): UpstreamValues<C, K> {
    if (contract.stack === this.stackName) throw new Error(`stack '${this.stackName}' cannot read its own outputs`);
    let remote = this.remoteStates.get(contract.stack);
    if (!remote) {
      remote = remoteStateOf(this, `upstream-${contract.stack}`, this.environment.state, contract.stack);
      this.remoteStates.set(contract.stack, remote);
    }
    const values: Record<string, unknown> = {};
    for (const key of keys) {
      const spec = contract.outputs[key];
      if (!spec) throw new Error(`contract '${contract.stack}' has no output '${key}'`);
      values[key] = readOutput(remote, outputName(key), spec.kind);
    }
    this.consumed.set(contract.stack, contract.version);
    return values as UpstreamValues<C, K>;
  }
}

function readOutput(remote: TerraformRemoteState, name: string, kind: OutputKind): unknown {
  switch (kind) {
    case 'string':
      return remote.getString(name);
    case 'stringList':
      return remote.getList(name);
    case 'stringMap': {
      const map = remote.get(name);
      const lookup: MapLookup = { get: (key) => Token.asString(Fn.lookup(map, key)) };
      return lookup;
    }
  }
}
