import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { Construct } from 'constructs';
import type { ParsedStack } from './parsed-stack';
import { synthesizeScope } from './synthesized';

/**
 * Builds constructs next to a google provider (synthesis validates that one is present) in a
 * fresh stack, and synthesizes it with its validations.
 */
export function synthesizeWithGoogle(build: (scope: Construct) => void, project = 'test-project'): ParsedStack {
  return synthesizeScope((scope) => {
    new GoogleProvider(scope, 'google', { project, region: 'europe-west1' });
    build(scope);
  });
}

/** The resource of a type whose `name` attribute is `name`; throws naming both when there is none. */
export function resourceNamed(synthesized: ParsedStack, type: string, name: string): Record<string, unknown> {
  const resource = Object.values(synthesized.resourcesOf(type)).find((r) => r.name === name);
  if (!resource) throw new Error(`no ${type} named '${name}'`);
  return resource;
}
