import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createNodesFromFiles,
  DependencyType,
  hashArray,
  type CreateDependencies,
  type CreateNodesContextV2,
  type CreateNodesV2,
  type ProjectConfiguration,
  type RawProjectGraphDependency,
  type TargetConfiguration,
} from '@nx/devkit';
import { hashObject } from 'nx/src/devkit-internals';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';
import { getAllFileDataInContext } from 'nx/src/utils/workspace-context';
import { listEnvironments, readProjectManifest, type ProjectKind, type ProjectManifest } from '@platform/config';
import { SYNTH_ENTRY } from './cli-entry';
import { hasSourceFile, libraryClosure, moduleClosure, projectRootOf, readAliasRoots, type ImportScanCache, type ScannedFile } from './import-closure';

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
  integrationTargetName?: string;
  typecheckTargetName?: string;
  lintTargetName?: string;
}

type NormalizedOptions = Required<PlatformPluginOptions>;

/** The platform commands the stack targets run. */
const STACK_COMMANDS = ['synth', 'validate', 'plan', 'apply', 'destroy', 'output', 'drift', 'package', 'publish'] as const;

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
    integrationTargetName: options?.integrationTargetName ?? 'integration',
    typecheckTargetName: options?.typecheckTargetName ?? 'typecheck',
    lintTargetName: options?.lintTargetName ?? 'lint',
  };
}

/** Every project is a folder directly under libs/, stacks/ or tools/ holding a package.json. */
export const PROJECT_MANIFEST_GLOB = '{libs,stacks,tools}/*/package.json';

export { SYNTH_ENTRY } from './cli-entry';

/** Each platform command lives in its own module, named after it. */
export function commandModule(command: string): string {
  return `tools/cli/src/commands/${command}.ts`;
}

/** Test files that need the real engine, servers or workspace copies: the `integration` target. */
export const INTEGRATION_TEST = /\.integration\.test\.m?ts$/;

/**
 * Files outside a project that its tests read (the real stacks a test copies, say): named
 * inputs, empty in nx.json, that a project sets in its package.json (`nx.namedInputs`), one for
 * the unit tests and one for the integration tests.
 */
export const TEST_WORKSPACE_INPUT = { unit: 'testWorkspaceFiles', integration: 'integrationWorkspaceFiles' } as const;

/**
 * The pinned engine and providers. Already among the engine project's production files; named
 * as a workspace file too because `nx affected` marks a project affected by a changed file only
 * through its own files, its graph dependencies, or such a `{workspaceRoot}` input: an engine
 * upgrade must re-validate and re-plan every stack.
 */
export const PINNED_TOOLCHAIN = '{workspaceRoot}/tools/engine/versions.json';

/** Vitest's global setup of the integration tests (vitest.config.mts): it sets up the engine. */
export const INTEGRATION_GLOBAL_SETUP = 'tools/engine/src/test-global-setup.ts';

const TOOLCHAIN_INPUTS = { externalDependencies: ['typescript'] };
/** The stack's committed provider lock file: every init reads it, so a change re-validates. */
const LOCK_FILE_INPUT = '{projectRoot}/.terraform.lock.hcl';

/**
 * Files in environments/ that a stack reads: the environment-wide settings and its own
 * settings file, in every environment. Listed even when absent so that adding or
 * deleting one marks the stack affected.
 */
export function environmentInputs(stackName: string): string[] {
  return ['{workspaceRoot}/environments/*/environment.yaml', `{workspaceRoot}/environments/*/${stackName}.yaml`];
}

/** The executor of the lint targets (executors.json): the lint tasks of one Nx run share one ESLint. */
export const LINT_EXECUTOR = '@platform/nx-plugin:lint';

function lintTarget(): TargetConfiguration {
  return {
    executor: LINT_EXECUTOR,
    options: { lintFilePatterns: ['{projectRoot}'] },
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

/** The executor of the typecheck targets (executors.json): the typecheck tasks of one Nx run share a program. */
export const TYPECHECK_EXECUTOR = '@platform/nx-plugin:typecheck';

function typecheckTarget(libraries: readonly string[]): TargetConfiguration {
  return {
    executor: TYPECHECK_EXECUTOR,
    options: { tsConfig: '{projectRoot}/tsconfig.json' },
    cache: true,
    inputs: ['default', ...libraryInputs(libraries), TOOLCHAIN_INPUTS],
    outputs: [],
    metadata: { description: 'Type-checks the project, tests included, with the strict base config.' },
  };
}

type TestKind = 'unit' | 'integration';

const TEST_RESULTS = { unit: 'dist/test-results/{projectRoot}.json', integration: 'dist/test-results/{projectRoot}.integration.json' };

/** The executor of the unit test targets (executors.json): the test tasks of one Nx run share one Vitest. */
export const TEST_EXECUTOR = '@platform/nx-plugin:test';

/**
 * How a test target runs. Unit tests go through the test executor, batched. Integration tests
 * keep one Vitest per project: their files take minutes, and two projects side by side, each
 * with two files at once, keep both cores busy while the engine and servers wait.
 */
function testRun(kind: TestKind): Pick<TargetConfiguration, 'command' | 'executor' | 'options'> {
  if (kind === 'unit') return { executor: TEST_EXECUTOR, options: { vitestProject: kind, root: '{projectRoot}', reportFile: TEST_RESULTS[kind] } };
  return { command: `vitest run --project ${kind} {projectRoot}/ --passWithNoTests --reporter=default --reporter=json --outputFile.json=${TEST_RESULTS[kind]}` };
}

/**
 * `unit`: the fast, offline tests. `integration`: the real engine, S3 server and workspace copies;
 * Vitest's global setup makes the engine available first, and the engine's own production files
 * are inputs (so a new pinned version re-runs them).
 */
function testTarget(kind: TestKind, libraries: readonly string[], extraInputs: TargetConfiguration['inputs'] & unknown[]): TargetConfiguration {
  return {
    ...testRun(kind),
    cache: true,
    inputs: [
      'default',
      ...libraryInputs(libraries),
      '{workspaceRoot}/vitest.config.mts',
      TEST_WORKSPACE_INPUT[kind],
      ...extraInputs,
      { externalDependencies: ['vitest', 'cdktf', 'constructs', '@cdktf/provider-google'] },
    ],
    outputs: [`{workspaceRoot}/${TEST_RESULTS[kind]}`],
    metadata: {
      description:
        kind === 'unit'
          ? 'Runs the fast, offline Vitest tests under the project root; results in dist/test-results.'
          : 'Runs the integration tests (*.integration.test.ts: real engine, S3 server, workspace copies); results in dist/test-results.',
    },
  };
}

/**
 * What running `platform <command>` reads: the CLI entry, the command's module and what it
 * imports (files of the CLI, production files of the tool and library projects it reaches),
 * from the import closure, never from globs of another project's folders.
 */
export interface CommandInputs {
  readonly files: readonly string[];
  readonly projects: readonly string[];
}

function commandInputList(command: CommandInputs | undefined): NonNullable<TargetConfiguration['inputs']> {
  if (!command) return [];
  return [...command.files.map((file) => `{workspaceRoot}/${file}`), ...libraryInputs(command.projects)];
}

/** The executor of the synth targets (executors.json): the synth tasks of one Nx run share a process. */
export const SYNTH_EXECUTOR = '@platform/nx-plugin:synth';

function synthTarget(stackName: string, libraries: readonly string[], command: CommandInputs | undefined): TargetConfiguration {
  return {
    executor: SYNTH_EXECUTOR,
    options: { stack: stackName },
    cache: true,
    inputs: [
      'production',
      ...libraryInputs(libraries),
      ...environmentInputs(stackName),
      ...commandInputList(command),
      { externalDependencies: ['cdktf', 'constructs', '@cdktf/provider-google'] },
    ],
    outputs: [`{workspaceRoot}/dist/stacks/${stackName}`],
    metadata: {
      description: `Synthesizes ${stackName} once per environment into dist/stacks/${stackName}/<env>/cdk.tf.json, policy-checked.`,
    },
  };
}

/**
 * How a target runs the platform CLI: node with tsx's loader, one process. The `tsx` command
 * would start a second node under the first, about 0.3 CPU-s and 0.2 s more for every task.
 */
const CLI = `node --import tsx ${SYNTH_ENTRY}`;

function validateTarget(stackName: string, options: NormalizedOptions, command: CommandInputs | undefined): TargetConfiguration {
  return {
    command: `${CLI} validate ${stackName}`,
    cache: true,
    dependsOn: [options.synthTargetName],
    inputs: [{ dependentTasksOutputFiles: '**/*.tf.json' }, LOCK_FILE_INPUT, ...commandInputList(command), PINNED_TOOLCHAIN],
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
  command: CommandInputs | undefined,
): TargetConfiguration {
  return {
    command: `${CLI} ${operation} ${stackName}`,
    cache: false,
    dependsOn,
    inputs: [...commandInputList(command), PINNED_TOOLCHAIN],
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
function releaseTargets(stackName: string, options: NormalizedOptions, commands: CommandInputsOf): Record<string, TargetConfiguration> {
  return {
    [options.packageTargetName]: {
      command: `${CLI} package ${stackName}`,
      cache: false,
      dependsOn: [options.synthTargetName],
      inputs: commandInputList(commands('package')),
      outputs: [`{workspaceRoot}/dist/artifacts/${stackName}`],
      metadata: { description: `Packages the ${stackName} version in its package.json: every environment's JSON, the provider lock file, a manifest.` },
    },
    [options.publishTargetName]: {
      command: `${CLI} publish ${stackName}`,
      cache: false,
      dependsOn: [options.packageTargetName],
      inputs: commandInputList(commands('publish')),
      outputs: [],
      metadata: { description: `Uploads the packaged ${stackName} version to the artifact store ($PLATFORM_STORE, else the environments' artifacts setting, else dist/store).` },
    },
    'nx-release-publish': {
      executor: 'nx:noop',
      dependsOn: [options.publishTargetName],
      metadata: { description: `Run by nx release after it versioned and tagged ${stackName}: publishes the artifact.` },
    },
  };
}

/** Projects (by name) a project imports: in production code, and including its tests. */
export interface ProjectLibraries {
  readonly production: readonly string[];
  readonly withTests: readonly string[];
}

/** The inputs of one platform command (see `CommandInputs`); undefined where the CLI is absent. */
export type CommandInputsOf = (command: string) => CommandInputs | undefined;

/** What the plugin read from a project's folder besides its manifest. */
export interface ProjectFacts {
  readonly libraries: ProjectLibraries;
  /** Whether the project has `*.integration.test.ts` files. */
  readonly hasIntegrationTests?: boolean;
  /** The projects an integration test run reaches, its global setup (the engine) included. */
  readonly integrationLibraries?: readonly string[];
}

type NamedInputs = NonNullable<ProjectConfiguration['namedInputs']>;

/**
 * A project's named inputs, with references to the workspace's named inputs (nx.json) written
 * out: Nx lets a project's named input refer only to the project's own, and `estate` (the
 * files a copy of the workspace carries) is shared.
 */
function expandNamedInputs(own: ProjectManifest['namedInputs'], workspace: NamedInputs): NamedInputs {
  const expand = (inputs: readonly unknown[]): NamedInputs[string] =>
    inputs.flatMap((input) => (typeof input === 'string' && !(input in own) && workspace[input] ? expand(workspace[input]!) : [input])) as NamedInputs[string];
  return Object.fromEntries(Object.entries(own).map(([name, inputs]) => [name, expand(inputs)]));
}

export function buildProjectConfiguration(
  manifest: ProjectManifest,
  facts: ProjectFacts,
  options: NormalizedOptions,
  environments: readonly string[] = [],
  commands: CommandInputsOf = () => undefined,
  workspaceNamedInputs: NamedInputs = {},
): ProjectConfiguration {
  const { libraries } = facts;
  const targets: Record<string, TargetConfiguration> = {
    [options.lintTargetName]: lintTarget(),
    [options.typecheckTargetName]: typecheckTarget(libraries.withTests),
  };
  const stackTests = manifest.kind === 'stack' ? environmentInputs(manifest.name) : [];
  targets[options.testTargetName] = testTarget('unit', libraries.withTests, stackTests);
  if (facts.hasIntegrationTests) {
    targets[options.integrationTargetName] = testTarget('integration', facts.integrationLibraries ?? libraries.withTests, stackTests);
  }
  if (manifest.kind === 'stack') {
    const name = manifest.name;
    targets[options.synthTargetName] = synthTarget(name, libraries.production, commands('synth'));
    targets[options.validateTargetName] = validateTarget(name, options, commands('validate'));
    const perEnvironment = (operation: string, dependsOn: TargetConfiguration['dependsOn'], description: string) =>
      perEnvironmentTarget(name, operation, environments, dependsOn, description, commands(operation));
    targets[options.planTargetName] = perEnvironment('plan', [options.synthTargetName], 'Plans the stack; saves tfplan and plan.json in dist/engine.');
    targets[options.applyTargetName] = perEnvironment('apply', [options.synthTargetName, `^${options.applyTargetName}`], 'Plans and applies the stack after its upstream stacks; staging and production take only promotions (or --break-glass with a reason).');
    targets[options.destroyTargetName] = perEnvironment('destroy', [options.synthTargetName], 'Destroys the stack; staging and production refuse without --break-glass and a reason.');
    targets[options.outputTargetName] = perEnvironment('output', [], 'Prints the stack outputs as JSON.');
    targets[options.driftTargetName] = perEnvironment(
      'drift',
      [options.synthTargetName],
      'Checks the stack for drift with a refresh-only plan (never applied); exits 2 when drift is found.',
    );
    Object.assign(targets, releaseTargets(name, options, commands));
  }
  // What the project's package.json declares itself (nx.targets) wins over what is inferred.
  for (const [name, own] of Object.entries(manifest.targets)) targets[name] = { ...targets[name], ...(own as TargetConfiguration) };
  return {
    root: manifest.root,
    name: manifest.name,
    projectType: manifest.kind === 'stack' ? 'application' : 'library',
    ...(Object.keys(manifest.namedInputs).length > 0 ? { namedInputs: expandNamedInputs(manifest.namedInputs, workspaceNamedInputs) } : {}),
    tags: [`type:${manifest.kind}`, ...manifest.tags],
    targets,
    metadata: { description: manifest.description },
  };
}

function kindOf(root: string): ProjectKind {
  const top = root.split('/')[0];
  return top === 'stacks' ? 'stack' : top === 'tools' ? 'tool' : 'lib';
}

/**
 * The plugin's own sources and the manifest reader it uses: a change to either must not be
 * hidden by configurations cached by the previous code.
 */
const PLUGIN_SOURCES = ['tools/nx-plugin/src', 'libs/config/src'];

function pluginCodeHash(workspaceRoot: string): string {
  const texts: string[] = [];
  for (const dir of PLUGIN_SOURCES) {
    const path = join(workspaceRoot, dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path, { recursive: true }).map(String).sort()) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) texts.push(name, readFileSync(join(path, name), 'utf8'));
    }
  }
  return hashObject(texts);
}

/**
 * Writes a cache file whole: to a file of its own, then renamed over it. Nx processes may run at
 * once in one workspace (a command's `nx affected` beside its synth through Nx) and read it meanwhile.
 */
function writeCache(path: string, value: unknown): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(value));
  renameSync(partial, path);
}

/** A cache file of the plugin; an unreadable one is as good as none (everything is computed again). */
function readCache(path: string): Record<string, unknown> {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A hash of each folder's files, from the file hashes Nx's workspace context already holds (one
 * call for the whole workspace; hashing per folder glob costs seconds at a thousand projects).
 */
async function hashFolders(workspaceRoot: string, roots: readonly string[]): Promise<string[]> {
  const byRoot = new Map<string, string[]>(roots.map((root) => [root, []]));
  for (const { file, hash } of await getAllFileDataInContext(workspaceRoot)) {
    const second = file.indexOf('/', file.indexOf('/') + 1);
    if (second > 0) byRoot.get(file.slice(0, second))?.push(file, hash);
  }
  return roots.map((root) => hashArray(byRoot.get(root)!));
}

/** What the plugin read from a project folder: kept between graph computations while the folder's content hash stays. */
interface FolderRead {
  readonly hash: string;
  readonly manifest: string;
  readonly files: readonly ScannedFile[];
}

export const createNodesV2: CreateNodesV2<PlatformPluginOptions> = [
  PROJECT_MANIFEST_GLOB,
  async (manifestFiles, rawOptions, context: CreateNodesContextV2) => {
    const options = normalizeOptions(rawOptions);
    const codeHash = pluginCodeHash(context.workspaceRoot);
    const cachePath = join(workspaceDataDirectory, `platform-plugin-${hashObject({ options, code: codeHash })}.json`);
    const cache = readCache(cachePath) as Record<string, ProjectConfiguration>;
    const nextCache: Record<string, ProjectConfiguration> = {};
    const aliasRoots = readAliasRoots(context.workspaceRoot);
    const environments = listEnvironments(context.workspaceRoot);
    const workspaceNamedInputs: NamedInputs = context.nxJsonConfiguration.namedInputs ?? {};
    const importScans: ImportScanCache = new Map();
    // Each folder's files hashed by Nx's native workspace context (one call for all): a folder
    // whose hash is unchanged is not read again, neither its sources nor its package.json.
    const roots = manifestFiles.map(dirname);
    const folderHashes = await hashFolders(context.workspaceRoot, roots);
    const readsPath = join(workspaceDataDirectory, `platform-plugin-folders-${codeHash}.json`);
    const previousReads = readCache(readsPath) as Record<string, FolderRead>;
    const manifests = new Map<string, string>();
    roots.forEach((root, index) => {
      const previous = previousReads[root];
      if (previous?.hash !== folderHashes[index]) return;
      importScans.set(root, previous.files);
      manifests.set(root, previous.manifest);
    });
    // Nothing new to keep when every folder and every configuration came from the caches: at a
    // thousand stacks rewriting them costs a tenth of a second of every graph computation.
    const readsUnchanged = manifests.size === roots.length && Object.keys(previousReads).length === roots.length;
    let configurationsUnchanged = true;
    const manifestOf = (root: string): string | undefined => {
      if (!manifests.has(root)) {
        const file = join(context.workspaceRoot, root, 'package.json');
        if (!existsSync(file)) return undefined;
        manifests.set(root, readFileSync(file, 'utf8'));
      }
      return manifests.get(root);
    };
    const commandClosures = new Map<string, CommandInputs | undefined>();
    const projectNames = new Map<string, string>();
    const nameOf = (root: string) => {
      if (!projectNames.has(root)) {
        const text = manifestOf(root);
        projectNames.set(root, text === undefined ? root : ((JSON.parse(text) as { name?: string }).name ?? root));
      }
      return projectNames.get(root)!;
    };
    const closureOf = (entry: string, shallow: string[] = []): CommandInputs | undefined => {
      if (!commandClosures.has(entry)) {
        const present = existsSync(join(context.workspaceRoot, entry));
        const closure = present ? moduleClosure(context.workspaceRoot, [entry], aliasRoots, importScans, shallow) : undefined;
        commandClosures.set(entry, closure && { files: closure.files, projects: closure.projects.map(nameOf) });
      }
      return commandClosures.get(entry);
    };
    const commands: CommandInputsOf = (command) => closureOf(commandModule(command), [SYNTH_ENTRY]);
    // The global setup's own project (the engine) and what it imports.
    const globalSetup = () => {
      const closure = closureOf(INTEGRATION_GLOBAL_SETUP);
      return { projects: closure ? [nameOf(projectRootOf(context.workspaceRoot, dirname(INTEGRATION_GLOBAL_SETUP))), ...closure.projects] : [] };
    };
    // What every project's configuration depends on besides its own folder, hashed once.
    const sharedHash = hashObject({ environments, workspaceNamedInputs });
    let stackInputs: string | undefined;
    const stackInputsHash = () => (stackInputs ??= hashObject({ sharedHash, commands: STACK_COMMANDS.map(commands) }));
    try {
      return await createNodesFromFiles(
        (manifestFile) => {
          const root = dirname(manifestFile);
          const text = manifestOf(root)!;
          const libraries: ProjectLibraries = {
            production: libraryClosure(context.workspaceRoot, root, false, aliasRoots, importScans).map(nameOf),
            withTests: libraryClosure(context.workspaceRoot, root, true, aliasRoots, importScans).map(nameOf),
          };
          const hasIntegrationTests = hasSourceFile(context.workspaceRoot, root, INTEGRATION_TEST, importScans);
          const facts: ProjectFacts = {
            libraries,
            hasIntegrationTests,
            ...(hasIntegrationTests ? { integrationLibraries: [...new Set([...libraries.withTests, ...globalSetup().projects])].filter((name) => name !== nameOf(root)).sort() } : {}),
          };
          const kind = kindOf(root);
          const key = hashObject({ manifestFile, text, facts, shared: kind === 'stack' ? stackInputsHash() : sharedHash });
          let project = cache[key];
          if (!project) {
            project = buildProjectConfiguration(readProjectManifest(manifestFile, text, kind), facts, options, environments, commands, workspaceNamedInputs);
            configurationsUnchanged = false;
          }
          nextCache[key] = project;
          return { projects: { [root]: project } };
        },
        manifestFiles,
        rawOptions ?? {},
        context,
      );
    } finally {
      if (!configurationsUnchanged || Object.keys(cache).length !== Object.keys(nextCache).length) writeCache(cachePath, nextCache);
      if (!readsUnchanged) {
        const reads: Record<string, FolderRead> = {};
        roots.forEach((root, index) => {
          const files = importScans.get(root);
          const manifest = manifests.get(root);
          if (files && manifest !== undefined) reads[root] = { hash: folderHashes[index]!, manifest, files };
        });
        writeCache(readsPath, reads);
      }
      // Caches of earlier plugin code or options are never read again: megabytes each at a thousand stacks.
      for (const name of readdirSync(workspaceDataDirectory)) {
        const path = join(workspaceDataDirectory, name);
        if (name.startsWith('platform-plugin-') && name.endsWith('.json') && path !== cachePath && path !== readsPath) rmSync(path, { force: true });
      }
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
