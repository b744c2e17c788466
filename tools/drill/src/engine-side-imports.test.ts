import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { lastJsonLineOfScript } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/*
 * Every `platform` command that runs the engine (apply, destroy, package, publish, promote,
 * records, status, pipeline, drift, state, drill) is a process of its own; cdktf and the
 * provider bindings cost about a second of CPU to load, and only synth needs them. These
 * libraries reach the names they share with the stacks through `@platform/core/names`.
 */
describe('engine-side libraries', () => {
  it('load without cdktf or the provider bindings', () => {
    const libraries = ['@platform/deploy', '@platform/delivery', '@platform/state', '@platform/drift', '@platform/pipeline', '@platform/drill'];
    const script = [
      "import { createRequire } from 'node:module';",
      `for (const library of ${JSON.stringify(libraries)}) await import(library);`,
      "const loaded = Object.keys(createRequire(process.cwd() + '/').cache).filter((file) => /[\\\\/]node_modules[\\\\/](cdktf|@cdktf[\\\\/]provider-google)[\\\\/]/.test(file));",
      'console.log(JSON.stringify(loaded.slice(0, 5)));',
    ].join('\n');
    expect(lastJsonLineOfScript(WORKSPACE, script)).toEqual([]);
  }, 30_000);

  it('sees cdktf in a process that loads @platform/core, so the check above can fail', () => {
    const script = "import { createRequire } from 'node:module'; await import('@platform/core'); console.log(JSON.stringify(Object.keys(createRequire(process.cwd() + '/').cache).some((file) => file.includes('/node_modules/cdktf/'))));";
    expect(lastJsonLineOfScript(WORKSPACE, script)).toBe(true);
  }, 30_000);
});
