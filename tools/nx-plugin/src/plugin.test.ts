import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateDependenciesContext, CreateNodesContextV2, ProjectConfiguration } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { createDependencies, createNodes, createNodesV2, environmentInputs, normalizeOptions } from './plugin';

function workspaceWith(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'plugin-test-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

function context(workspaceRoot: string): CreateNodesContextV2 {
  return { workspaceRoot, nxJsonConfiguration: {} };
}

async function inferProjects(workspaceRoot: string, files: string[], options = {}): Promise<Record<string, ProjectConfiguration>> {
  const [, infer] = createNodesV2;
  const results = await infer(files, options, context(workspaceRoot));
  return Object.assign({}, ...results.map(([, result]) => result.projects ?? {}));
}

const network = { name: 'network', description: 'VPC', stack: { upstream: [] }, nx: { tags: ['layer:macro'] } };
const web = { name: 'web', stack: { upstream: ['network'] } };

describe('platform Nx plugin', () => {
  it('exports createNodes with the same value as createNodesV2', () => {
    expect(createNodes).toBe(createNodesV2);
    expect(createNodesV2[0]).toBe('{libs,stacks,tools}/*/package.json');
  });

  it('infers synth, test, typecheck, lint and the engine targets for a stack from its folder alone', async () => {
    const root = workspaceWith({ 'stacks/network/package.json': network, 'environments/dev/environment.yaml': 'name: dev\n', 'environments/prod/environment.yaml': 'name: prod\n' });
    const projects = await inferProjects(root, ['stacks/network/package.json']);
    const project = projects['stacks/network']!;
    expect(project.name).toBe('network');
    expect(project.tags).toEqual(['type:stack', 'layer:macro']);
    expect(Object.keys(project.targets!).sort()).toEqual(['apply', 'destroy', 'drift', 'lint', 'nx-release-publish', 'output', 'package', 'plan', 'publish', 'synth', 'test', 'typecheck', 'validate']);
    const synth = project.targets!.synth!;
    expect(synth).toMatchObject({ executor: '@platform/nx-plugin:synth', options: { stack: 'network' } });
    expect(synth.cache).toBe(true);
    expect(synth.outputs).toEqual(['{workspaceRoot}/dist/stacks/network']);
    expect(synth.inputs).toEqual(expect.arrayContaining(['production', ...environmentInputs('network')]));
    expect(synth.metadata?.description).toMatch(/once per environment/);
  });

  it('gives each engine target one configuration per environment, never caches plans or applies, and applies upstream first', async () => {
    const root = workspaceWith({ 'stacks/network/package.json': network, 'environments/dev/environment.yaml': 'name: dev\n', 'environments/prod/environment.yaml': 'name: prod\n' });
    const targets = (await inferProjects(root, ['stacks/network/package.json']))['stacks/network']!.targets!;
    for (const name of ['plan', 'apply', 'destroy', 'output', 'drift']) {
      expect(targets[name]!.cache, name).toBe(false);
      expect(targets[name]!.configurations, name).toEqual({ dev: { args: '--env dev' }, prod: { args: '--env prod' } });
    }
    expect(targets.apply!.dependsOn).toEqual(['synth', '^apply']);
    expect(targets.package).toMatchObject({ command: 'node --import tsx tools/cli/bin/platform.mts package network', cache: false, dependsOn: ['synth'] });
    expect(targets.publish).toMatchObject({ command: 'node --import tsx tools/cli/bin/platform.mts publish network', dependsOn: ['package'] });
    expect(targets['nx-release-publish']).toMatchObject({ executor: 'nx:noop', dependsOn: ['publish'] });
    expect(targets.validate).toMatchObject({ cache: true, dependsOn: ['synth'], command: 'node --import tsx tools/cli/bin/platform.mts validate network' });
    expect(targets.validate!.inputs).toContainEqual({ dependentTasksOutputFiles: '**/*.tf.json' });
    expect(targets.validate!.inputs, 'the committed lock file every init reads').toContain('{projectRoot}/.terraform.lock.hcl');
  });

  it('lists only its own settings files among a stack inputs, so one stack setting never touches another stack', async () => {
    const root = workspaceWith({ 'stacks/network/package.json': network, 'stacks/web/package.json': web });
    const projects = await inferProjects(root, ['stacks/network/package.json', 'stacks/web/package.json']);
    const inputsOf = (name: string) => JSON.stringify(projects[`stacks/${name}`]!.targets!.synth!.inputs);
    expect(inputsOf('network')).toContain('environments/*/network.yaml');
    expect(inputsOf('network')).not.toContain('web.yaml');
    expect(inputsOf('web')).not.toContain('network.yaml');
  });

  it('hashes the production files of the libraries a stack imports, transitively, and never another stack', async () => {
    const root = workspaceWith({
      'tsconfig.base.json': { compilerOptions: { paths: { '@platform/net': ['libs/net/src/index.ts'], '@platform/core': ['libs/core/src/index.ts'], '@platform/testing': ['libs/testing/src/index.ts'] } } },
      'libs/net/package.json': { name: '@platform/net' },
      'libs/net/src/index.ts': "import { x } from '@platform/core';\nexport const y = x;\n",
      'libs/net/src/index.test.ts': "import '@platform/testing';\n",
      'libs/core/package.json': { name: '@platform/core' },
      'libs/core/src/index.ts': 'export const x = 1;\n',
      'libs/testing/package.json': { name: '@platform/testing' },
      'libs/testing/src/index.ts': 'export {};\n',
      'stacks/network/package.json': network,
      'stacks/network/src/index.ts': "import { y } from '@platform/net';\nexport default y;\n",
      'stacks/network/src/network.test.ts': "import '@platform/testing';\n",
    });
    const projects = await inferProjects(root, ['stacks/network/package.json', 'libs/net/package.json']);
    const targets = projects['stacks/network']!.targets!;
    expect(targets.synth!.inputs).toContainEqual({ input: 'production', projects: ['@platform/core', '@platform/net'] });
    expect(targets.test!.inputs).toContainEqual({ input: 'production', projects: ['@platform/core', '@platform/net', '@platform/testing'] });
    expect(JSON.stringify(targets.synth!.inputs)).not.toContain('^');
    expect(projects['libs/net']!.targets!.test!.inputs).toContainEqual({ input: 'production', projects: ['@platform/core', '@platform/testing'] });
  });

  it('infers no synth target for a library and writes test results where the check reads them', async () => {
    const root = workspaceWith({ 'libs/networking/package.json': { name: '@platform/networking' } });
    const projects = await inferProjects(root, ['libs/networking/package.json']);
    const project = projects['libs/networking']!;
    expect(Object.keys(project.targets!).sort()).toEqual(['lint', 'test', 'typecheck']);
    expect(project.targets!.test!.outputs).toEqual(['{workspaceRoot}/dist/test-results/{projectRoot}.json']);
  });

  it('gives a tool project exact test inputs: its own files and the projects it imports, never the whole workspace', async () => {
    const root = workspaceWith({
      'tsconfig.base.json': { compilerOptions: { paths: { '@platform/drill': ['tools/drill/src/index.ts'], '@platform/workspace': ['tools/workspace/src/index.ts'] } } },
      'tools/drill/package.json': { name: '@platform/drill' },
      'tools/drill/src/index.ts': "import { x } from '@platform/workspace';\nexport const y = x;\n",
      'tools/drill/src/drill.test.ts': 'export {};\n',
      'tools/workspace/package.json': { name: '@platform/workspace' },
      'tools/workspace/src/index.ts': 'export const x = 1;\n',
    });
    const projects = await inferProjects(root, ['tools/drill/package.json', 'tools/workspace/package.json']);
    const drill = projects['tools/drill']!.targets!;
    expect(drill.test!.inputs).toContainEqual({ input: 'production', projects: ['@platform/workspace'] });
    expect(JSON.stringify(drill.test!.inputs)).not.toContain('{workspaceRoot}/**/*');
    expect(drill.test!.inputs).toContain('testWorkspaceFiles');
    expect(drill.test).toMatchObject({ executor: '@platform/nx-plugin:test', options: { vitestProject: 'unit', root: '{projectRoot}', reportFile: 'dist/test-results/{projectRoot}.json' } });
    expect(drill.integration, 'no integration target without *.integration.test.ts files').toBeUndefined();
    expect(JSON.stringify(projects['tools/workspace']!.targets!.test!.inputs)).not.toContain('@platform/drill');
  });

  it('infers an integration target for projects with integration tests, with the engine set-up among its inputs', async () => {
    const root = workspaceWith({
      'tsconfig.base.json': { compilerOptions: { paths: { '@platform/engine': ['tools/engine/src/index.ts'], '@platform/config': ['libs/config/src/index.ts'] } } },
      'tools/engine/package.json': { name: '@platform/engine' },
      'tools/engine/src/index.ts': 'export {};\n',
      'tools/engine/src/test-global-setup.ts': "import '@platform/config';\n",
      'libs/config/package.json': { name: '@platform/config' },
      'libs/config/src/index.ts': 'export {};\n',
      'tools/drill/package.json': { name: '@platform/drill' },
      'tools/drill/src/drill.integration.test.ts': 'export {};\n',
    });
    const projects = await inferProjects(root, ['tools/drill/package.json']);
    const integration = projects['tools/drill']!.targets!.integration!;
    expect(integration.command).toBe(
      'vitest run --project integration {projectRoot}/ --passWithNoTests --reporter=default --reporter=json --outputFile.json=dist/test-results/{projectRoot}.integration.json',
    );
    expect(integration.inputs).toContainEqual({ input: 'production', projects: ['@platform/config', '@platform/engine'] });
    expect(integration.outputs).toEqual(['{workspaceRoot}/dist/test-results/{projectRoot}.integration.json']);
  });

  it("derives a stack target's inputs from the import closure of the command it runs, not from other commands", async () => {
    const root = workspaceWith({
      'tsconfig.base.json': { compilerOptions: { paths: { '@platform/synth': ['tools/synth/src/index.ts'], '@platform/drift': ['tools/drift/src/index.ts'], '@platform/deploy': ['tools/deploy/src/index.ts'] } } },
      'tools/cli/package.json': { name: '@platform/cli' },
      'tools/cli/bin/platform.mts': "import './../src/commands/synth';\nimport '../src/commands/drift';\n",
      'tools/cli/src/commands/synth.ts': "import { helper } from './helper';\nexport const run = () => import('@platform/synth');\n",
      'tools/cli/src/commands/helper.ts': 'export const helper = 1;\n',
      'tools/cli/src/commands/drift.ts': "export const run = () => import('@platform/drift');\n",
      'tools/cli/src/commands/validate.ts': "export const run = () => import('@platform/deploy');\n",
      'tools/synth/package.json': { name: '@platform/synth' },
      'tools/synth/src/index.ts': 'export {};\n',
      'tools/drift/package.json': { name: '@platform/drift' },
      'tools/drift/src/index.ts': "import '@platform/deploy';\n",
      'tools/deploy/package.json': { name: '@platform/deploy' },
      'tools/deploy/src/index.ts': 'export {};\n',
      'stacks/network/package.json': network,
    });
    const targets = (await inferProjects(root, ['stacks/network/package.json']))['stacks/network']!.targets!;
    expect(targets.synth!.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/tools/cli/bin/platform.mts',
        '{workspaceRoot}/tools/cli/src/commands/synth.ts',
        '{workspaceRoot}/tools/cli/src/commands/helper.ts',
        { input: 'production', projects: ['@platform/synth'] },
      ]),
    );
    expect(JSON.stringify(targets.synth!.inputs)).not.toMatch(/drift|deploy/);
    expect(targets.validate!.inputs).toContainEqual({ input: 'production', projects: ['@platform/deploy'] });
    expect(JSON.stringify(targets.validate!.inputs)).not.toMatch(/synth\.ts|@platform\/synth/);
  });

  it('renames targets through options', async () => {
    const root = workspaceWith({ 'stacks/network/package.json': network });
    const projects = await inferProjects(root, ['stacks/network/package.json'], { synthTargetName: 'synthesize' });
    expect(Object.keys(projects['stacks/network']!.targets!)).toContain('synthesize');
    expect(normalizeOptions(undefined)).toMatchObject({ synthTargetName: 'synth', testTargetName: 'test', typecheckTargetName: 'typecheck', lintTargetName: 'lint', planTargetName: 'plan' });
  });

  it('reports a malformed stack manifest by file and key without hiding the other stacks', async () => {
    const root = workspaceWith({ 'stacks/network/package.json': network, 'stacks/broken/package.json': { name: 'other', stack: { upstream: [] } } });
    const [, infer] = createNodesV2;
    const error = (await Promise.resolve(infer(['stacks/network/package.json', 'stacks/broken/package.json'], {}, context(root))).catch(
      (e: unknown) => e,
    )) as { errors: [string, Error][]; partialResults: [string, { projects: Record<string, unknown> }][] };
    expect(error.errors.map(([file, e]) => `${file}: ${e.message}`)).toEqual([
      "stacks/broken/package.json: stacks/broken/package.json: key 'name' must equal the stack folder name 'broken', got 'other'",
    ]);
    expect(error.partialResults.map(([file]) => file)).toEqual(['stacks/network/package.json']);
  });

  it('adds an edge from a consumer to each upstream stack its manifest names', async () => {
    const root = workspaceWith({ 'stacks/network/package.json': network, 'stacks/web/package.json': web });
    const projects = await inferProjects(root, ['stacks/network/package.json', 'stacks/web/package.json']);
    const byName = Object.fromEntries(Object.values(projects).map((p) => [p.name!, p]));
    const deps = await createDependencies({}, { workspaceRoot: root, projects: byName } as unknown as CreateDependenciesContext);
    expect(deps).toEqual([{ source: 'web', target: 'network', type: 'static', sourceFile: 'stacks/web/package.json' }]);
  });
});
