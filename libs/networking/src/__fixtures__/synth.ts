import type { Synthesized } from '@platform/testing';

/** Constructs built in a fresh stack with a google provider, synthesized (validations included). */
export { synthesizeWithGoogle as synth, resourceNamed as named } from '@platform/testing';

/** The only resource of a type, failing when there is not exactly one. */
export function only(synthesized: Synthesized, type: string): Record<string, unknown> {
  return synthesized.single(type);
}
