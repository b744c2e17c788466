import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StackDefinition } from '@platform/core';
import { STACKS_DIR, UsageError } from '@platform/workspace';

/** Imports `stacks/<name>/src/index.ts` and checks that its default export defines that stack. */
export async function loadStackDefinition(workspaceRoot: string, stack: string): Promise<StackDefinition> {
  const file = `${STACKS_DIR}/${stack}/src/index.ts`;
  const path = join(workspaceRoot, file);
  if (!existsSync(path)) throw new UsageError(`${file}: missing (a stack's entry point default-exports defineStack({...}))`);
  const module = (await import(pathToFileURL(path).href)) as { default?: Partial<StackDefinition> };
  const definition = module.default;
  if (!definition || typeof definition.build !== 'function' || !definition.settings) {
    throw new UsageError(`${file}: the default export must be defineStack({ name, settings, build })`);
  }
  if (definition.name !== stack) {
    throw new UsageError(`${file}: key 'name' must equal the folder name '${stack}', got '${definition.name}'`);
  }
  return definition as StackDefinition;
}
