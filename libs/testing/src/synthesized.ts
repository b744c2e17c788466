import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/** Synthesized Terraform JSON of a stack, parsed, with helpers to find resources by type. */
export interface Synthesized {
  /** The JSON text, as the cdktf matchers expect it. */
  readonly json: string;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: unknown }>;
  /** Every resource of a type, by logical name. */
  resourcesOf(type: string): Record<string, Record<string, unknown>>;
  /** Number of resources, optionally of one type. */
  count(type?: string): number;
}

export function parseSynthesized(json: string): Synthesized {
  const parsed = JSON.parse(json) as Partial<Synthesized>;
  const resource = parsed.resource ?? {};
  return {
    json,
    resource,
    data: parsed.data ?? {},
    output: parsed.output ?? {},
    resourcesOf: (type) => resource[type] ?? {},
    count: (type) =>
      type === undefined
        ? Object.values(resource).reduce((n, byName) => n + Object.keys(byName).length, 0)
        : Object.keys(resource[type] ?? {}).length,
  };
}

/** Synthesizes a stack (aspects and validations included) for assertions. */
export function synthesize(stack: TerraformStack): Synthesized {
  return parseSynthesized(Testing.synth(stack, true));
}

/** Builds constructs in a fresh stack and synthesizes it. */
export function synthesizeScope(build: (scope: Construct) => void): Synthesized {
  const stack = new TerraformStack(Testing.app(), 'test');
  build(stack);
  return synthesize(stack);
}
