import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listEnvironments, nxChildEnvironment } from '@platform/config';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';
import { addContractExport, normalizeStackOptions, stackGenerator } from './generator';

function environmentYaml(name: string, tier: string, region: string): string {
  return [
    `name: ${name}`,
    'kind: cloud',
    `tier: ${tier}`,
    `project: acme-${name}-project`,
    'projectNumber: "100000000001"',
    `region: ${region}`,
    'state:',
    '  backend: gcs',
    `  bucket: acme-${name}-tfstate`,
    '',
  ].join('\n');
}

const CONTRACTS_INDEX = [
  "export { defineContract, output, type StackContract } from './contract';",
  "export { networkContract } from './network';",
  "export { securityContract } from './security';",
  '',
].join('\n');

const contract = (stack: string, exportName: string, keys: string[]) =>
  [
    "import { defineContract, output } from './contract';",
    '',
    `export const ${exportName} = defineContract({`,
    `  stack: '${stack}',`,
    '  version: 1,',
    '  outputs: {',
    ...keys.map((key) => `    ${key}: output.string('The ${key} of ${stack}.'),`),
    '  },',
    '});',
    '',
  ].join('\n');

/** A workspace with three environments (one folder without environment.yaml), three stacks and their contracts. */
function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('environments/dev/environment.yaml', environmentYaml('dev', 'development', 'europe-west1'));
  tree.write('environments/prod/environment.yaml', environmentYaml('prod', 'production', 'us-central1'));
  tree.write('environments/staging/environment.yaml', environmentYaml('staging', 'staging', 'europe-west4'));
  tree.write('environments/shared/README.md', 'not an environment: no environment.yaml\n');
  for (const stack of ['network', 'security', 'database']) {
    tree.write(`stacks/${stack}/package.json`, JSON.stringify({ name: stack, stack: { upstream: [] } }));
  }
  tree.write('libs/contracts/package.json', JSON.stringify({ name: '@platform/contracts' }));
  tree.write('libs/contracts/src/contract.ts', 'export function defineContract() {}\n');
  tree.write('libs/contracts/src/index.ts', CONTRACTS_INDEX);
  tree.write('libs/contracts/src/network.ts', contract('network', 'networkContract', ['vpcId', 'vpcSelfLink']));
  tree.write('libs/contracts/src/security.ts', contract('security', 'securityContract', ['kmsKeyIds']));
  tree.write('tools/deployer/package.json', JSON.stringify({ name: 'deployer' }));
  return tree;
}

const read = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? '';
const changes = (tree: Tree) => tree.listChanges().map((change) => `${change.type} ${change.path}`);

describe('stack generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = seededTree();
  });

  it('creates the stack folder, its test, its contract and its README', async () => {
    await stackGenerator(tree, { name: 'audit-archive' });
    for (const file of [
      'stacks/audit-archive/package.json',
      'stacks/audit-archive/tsconfig.json',
      'stacks/audit-archive/README.md',
      'stacks/audit-archive/src/settings.ts',
      'stacks/audit-archive/src/index.ts',
      'stacks/audit-archive/src/audit-archive.test.ts',
      'libs/contracts/src/audit-archive.ts',
    ]) {
      expect(tree.isFile(file), file).toBe(true);
    }
    expect(tree.children('stacks/audit-archive/src').sort()).toEqual(['audit-archive.test.ts', 'index.ts', 'settings.ts']);
  });

  it("starts the stack with the committed provider lock file of the security stack it reads", async () => {
    const lock = 'provider "registry.opentofu.org/hashicorp/google" {\n  version = "6.50.0"\n  hashes = ["h1:x="]\n}\n';
    tree.write('stacks/security/.terraform.lock.hcl', lock);
    await stackGenerator(tree, { name: 'audit-archive' });
    expect(read(tree, 'stacks/audit-archive/.terraform.lock.hcl')).toBe(lock);
  });

  it('writes a stack package.json with the default description, upstream security and a layer tag', async () => {
    await stackGenerator(tree, { name: 'audit-archive' });
    expect(JSON.parse(read(tree, 'stacks/audit-archive/package.json'))).toEqual({
      name: 'audit-archive',
      version: '0.1.0',
      private: true,
      type: 'module',
      description: 'A new stack.',
      stack: { upstream: ['security'] },
      nx: { tags: ['layer:service'] },
    });
    const manifest = read(tree, 'stacks/audit-archive/package.json');
    expect(manifest, 'in the layout nx release writes back, so a release changes the version line alone').toBe(`${JSON.stringify(JSON.parse(manifest), null, 2)}\n`);
    expect(JSON.parse(read(tree, 'stacks/audit-archive/tsconfig.json'))).toEqual({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] });
  });

  it('scaffolds a guardrail-compliant bucket: deep provider import, CMEK from the security contract, private, versioned, never force-destroyed', async () => {
    await stackGenerator(tree, { name: 'audit-archive' });
    const source = read(tree, 'stacks/audit-archive/src/index.ts');
    expect(source).toContain("import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';");
    expect(source).toContain("import { auditArchiveContract, securityContract } from '@platform/contracts';");
    expect(source).toContain("stack.upstream(securityContract, ['kmsKeyIds'])");
    expect(source).toContain("defaultKmsKeyName: security.kmsKeyIds.get('storage')");
    expect(source).toContain('uniformBucketLevelAccess: true');
    expect(source).toContain("publicAccessPrevention: 'enforced'");
    expect(source).toContain('versioning: { enabled: true }');
    expect(source).toContain('forceDestroy: false');
    expect(source).toContain('stack.publish(auditArchiveContract, { bucketName: bucket.name })');
    expect(source).not.toMatch(/from '@cdktf\/provider-google'/);
    expect(read(tree, 'stacks/audit-archive/src/settings.ts')).toContain('export const auditArchiveSettings = z.strictObject({');
  });

  it('writes a test that synthesizes every environment found on disk', async () => {
    await stackGenerator(tree, { name: 'audit-archive' });
    const test = read(tree, 'stacks/audit-archive/src/audit-archive.test.ts');
    expect(test).toContain('synthesizeInEveryEnvironment(auditArchiveStack, workspaceRoot)');
    expect(test).toContain("import { parseEach } from '@platform/testing';");
    expect(test).toContain("toEqual(['dev', 'prod', 'staging'])");
  });

  it('writes the settings file in every environment, located in that environment region and sized by its tier', async () => {
    await stackGenerator(tree, { name: 'audit-archive' });
    expect(read(tree, 'environments/dev/audit-archive.yaml')).toBe('bucketLocation: europe-west1\nstorageClass: STANDARD\nretainedVersions: 3\n');
    expect(read(tree, 'environments/staging/audit-archive.yaml')).toBe('bucketLocation: europe-west4\nstorageClass: STANDARD\nretainedVersions: 10\n');
    expect(read(tree, 'environments/prod/audit-archive.yaml')).toBe('bucketLocation: us-central1\nstorageClass: STANDARD\nretainedVersions: 30\n');
    expect(tree.exists('environments/shared/audit-archive.yaml')).toBe(false);
  });

  it('publishes a contract and exports it from the contracts index in module order', async () => {
    await stackGenerator(tree, { name: 'audit-archive' });
    expect(read(tree, 'libs/contracts/src/audit-archive.ts')).toContain("export const auditArchiveContract = defineContract({\n  stack: 'audit-archive',");
    expect(read(tree, 'libs/contracts/src/audit-archive.ts')).toContain("bucketName: output.string('");
    expect(read(tree, 'libs/contracts/src/index.ts')).toBe(
      [
        "export { defineContract, output, type StackContract } from './contract';",
        "export { auditArchiveContract } from './audit-archive';",
        "export { networkContract } from './network';",
        "export { securityContract } from './security';",
        '',
      ].join('\n'),
    );
    await stackGenerator(tree, { name: 'zonal-cache' });
    expect(read(tree, 'libs/contracts/src/index.ts').trimEnd().split('\n').at(-1)).toBe("export { zonalCacheContract } from './zonal-cache';");
  });

  it.each([
    ['a comma-separated list', 'network,security'],
    ['an array', ['security', 'network']],
    ['a list without security, which is always added', 'network'],
  ])('reads every upstream given as %s, and lists it in package.json', async (_how, upstream) => {
    await stackGenerator(tree, { name: 'edge-cache', upstream });
    expect(JSON.parse(read(tree, 'stacks/edge-cache/package.json')).stack).toEqual({ upstream: ['network', 'security'] });
    const source = read(tree, 'stacks/edge-cache/src/index.ts');
    expect(source).toContain("import { edgeCacheContract, networkContract, securityContract } from '@platform/contracts';");
    expect(source).toContain("stack.upstream(networkContract, ['vpcId']);");
  });

  it('escapes the description in JSON, TypeScript and the doc comment', async () => {
    const description = `Bob's "archive" */ & <more>`;
    await stackGenerator(tree, { name: 'audit-archive', description, layer: 'data' });
    const pkg = JSON.parse(read(tree, 'stacks/audit-archive/package.json'));
    expect(pkg.description).toBe(description);
    expect(pkg.nx.tags).toEqual(['layer:data']);
    const source = read(tree, 'stacks/audit-archive/src/index.ts');
    expect(source).toContain(`description: 'Bob\\'s "archive" */ & <more>',`);
    expect(source).toContain('/** Bob\'s "archive" *\\/ & <more> */');
  });

  it.each([
    ['too short', 'ab', /stack name 'ab' must be 3-32 characters long; got 2/],
    ['too long', 'a'.repeat(33), /must be 3-32 characters long; got 33/],
    ['upper case', 'AuditArchive', /stack name 'AuditArchive' must be kebab-case/],
    ['an underscore', 'audit_archive', /stack name 'audit_archive' must be kebab-case/],
    ['a leading digit', '1audit', /stack name '1audit' must be kebab-case/],
    ['a leading hyphen', '-audit', /stack name '-audit' must be kebab-case/],
    ['a trailing hyphen', 'audit-', /stack name 'audit-' must be kebab-case/],
    ['a double hyphen', 'audit--archive', /stack name 'audit--archive' must be kebab-case/],
    ['a space', 'audit archive', /stack name 'audit archive' must be kebab-case/],
    ['a path', '../audit', /stack name '..\/audit' must be kebab-case/],
    ['nothing', '', /stack name is required/],
  ])('refuses a name with %s (%j), writing nothing', async (_case, name, error) => {
    const before = changes(tree);
    await expect(stackGenerator(tree, { name })).rejects.toThrow(error);
    expect(changes(tree)).toEqual(before);
  });

  it.each([
    ['an existing stack', 'network', /stack 'network' already exists: stacks\/network is taken/],
    ['a stack folder without package.json', 'half-done', /stack 'half-done' already exists/],
    ['another project', 'deployer', /stack name 'deployer' is taken by the project at tools\/deployer/],
    ['a contracts module', 'contract', /clashes with existing file libs\/contracts\/src\/contract\.ts/],
    ['the environment file', 'environment', /clashes with existing files environments\/dev\/environment\.yaml, environments\/prod\/environment\.yaml/],
  ])('refuses the name of %s, writing nothing', async (_case, name, error) => {
    tree.write('stacks/half-done/src/index.ts', '');
    const before = changes(tree);
    await expect(stackGenerator(tree, { name })).rejects.toThrow(error);
    expect(changes(tree)).toEqual(before);
  });

  it.each([
    ['a stack that does not exist', 'payments', /upstream stack 'payments' does not exist: no stacks\/payments\/package.json/],
    ['a stack without a contract', 'database', /upstream stack 'database' publishes no contract: libs\/contracts\/src\/database.ts does not exist/],
    ['the stack itself', 'audit-archive,security', /upstream must not name the stack itself \('audit-archive'\)/],
    ['a name that is not kebab-case', 'Network', /upstream stack 'Network' must be kebab-case/],
  ])('refuses an upstream naming %s, writing nothing', async (_case, upstream, error) => {
    const before = changes(tree);
    await expect(stackGenerator(tree, { name: 'audit-archive', upstream })).rejects.toThrow(error);
    expect(changes(tree)).toEqual(before);
  });

  it('refuses a multi-line description and an unknown layer', () => {
    expect(() => normalizeStackOptions({ name: 'audit-archive', description: 'one\ntwo' })).toThrow(/description "one\\ntwo" must be a single line/);
    expect(() => normalizeStackOptions({ name: 'audit-archive', layer: 'edge' as never })).toThrow(/layer 'edge' must be one of foundation, macro/);
  });

  it('refuses a workspace without environments or without a contracts index', async () => {
    tree.delete('environments');
    await expect(stackGenerator(tree, { name: 'audit-archive' })).rejects.toThrow(/no environments found/);
    tree.delete('libs/contracts/src/index.ts');
    await expect(stackGenerator(tree, { name: 'audit-archive' })).rejects.toThrow(/libs\/contracts\/src\/index.ts does not exist/);
  });

  it('refuses an environment.yaml that its schema rejects, naming the file and the key', async () => {
    tree.write('environments/prod/environment.yaml', environmentYaml('prod', 'production', 'mars'));
    await expect(stackGenerator(tree, { name: 'audit-archive' })).rejects.toThrow(/environments\/prod\/environment.yaml.*region/);
  });

  it('adds a contract export to an index that has none yet', () => {
    expect(addContractExport("export { output } from './contract';\n", 'webContract', 'web')).toBe(
      "export { output } from './contract';\nexport { webContract } from './web';\n",
    );
  });
});

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const STACK = 'audit-archive';

describe('nx g ./tools/nx-plugin:stack in a copy of the workspace', () => {
  let copy: string;
  const run = (...args: string[]) => {
    const result = spawnSync('npx', args, { cwd: copy, encoding: 'utf8', env: nxChildEnvironment() });
    return { status: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
  };
  const nx = (...args: string[]) => {
    const result = run('nx', ...args);
    expect(result.status, result.output).toBe(0);
    return result.stdout;
  };

  beforeAll(() => {
    copy = copyWorkspace(WORKSPACE, undefined, 'stack-generator');
    nx('g', './tools/nx-plugin:stack', STACK, '--description=Archive of audit exports.', '--no-interactive');
  }, 600_000);
  afterAll(() => {
    if (copy) removeWorkspaceCopy(copy);
  });

  it('generates the stack, its contract export and its settings in every environment', () => {
    expect(existsSync(join(copy, `stacks/${STACK}/src/index.ts`))).toBe(true);
    expect(readFileSync(join(copy, 'libs/contracts/src/index.ts'), 'utf8')).toContain("export { auditArchiveContract } from './audit-archive';");
    for (const env of listEnvironments(WORKSPACE)) {
      expect(existsSync(join(copy, `environments/${env}/${STACK}.yaml`)), env).toBe(true);
    }
  });

  it('synthesizes in every environment with the guardrails holding', () => {
    nx('run', `${STACK}:synth`, '--outputStyle=static');
    for (const env of listEnvironments(WORKSPACE)) {
      const synthesized = JSON.parse(readFileSync(join(copy, `dist/stacks/${STACK}/${env}/cdk.tf.json`), 'utf8'));
      const buckets = Object.values(synthesized.resource.google_storage_bucket) as Record<string, unknown>[];
      expect(buckets, env).toHaveLength(1);
      expect(buckets[0], env).toMatchObject({ public_access_prevention: 'enforced', force_destroy: false });
    }
  }, 600_000);

  it.each(['test', 'typecheck', 'lint'])('passes its %s target', (target) => {
    nx('run', `${STACK}:${target}`, '--outputStyle=static');
  }, 600_000);

  it('is a project of the graph with an edge to the security stack', () => {
    expect(nx('show', 'projects').split('\n')).toContain(STACK);
    const file = join(copy, 'graph.json');
    nx('graph', `--file=${file}`);
    const graph = JSON.parse(readFileSync(file, 'utf8')) as { graph: { dependencies: Record<string, { target: string }[]> } };
    expect(graph.graph.dependencies[STACK]!.map((edge) => edge.target)).toContain('security');
  }, 600_000);

  it('is the only stack nx affected lists for a change to its source or to its settings', () => {
    const stacks = (stdout: string) => stdout.split('\n').filter((project) => /^[a-z][\w-]*$/.test(project));
    expect(stacks(nx('show', 'projects', '--affected', `--files=stacks/${STACK}/src/index.ts`))).toEqual([STACK]);
    expect(stacks(nx('show', 'projects', '--affected', `--files=environments/prod/${STACK}.yaml`))).toEqual([STACK]);
  }, 600_000);

  it('refuses to generate over an existing stack, with a non-zero exit and nothing changed', () => {
    const index = readFileSync(join(copy, 'libs/contracts/src/index.ts'), 'utf8');
    const result = run('nx', 'g', './tools/nx-plugin:stack', STACK, '--no-interactive');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/stack 'audit-archive' already exists/);
    expect(readFileSync(join(copy, 'libs/contracts/src/index.ts'), 'utf8')).toBe(index);
  }, 600_000);
});
