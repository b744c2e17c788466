import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateFiles, getProjects, logger, names, type GeneratorCallback, type Tree } from '@nx/devkit';
import { environmentFilePath, environmentSchema, ENVIRONMENTS_DIR, parseConfigFile, stackSettingsPath, type EnvironmentConfig } from '@platform/config';
import type { StackGeneratorSchema } from './schema';

/** Template files, mirrored into the workspace root (`__name__` becomes the stack name). */
const FILES = join(import.meta.dirname, 'files');

export const CONTRACTS_SRC = 'libs/contracts/src';
export const CONTRACTS_INDEX = `${CONTRACTS_SRC}/index.ts`;

/** The stack every scaffold reads: its bucket is encrypted with the security stack's `storage` key. */
export const REQUIRED_UPSTREAM = 'security';

export const LAYERS = ['foundation', 'macro', 'platform', 'service', 'data'] as const;
export type Layer = (typeof LAYERS)[number];

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MIN_NAME = 3;
const MAX_NAME = 32;
const MAX_DESCRIPTION = 200;

/** Noncurrent object versions the scaffolded bucket keeps, by environment tier. */
const RETAINED_VERSIONS: Readonly<Record<EnvironmentConfig['tier'], number>> = { development: 3, staging: 10, production: 30 };

export interface NormalizedStackOptions {
  readonly name: string;
  readonly description: string;
  /** Sorted, unique, always including `security`. */
  readonly upstream: readonly string[];
  readonly layer: Layer;
}

/** An upstream stack's contract as the generated code imports and reads it. */
interface UpstreamContract {
  readonly name: string;
  /** Export name in @platform/contracts, e.g. `networkContract`. */
  readonly contract: string;
  /** The first output key of the contract, read by the scaffold. */
  readonly key: string;
}

/** Refuses a stack name that is not kebab-case or not 3-32 characters; the error names the rule and the value. */
export function validateStackName(name: unknown, what = 'stack name'): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`${what} is required: a kebab-case name such as 'audit-archive'`);
  }
  if (name.length < MIN_NAME || name.length > MAX_NAME) {
    throw new Error(`${what} '${name}' must be ${MIN_NAME}-${MAX_NAME} characters long; got ${name.length}`);
  }
  if (!KEBAB_CASE.test(name)) {
    throw new Error(
      `${what} '${name}' must be kebab-case: lowercase letters and digits in words joined by single hyphens, starting with a letter (e.g. 'audit-archive')`,
    );
  }
  return name;
}

function validateDescription(description: unknown): string {
  if (typeof description !== 'string' || description.trim().length === 0) {
    throw new Error('description must be a non-empty line of text');
  }
  const text = description.trim();
  if ([...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw new Error(`description ${JSON.stringify(text)} must be a single line without control characters`);
  }
  if (text.length > MAX_DESCRIPTION) {
    throw new Error(`description must be at most ${MAX_DESCRIPTION} characters; got ${text.length}`);
  }
  return text;
}

function parseUpstream(upstream: StackGeneratorSchema['upstream']): string[] {
  if (upstream === undefined) return [REQUIRED_UPSTREAM];
  const list = typeof upstream === 'string' ? upstream.split(',') : [...upstream];
  return list.map((item) => (typeof item === 'string' ? item.trim() : String(item))).filter((item) => item.length > 0);
}

/** Validates and fills in the options; pure (no workspace access). */
export function normalizeStackOptions(options: StackGeneratorSchema): NormalizedStackOptions {
  const name = validateStackName(options.name);
  const description = validateDescription(options.description ?? 'A new stack.');
  const upstream = new Set(parseUpstream(options.upstream).map((item) => validateStackName(item, 'upstream stack')));
  if (upstream.has(name)) throw new Error(`upstream must not name the stack itself ('${name}')`);
  upstream.add(REQUIRED_UPSTREAM);
  const layer = options.layer ?? 'service';
  if (!(LAYERS as readonly string[]).includes(layer)) {
    throw new Error(`layer '${layer}' must be one of ${LAYERS.join(', ')}`);
  }
  return { name, description, upstream: [...upstream].sort(), layer };
}

/** Names of the projects the plugin infers (`{libs,stacks,tools}/<folder>/package.json`) and any project.json project. */
function projectNames(tree: Tree): Map<string, string> {
  const found = new Map<string, string>();
  for (const top of ['libs', 'stacks', 'tools']) {
    for (const folder of tree.children(top)) {
      const manifest = `${top}/${folder}/package.json`;
      if (!tree.isFile(manifest)) continue;
      try {
        const { name } = JSON.parse(tree.read(manifest, 'utf-8')!) as { name?: unknown };
        if (typeof name === 'string') found.set(name, `${top}/${folder}`);
      } catch {
        // An unreadable manifest is the plugin's to report; it names no project here.
      }
    }
  }
  // getProjects globs the workspace on disk: a virtual tree (unit tests) has none.
  if (existsSync(tree.root)) {
    for (const [name, project] of getProjects(tree)) found.set(name, project.root);
  }
  return found;
}

/** Environment folders (those holding an environment.yaml), sorted, each validated. */
function readEnvironments(tree: Tree): EnvironmentConfig[] {
  const names = tree
    .children(ENVIRONMENTS_DIR)
    .filter((name) => tree.isFile(environmentFilePath(name)))
    .sort();
  if (names.length === 0) {
    throw new Error(`no environments found: a stack needs at least one ${ENVIRONMENTS_DIR}/<env>/environment.yaml`);
  }
  return names.map((name) => {
    const file = environmentFilePath(name);
    return parseConfigFile(file, tree.read(file, 'utf-8')!, environmentSchema);
  });
}

/** The contract an upstream stack publishes, found in libs/contracts and exported from its index. */
function upstreamContract(tree: Tree, upstream: string, indexText: string): UpstreamContract {
  if (!tree.isFile(`stacks/${upstream}/package.json`)) {
    throw new Error(`upstream stack '${upstream}' does not exist: no stacks/${upstream}/package.json`);
  }
  const file = `${CONTRACTS_SRC}/${upstream}.ts`;
  if (!tree.isFile(file)) {
    throw new Error(`upstream stack '${upstream}' publishes no contract: ${file} does not exist, so there are no outputs to read`);
  }
  const text = tree.read(file, 'utf-8')!;
  const contract = /export const (\w+)\s*=\s*defineContract\(/.exec(text)?.[1];
  const key = /^\s+(\w+):\s*output\.\w+\(/m.exec(text)?.[1];
  if (contract === undefined || key === undefined) {
    throw new Error(`${file}: no 'export const <name>Contract = defineContract({ ... outputs: { key: output.*(...) } })' found`);
  }
  if (!new RegExp(`\\b${contract}\\b`).test(indexText)) {
    throw new Error(`${CONTRACTS_INDEX}: does not export '${contract}' of upstream stack '${upstream}'`);
  }
  return { name: upstream, contract, key };
}

/** Every file the generator would create must be new: the name is not taken anywhere. */
function refuseTakenName(tree: Tree, name: string, contractName: string, environments: readonly EnvironmentConfig[], indexText: string): void {
  if (tree.exists(`stacks/${name}`)) {
    throw new Error(`stack '${name}' already exists: stacks/${name} is taken; choose another name`);
  }
  const owner = projectNames(tree).get(name);
  if (owner !== undefined) {
    throw new Error(`stack name '${name}' is taken by the project at ${owner}; choose another name`);
  }
  const taken = [`${CONTRACTS_SRC}/${name}.ts`, ...environments.map((env) => stackSettingsPath(env.name, name))].filter((file) => tree.exists(file));
  if (taken.length > 0) {
    throw new Error(`stack name '${name}' clashes with existing file${taken.length > 1 ? 's' : ''} ${taken.join(', ')}; choose another name`);
  }
  if (new RegExp(`\\b${contractName}\\b`).test(indexText)) {
    throw new Error(`${CONTRACTS_INDEX}: '${contractName}' is already exported; choose another name`);
  }
}

const CONTRACT_EXPORT = /^export \{ (\w+Contract) \} from '\.\/([\w-]+)';$/;

/**
 * Adds `export { <name>Contract } from './<name>';` to the contracts index, keeping the
 * contract exports one per line and sorted by module.
 */
export function addContractExport(indexText: string, contractName: string, module: string): string {
  const lines = indexText.replace(/\n+$/, '').split('\n');
  const exports = lines.flatMap((line, index) => {
    const match = CONTRACT_EXPORT.exec(line);
    return match ? [{ index, name: match[1]!, module: match[2]! }] : [];
  });
  const entries = [...exports.map(({ name, module: from }) => ({ name, module: from })), { name: contractName, module }].sort((a, b) =>
    a.module < b.module ? -1 : a.module > b.module ? 1 : 0,
  );
  const block = entries.map((entry) => `export { ${entry.name} } from './${entry.module}';`);
  const at = exports.length > 0 ? exports[0]!.index : lines.length;
  const kept = lines.filter((_, index) => !exports.some((entry) => entry.index === index));
  kept.splice(at, 0, ...block);
  return `${kept.join('\n')}\n`;
}

/** A TypeScript single-quoted string literal. */
function tsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The settings file of the scaffold in one environment: valid for its schema, sized by the tier. */
export function environmentSettings(environment: EnvironmentConfig): string {
  return [
    `bucketLocation: ${environment.region}`,
    'storageClass: STANDARD',
    `retainedVersions: ${RETAINED_VERSIONS[environment.tier]}`,
    '',
  ].join('\n');
}

/**
 * `nx g ./tools/nx-plugin:stack <name>`: scaffolds stacks/<name>, its contract in
 * libs/contracts (exported from the index) and its settings in every environment. Every
 * check runs before anything is written, so a refused name leaves the workspace unchanged.
 */
export async function stackGenerator(tree: Tree, options: StackGeneratorSchema): Promise<GeneratorCallback> {
  const normalized = normalizeStackOptions(options);
  const { name, description, upstream, layer } = normalized;
  const { propertyName, className } = names(name);
  const contractName = `${propertyName}Contract`;

  if (!tree.isFile(CONTRACTS_INDEX)) {
    throw new Error(`${CONTRACTS_INDEX} does not exist: the generator adds the stack's contract export there`);
  }
  const indexText = tree.read(CONTRACTS_INDEX, 'utf-8')!;
  const environments = readEnvironments(tree);
  refuseTakenName(tree, name, contractName, environments, indexText);
  const contracts = upstream.map((stack) => upstreamContract(tree, stack, indexText));
  if (!(options.upstream === undefined || parseUpstream(options.upstream).includes(REQUIRED_UPSTREAM))) {
    logger.info(`Added '${REQUIRED_UPSTREAM}' to upstream: the scaffolded bucket is encrypted with its storage key.`);
  }

  generateFiles(tree, FILES, '.', {
    tmpl: '',
    name,
    propertyName,
    className,
    layer,
    descriptionJson: JSON.stringify(description),
    descriptionTs: tsString(description),
    descriptionComment: description.replace(/\*\//g, '*\\/'),
    descriptionText: description,
    upstreamJson: `[${upstream.map((stack) => JSON.stringify(stack)).join(', ')}]`,
    upstreamList: contracts.map((entry) => `\`${entry.name}\``).join(', '),
    contractImports: [contractName, ...contracts.map((entry) => entry.contract)].sort().join(', '),
    otherUpstreams: contracts.filter((entry) => entry.name !== REQUIRED_UPSTREAM),
    environmentsTs: `[${environments.map((env) => tsString(env.name)).join(', ')}]`,
    firstEnvironment: environments[0]!.name,
  });

  // As `nx release` writes it back (two-space JSON), so a release changes the version line alone.
  const manifest = `stacks/${name}/package.json`;
  tree.write(manifest, `${JSON.stringify(JSON.parse(tree.read(manifest, 'utf-8')!), null, 2)}\n`);

  tree.write(CONTRACTS_INDEX, addContractExport(indexText, contractName, name));
  // The scaffold uses the providers of the stack it must read (the google provider only), so
  // it starts with that stack's committed lock file; `npm run lock-providers` after adding one.
  const upstreamLock = `stacks/${REQUIRED_UPSTREAM}/.terraform.lock.hcl`;
  if (tree.isFile(upstreamLock)) tree.write(`stacks/${name}/.terraform.lock.hcl`, tree.read(upstreamLock)!);
  for (const environment of environments) {
    tree.write(stackSettingsPath(environment.name, name), environmentSettings(environment));
  }

  return () => {
    logger.info(`Stack '${name}' scaffolded; it reads ${upstream.join(', ')}. Next: npx nx run ${name}:synth && npx nx run ${name}:test`);
  };
}

export default stackGenerator;
