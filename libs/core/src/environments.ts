import { loadAllEnvironments, loadStackSettings } from '@platform/config';
import type { StackDefinition } from './stack-definition';
import { synthesizeStack } from './synthesize';

/**
 * Synthesizes a stack in every environment of the workspace with the real configuration
 * files, as the synth target does, and returns the JSON by environment. Throws on the first
 * configuration or policy failure.
 */
export function synthesizeInEveryEnvironment(definition: StackDefinition, workspaceRoot: string): Map<string, string> {
  const results = new Map<string, string>();
  for (const environment of loadAllEnvironments(workspaceRoot)) {
    const settings = loadStackSettings(workspaceRoot, environment.name, definition.name, definition.settings);
    results.set(environment.name, synthesizeStack(definition, environment, settings).json);
  }
  return results;
}
