import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { synthesizeScope, type Synthesized } from '@platform/testing';
import type { Construct } from 'constructs';

/** Adds the google provider every stack needs (synthesis validates its presence). */
export function addProvider(scope: Construct): void {
  new GoogleProvider(scope, 'google', { project: 'test-project', region: 'europe-west1' });
}

/** Builds constructs in a fresh stack with a google provider, and synthesizes it. */
export function synth(build: (scope: Construct) => void): Synthesized {
  return synthesizeScope((scope) => {
    addProvider(scope);
    build(scope);
  });
}

/** The only resource of a type, failing when there is not exactly one. */
export function only(synthesized: Synthesized, type: string): Record<string, unknown> {
  const resources = Object.values(synthesized.resourcesOf(type));
  if (resources.length !== 1) throw new Error(`expected exactly one ${type}, found ${resources.length}`);
  return resources[0];
}

/** A resource of a type by its `name` attribute. */
export function named(synthesized: Synthesized, type: string, name: string): Record<string, unknown> {
  const resource = Object.values(synthesized.resourcesOf(type)).find((r) => r.name === name);
  if (!resource) throw new Error(`no ${type} named '${name}'`);
  return resource;
}
