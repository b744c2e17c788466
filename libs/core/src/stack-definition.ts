import type { z } from 'zod';
import type { PlatformStack } from './platform-stack';

/**
 * A stack: its name, the schema of its per-environment settings
 * (`environments/<env>/<name>.yaml`) and the composition of constructs.
 */
export interface StackDefinition<S extends z.ZodType = z.ZodType> {
  /** Folder name under stacks/; also the state key and the project name. */
  readonly name: string;
  readonly description: string;
  readonly settings: S;
  /**
   * `none` for stacks whose providers work offline: no google provider is configured.
   * @default 'google'
   */
  readonly cloud?: 'google' | 'none';
  build(stack: PlatformStack, settings: z.output<S>): void;
}

export function defineStack<S extends z.ZodType>(definition: StackDefinition<S>): StackDefinition<S> {
  return definition;
}
