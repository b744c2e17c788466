import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';
import { environmentSchema, ENVIRONMENT_NAME, type EnvironmentConfig } from './environment-schema';

/** Folder, relative to the workspace root, that holds one folder per environment. */
export const ENVIRONMENTS_DIR = 'environments';
export const ENVIRONMENT_FILE = 'environment.yaml';

/** Path of a stack's settings file in an environment, relative to the workspace root. */
export function stackSettingsPath(environment: string, stack: string): string {
  return `${ENVIRONMENTS_DIR}/${environment}/${stack}.yaml`;
}

export function environmentFilePath(environment: string): string {
  return `${ENVIRONMENTS_DIR}/${environment}/${ENVIRONMENT_FILE}`;
}

/** Environment names (folders under environments/ holding an environment.yaml), sorted. */
export function listEnvironments(workspaceRoot: string): string[] {
  const dir = join(workspaceRoot, ENVIRONMENTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && existsSync(join(dir, name, ENVIRONMENT_FILE)))
    .sort();
}

interface ParsedYaml {
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

function parseYaml(file: string, text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => ({
        file,
        key: '(document)',
        rule: `is not valid YAML: ${error.message.split('\n')[0]}`,
        line: lines.linePos(error.pos[0]).line,
      })),
    );
  }
  return { doc, lines };
}

/** Line of the deepest node on the path that exists in the document. */
function lineOf(parsed: ParsedYaml, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = parsed.doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return parsed.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Validates a YAML file's content against a schema; every problem names the file, the key and the rule. */
export function parseConfigFile<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const parsed = parseYaml(file, text);
  const data: unknown = parsed.doc.toJS() ?? {};
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const path = issue.path;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : undefined;
    const keyPath = keys ? [...path, keys[0]!] : path;
    const received = keys ? undefined : valueAt(data, path);
    let rule: string;
    if (keys) {
      rule = `is not a known setting (unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')})`;
    } else if (issue.code === 'invalid_key') {
      rule = `has an invalid key: ${issue.issues[0]?.message ?? issue.message}`;
    } else if (issue.code === 'invalid_type' && received === undefined) {
      rule = `is required (${issue.expected})`;
    } else {
      rule = `${issue.message}${received === undefined ? '' : `; got ${describeValue(received)}`}`;
    }
    return {
      file,
      key: keyPath.length > 0 ? keyPath.map(String).join('.') : '(root)',
      rule,
      line: lineOf(parsed, keyPath),
    };
  });
  throw new ConfigError(problems);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function readConfigText(workspaceRoot: string, file: string): string {
  const absolute = join(workspaceRoot, file);
  if (!existsSync(absolute)) {
    throw new ConfigError([{ file, key: '(file)', rule: 'does not exist' }]);
  }
  return readFileSync(absolute, 'utf8');
}

/** Loads and validates `environments/<name>/environment.yaml`. */
export function loadEnvironment(workspaceRoot: string, name: string): EnvironmentConfig {
  const file = environmentFilePath(name);
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new ConfigError([{ file, key: '(folder)', rule: `environment folder name '${name}' is not a valid name` }]);
  }
  const config = parseConfigFile(file, readConfigText(workspaceRoot, file), environmentSchema);
  if (config.name !== name) {
    throw new ConfigError([
      { file, key: 'name', rule: `must equal the folder name '${name}'; got ${describeValue(config.name)}` },
    ]);
  }
  return config;
}

/** Loads every environment and checks cross-file rules (promotion order names known environments, no cycle). */
export function loadAllEnvironments(workspaceRoot: string): EnvironmentConfig[] {
  const names = listEnvironments(workspaceRoot);
  const problems: ConfigProblem[] = [];
  const environments: EnvironmentConfig[] = [];
  for (const name of names) {
    try {
      environments.push(loadEnvironment(workspaceRoot, name));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
    }
  }
  const byName = new Map(environments.map((env) => [env.name, env]));
  for (const env of environments) {
    const after = env.promotion.after;
    if (after === undefined) continue;
    if (!byName.has(after)) {
      problems.push({ file: environmentFilePath(env.name), key: 'promotion.after', rule: `names unknown environment '${after}'` });
      continue;
    }
    const seen = new Set([env.name]);
    for (let next: string | undefined = after; next !== undefined; next = byName.get(next)?.promotion.after) {
      if (seen.has(next)) {
        problems.push({ file: environmentFilePath(env.name), key: 'promotion.after', rule: `forms a cycle through '${next}'` });
        break;
      }
      seen.add(next);
    }
  }
  problems.push(...artifactStoreProblems(environments));
  if (problems.length > 0) throw new ConfigError(problems);
  return environments;
}

/** One artifact store per estate: an environment naming another than the first one that names a store is refused. */
function artifactStoreProblems(environments: readonly EnvironmentConfig[]): ConfigProblem[] {
  const first = environments.find((env) => env.artifacts !== undefined);
  return environments
    .filter((env) => env.artifacts !== undefined && env.artifacts !== first?.artifacts)
    .map((env) => ({
      file: environmentFilePath(env.name),
      key: 'artifacts',
      rule: `must name the estate's one artifact store, '${first!.artifacts}' (as ${environmentFilePath(first!.name)} does); got '${env.artifacts}'`,
    }));
}

/**
 * The artifact store the estate's environments name (`artifacts` in environment.yaml), or
 * undefined when none does. The environments are checked to agree ({@link loadAllEnvironments}).
 */
export function estateArtifactStore(workspaceRoot: string): string | undefined {
  return loadAllEnvironments(workspaceRoot).find((env) => env.artifacts !== undefined)?.artifacts;
}

/** Loads and validates a stack's settings for one environment with the stack's own schema. */
export function loadStackSettings<S extends z.ZodType>(
  workspaceRoot: string,
  environment: string,
  stack: string,
  schema: S,
): z.output<S> {
  const file = stackSettingsPath(environment, stack);
  return parseConfigFile(file, readConfigText(workspaceRoot, file), schema);
}
