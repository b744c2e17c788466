/** The Terraform type of one published output. */
export type OutputKind = 'string' | 'stringList' | 'stringMap';

export interface OutputSpec {
  readonly kind: OutputKind;
  readonly description: string;
}

/**
 * What a producer stack publishes: fixed output names and types. The producer knows
 * nothing of its consumers; a consumer declares only the keys it reads.
 */
export interface StackContract<O extends Record<string, OutputSpec> = Record<string, OutputSpec>> {
  /** The producing stack's name (its folder under stacks/). */
  readonly stack: string;
  /** Bumped on any breaking change (a removed or retyped output). */
  readonly version: number;
  readonly outputs: O;
}

/** TypeScript type of an output value as a consumer sees it. */
export type OutputValue<K extends OutputKind> = K extends 'string'
  ? string
  : K extends 'stringList'
    ? string[]
    : Record<string, string>;

/** Values a producer must publish: every output of its contract, nothing else. */
export type ContractValues<C extends StackContract> = {
  readonly [K in keyof C['outputs']]: OutputValue<C['outputs'][K]['kind']>;
};

/** A map output read from upstream state: keys are known only at plan time, so values are looked up. */
export interface MapLookup {
  /** The value at `key`; planning fails if the upstream map lacks it. */
  get(key: string): string;
}

/** TypeScript type of an output value as a consumer reads it from upstream state. */
export type UpstreamValue<K extends OutputKind> = K extends 'string' ? string : K extends 'stringList' ? string[] : MapLookup;

/** Values a consumer receives for the keys it selected. */
export type UpstreamValues<C extends StackContract, K extends keyof C['outputs']> = {
  readonly [P in K]: UpstreamValue<C['outputs'][P]['kind']>;
};

export function defineContract<const O extends Record<string, OutputSpec>>(contract: StackContract<O>): StackContract<O> {
  for (const key of Object.keys(contract.outputs)) {
    if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) {
      throw new Error(`contract '${contract.stack}': output key '${key}' must be camelCase`);
    }
  }
  return contract;
}

/** Terraform output name of a contract key: `subnetSelfLinks` -> `subnet_self_links`. */
export function outputName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export const output = {
  string: (description: string): OutputSpec & { kind: 'string' } => ({ kind: 'string', description }),
  stringList: (description: string): OutputSpec & { kind: 'stringList' } => ({ kind: 'stringList', description }),
  stringMap: (description: string): OutputSpec & { kind: 'stringMap' } => ({ kind: 'stringMap', description }),
};
