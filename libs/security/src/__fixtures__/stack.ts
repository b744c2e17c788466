import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { synthesizeWithGoogle, type Synthesized } from '@platform/testing';

export const PROJECT = 'my-project';
export const KEY_ID = 'projects/my-project/locations/europe-west1/keyRings/platform/cryptoKeys/app';

/** A stack with a google provider (the provider-presence validation needs one). */
export function googleStack(defaultLabels?: Record<string, string>): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GoogleProvider(stack, 'google', { project: PROJECT, region: 'europe-west1', defaultLabels });
  return stack;
}

/** Builds constructs next to a google provider and synthesizes them (validations included). */
export function synthGoogle(build: (scope: Construct) => void): Synthesized {
  return synthesizeWithGoogle(build, PROJECT);
}
