import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createNodesFromFiles,
  DependencyType,
  type CreateDependencies,
  type CreateNodesContextV2,
  type CreateNodesV2,
  type ProjectConfiguration,
  type RawProjectGraphDependency,
  type TargetConfiguration,
} from '@nx/devkit';
import { hashObject } from 'nx/src/devkit-internals';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';
import { listEnvironments, readProjectManifest, type ProjectKind, type ProjectManifest } from '@platform/config';
import { libraryClosure, readAliasRoots, type ImportScanCache } from './import-closure';

/** Target names the plugin infers; every option is optional and has a default. */
export interface PlatformPluginOptions {
  synthTargetName?: string;
  validateTargetName?: string;
  planTargetName?: string;
  applyTargetName?: string;
  destroyTargetName?: string;
  outputTargetName?: string;
  driftTargetName?: string;
  packageTargetName?: string;
  publishTargetName?: string;
  testTargetName?: string;
  typecheckTargetName?: string;
  lintTargetName?: string;
}

type NormalizedOptions = Required<PlatformPluginOptions>;

export function normalizeOptions(options: PlatformPluginOptions | undefined): NormalizedOptions {
  return {
    synthTargetName: options?.synthTargetName ?? 'synth',
    validateTargetName: options?.validateTargetName ?? 'validate',
    planTargetName: options?.planTargetName ?? 'plan',
    applyTargetName: options?.applyTargetName ?? 'apply',
    destroyTargetName: options?.destroyTargetName ?? 'destroy',
    outputTargetName: options?.outputTargetName ?? 'output',
    driftTargetName: options?.driftTargetName ?? 'drift',
    packageTargetName: options?.packageTargetName ?? 'package',
    publishTargetName: options?.publishTargetName ?? 'publish',
    testTargetName: options?.testTargetName ?? 'test',
    typecheckTargetName: options?.typecheckTargetName ?? 'typecheck',
    lintTargetName: options?.lintTargetName ?? 'lint',
  };
}

/** Every project is a folder directly under libs/, stacks/ or tools/ holding a package.json. */
export const PROJECT_MANIFEST_GLOB = '{libs,stacks,tools}/*/package.json';

/** The CLI entry the synth target runs; its sources are inputs of every synth. */
export const SYNTH_ENTRY = 'tools/cli/bin/platform.mts';

const TOOLCHAIN_INPUTS = { externalDependencies: ['typescript'] };

/**
 * Files in environments/ that a stack reads: the environment-wide settings and its own
 * settings file, in every environment. Listed even when absent so that adding or
 * deleting one marks the stack affected.
 */
export function environmentInputs(stackName: string): string[] {
  return ['{workspaceRoot}/environments/*/environment.yaml', `{workspaceRoot}/environments/*/${stackName}.yaml`];
}

function lintTarget(): TargetConfiguration {
  return {
    command: 'eslint --max-warnings 0 {projectRoot}',
    cache: true,
    inputs: [
      'default',
      '{workspaceRoot}/eslint.config.mjs',
      { externalDependencies: ['eslint', 'typescript-eslint', '@eslint/js'] },
    ],
    outputs: [],
    metadata: { description: 'Lints the project with ESLint (deep provider imports are enforced here).' },
  };
}

/**
 * Production files of the libraries a project imports, transitively. Listed explicitly rather
 * than as `^production`: that would follow stack-to-stack edges too, and a producer stack's
 * libraries would then invalidate its consumers' caches although consumers meet producers
 * only through remote state at apply time.
 */
function libraryInputs(libraries: readonly string[]): { input: string; projects: string[] }[] {
  return libraries.length > 0 ? [{ input: 'production', projects: [...libraries] }] : [];
}

function typecheckTarget(libraries: readonly string[]): TargetConfiguration {
  return {
    command: 'tsc -p {projectRoot}/tsconfig.json --noEmit',
    cache: true,
    inputs: ['default', ...libraryInputs(libraries), TOOLCHAIN_INPUTS],
    outputs: [],
    metadata: { description: 'Type-checks the project, tests included, with the strict base config.' },
  };
}

function testTarget(libraries: readonly string[], extraInputs: string[]): TargetConfiguration {
  return {
    command: 'vitest run --dir {projectRoot} --reporter=default --reporter=json --outputFile.json=dist/test-results/{projectRoot}.json',
    cache: true,
    inputs: [
      'default',
      ...libraryInputs(libraries),
      '{workspaceRoot}/vitest.config.mts',
      ...extraInputs,
      { externalDependencies: ['vitest', 'cdktf', 'constructs', '@cdktf/provider-google'] },
    ],
    outputs: ['{workspaceRoot}/dist/test-results/{projectRoot}.json'],
    metadata: { description: 'Runs the Vitest tests under the project root; results in dist/test-results.' },
  };
}

function synthTarget(stackName: string, libraries: readonly string[]): TargetConfiguration {
  return {
    command: `tsx ${SYNTH_ENTRY} synth ${stackName}`,
    cache: true,
    inputs: [
      'production',
      ...libraryInputs(libraries),
      ...environmentInputs(stackName),
      '{workspaceRoot}/tools/cli/src/synth/**/*.ts',
      '{workspaceRoot}/tools/cli/src/workspace.ts',
      `{workspaceRoot}/${SYNTH_ENTRY}`,
      { externalDependencies: ['cdktf', 'constructs', '@cdktf/provider-google'] },
    ],
    outputs: [`{workspaceRoot}/dist/stacks/${stackName}`],
    metadata: {
      description: `Synthesizes ${stackName} once per environment into dist/stacks/${stackName}/<env>/cdk.tf.json, policy-checked.`,
    },
  };
}

const WHOLE_WORKSPACE = ['{workspaceRoot}/**/*', '!{workspaceRoot}/dist/**/*'];

const ENGINE_INPUTS = ['{workspaceRoot}/tools/engine/versions.json', '{workspaceRoot}/tools/engine/src/**/*.ts', '{workspaceRoot}/tools/cli/src/engine/**/*.ts'];

function validateTarget(stackName: string, options: NormalizedOptions): TargetConfiguration {
  return {
    command: `tsx ${SYNTH_ENTRY} validate ${stackName}`,
    cache: true,
    dependsOn: [options.synthTargetName],
    inputs: [{ dependentTasksOutputFiles: '**/*.tf.json' }, ...ENGINE_INPUTS],
    outputs: [],
    metadata: { description: `Validates ${stackName} with the engine (init -backend=false, validate -json) in every environment.` },
  };
}

/** A target that acts on one environment: one configuration per environment folder. */
function perEnvironmentTarget(
  stackName: string,
  operation: string,
  environments: readonly string[],
  dependsOn: TargetConfiguration['dependsOn'],
  description: string,
): TargetConfiguration {
  return {
    command: `tsx ${SYNTH_ENTRY} ${operation} ${stackName}`,
    cache: false,
    dependsOn,
    configurations: Object.fromEntries(environments.map((env) => [env, { args: `--env ${env}` }])),
    outputs: [`{workspaceRoot}/dist/engine/${stackName}`],
    metadata: { description: `${description} Choose the environment as the configuration, e.g. nx run ${stackName}:${operation}:dev.` },
  };
}

/**
 * package: the artifact of the version in package.json, in dist/artifacts (not cached: the
 * manifest names the commit, which Nx does not hash). publish: uploads that artifact.
 * nx-release-publish: what `nx release` runs after versioning and tagging, i.e. publish.
 */
function releaseTargets(stackName: string, options: NormalizedOptions): Record<string, TargetConfiguration> {
  return {
    [options.packageTargetName]: {
      command: `tsx ${SYNTH_ENTRY} package ${stackName}`,
      cache: false,
      dependsOn: [options.synthTargetName],
      outputs: [`{workspaceRoot}/dist/artifacts/${stackName}`],
      metadata: { description: `Packages the ${stackName} version in its package.json: every environment's JSON, the provider lock file, a manifest.` },
    },
    [options.publishTargetName]: {
      command: `tsx ${SYNTH_ENTRY} publish ${stackName}`,
      cache: false,
      dependsOn: [options.packageTargetName],
      outputs: [],
      metadata: { description: `Uploads the packaged ${stackName} version to the artifact store ($PLATFORM_STORE or dist/store).` },
    },
    'nx-release-publish': {
      executor: 'nx:noop',
      dependsOn: [options.publishTargetName],
      metadata: { description: `Run by nx release after it versioned and tagged ${stackName}: publishes the artifact.` },
    },
  };
}

/** Libraries (by project name) a project imports: in production code, and including its tests. */
export interface ProjectLibraries {
  readonly production: readonly string[];
  readonly withTests: readonly string[];
}

export function buildProjectConfiguration(
  manifest: ProjectManifest,
  libraries: ProjectLibraries,
  options: NormalizedOptions,
  environments: readonly string[] = [],
): ProjectConfiguration {
  const targets: Record<string, TargetConfiguration> = {
    [options.lintTargetName]: lintTarget(),
    [options.typecheckTargetName]: typecheckTarget(libraries.withTests),
  };
  if (manifest.kind === 'stack') {
    targets[options.synthTargetName] = synthTarget(manifest.name, libraries.production);
    targets[options.testTargetName] = testTarget(libraries.withTests, environmentInputs(manifest.name));
    const name = manifest.name;
    targets[options.validateTargetName] = validateTarget(name, options);
    targets[options.planTargetName] = perEnvironmentTarget(name, 'plan', environments, [options.synthTargetName], 'Plans the stack; saves tfplan and plan.json in dist/engine.');
    targets[options.applyTargetName] = perEnvironmentTarget(
      name,
      'apply',
      environments,
      [options.synthTargetName, `^${options.applyTargetName}`],
      'Plans and applies the stack after its upstream stacks.',
    );
    targets[options.destroyTargetName] = perEnvironmentTarget(name, 'destroy', environments, [options.synthTargetName], 'Destroys the stack; staging and production refuse without --break-glass.');
    targets[options.outputTargetName] = perEnvironmentTarget(name, 'output', environments, [], 'Prints the stack outputs as JSON.');
    targets[options.driftTargetName] = perEnvironmentTarget(
      name,
      'drift',
      environments,
      [options.synthTargetName],
      'Checks the stack for drift with a refresh-only plan (never applied); exits 2 when drift is found.',
    );
    Object.assign(targets, releaseTargets(name, options));
  } else if (manifest.kind === 'tool') {
    // Tools act on the whole workspace and their tests do too (determinism, docs, cache
    // isolation run the real commands on a copy of the repository): any file can change them.
    targets[options.testTargetName] = testTarget(libraries.withTests, WHOLE_WORKSPACE);
  } else {
    targets[options.testTargetName] = testTarget(libraries.withTests, []);
  }
  return {
    root: manifest.root,
    name: manifest.name,
    projectType: manifest.kind === 'stack' ? 'application' : 'library',
    tags: [`type:${manifest.kind}`, ...manifest.tags],
    targets,
    metadata: { description: manifest.description },
  };
}

function kindOf(root: string): ProjectKind {
  const top = root.split('/')[0];
  return top === 'stacks' ? 'stack' : top === 'tools' ? 'tool' : 'lib';
}

function readCache(path: string): Record<string, ProjectConfiguration> {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, ProjectConfiguration>) : {};
  } catch {
    return {};
  }
}

export const createNodesV2: CreateNodesV2<PlatformPluginOptions> = [
  PROJECT_MANIFEST_GLOB,
  async (manifestFiles, rawOptions, context: CreateNodesContextV2) => {
    const options = normalizeOptions(rawOptions);
    const cachePath = join(workspaceDataDirectory, `platform-plugin-${hashObject(options)}.json`);
    const cache = readCache(cachePath);
    const nextCache: Record<string, ProjectConfiguration> = {};
    const aliasRoots = readAliasRoots(context.workspaceRoot);
    const environments = listEnvironments(context.workspaceRoot);
    const importScans: ImportScanCache = new Map();
    const projectNames = new Map<string, string>();
    const nameOf = (root: string) => {
      if (!projectNames.has(root)) {
        const file = join(context.workspaceRoot, root, 'package.json');
        projectNames.set(root, existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name ?? root) : root);
      }
      return projectNames.get(root)!;
    };
    try {
      return await createNodesFromFiles(
        (manifestFile) => {
          const root = dirname(manifestFile);
          const text = readFileSync(join(context.workspaceRoot, manifestFile), 'utf8');
          const libraries: ProjectLibraries = {
            production: libraryClosure(context.workspaceRoot, root, false, aliasRoots, importScans).map(nameOf),
            withTests: libraryClosure(context.workspaceRoot, root, true, aliasRoots, importScans).map(nameOf),
          };
          const key = hashObject({ manifestFile, text, libraries, environments });
          const project =
            cache[key] ??
            buildProjectConfiguration(readProjectManifest(manifestFile, text, kindOf(root)), libraries, options, environments);
          nextCache[key] = project;
          return { projects: { [root]: project } };
        },
        manifestFiles,
        rawOptions ?? {},
        context,
      );
    } finally {
      writeFileSync(cachePath, JSON.stringify(nextCache));
    }
  },
];

/** Nx 22 calls `createNodes` with the v2 signature too. */
export const createNodes = createNodesV2;

/**
 * Stack-to-stack edges come from `stack.upstream` in each stack's package.json: a consumer
 * depends on the producers whose output contracts it reads. Synth checks that the list
 * matches the contracts the code reads, so the graph cannot drift from the code.
 */
export const createDependencies: CreateDependencies<PlatformPluginOptions> = (_options, context) => {
  const dependencies: RawProjectGraphDependency[] = [];
  for (const [name, project] of Object.entries(context.projects)) {
    if (!project.root.startsWith('stacks/')) continue;
    const manifestFile = `${project.root}/package.json`;
    const path = join(context.workspaceRoot, manifestFile);
    if (!existsSync(path)) continue;
    const manifest = readProjectManifest(manifestFile, readFileSync(path, 'utf8'), 'stack');
    for (const upstream of manifest.upstream) {
      if (!context.projects[upstream]) continue;
      dependencies.push({ source: name, target: upstream, type: DependencyType.static, sourceFile: manifestFile });
    }
  }
  return dependencies;
};
