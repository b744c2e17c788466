import { synthesizeEveryEnvironment, type StackSynthOutcome } from '@platform/core';
import { errorMessage, readStackManifest } from '@platform/workspace';
import { loadStackDefinition } from './load-definition';

export type { EnvironmentResult, StackSynthOutcome, StackSynthReport, SynthFailure } from '@platform/core';

/**
 * Synthesizes a stack of the workspace for every environment, as `synthesizeEveryEnvironment`
 * does (the stack tests use the same), after loading its definition and manifest. The
 * environments and their settings come from `settingsRoot` (a base commit's, whose code is the
 * workspace's) when given.
 */
export async function synthesizeAllEnvironments(workspaceRoot: string, stack: string, settingsRoot: string = workspaceRoot): Promise<StackSynthOutcome> {
  try {
    const { upstream } = readStackManifest(workspaceRoot, stack);
    const definition = await loadStackDefinition(workspaceRoot, stack);
    return synthesizeEveryEnvironment({ workspaceRoot: settingsRoot, definition, upstream });
  } catch (error) {
    return { ok: false, stack, failures: [{ message: errorMessage(error) }] };
  }
}
