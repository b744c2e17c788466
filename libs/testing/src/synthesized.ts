import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { parseSynthesized, type ParsedStack } from './parsed-stack';

/** Synthesizes a stack (aspects and validations included) for assertions. */
export function synthesize(stack: TerraformStack): ParsedStack {
  return parseSynthesized(Testing.synth(stack, true));
}

/** Builds constructs in a fresh stack and synthesizes it. */
export function synthesizeScope(build: (scope: Construct) => void): ParsedStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  build(stack);
  return synthesize(stack);
}
