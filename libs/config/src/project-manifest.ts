import { basename, dirname } from 'node:path';
import { z } from 'zod';

export type ProjectKind = 'stack' | 'lib' | 'tool';

/** What the plugin reads from a project's package.json. */
export interface ProjectManifest {
  readonly root: string;
  readonly kind: ProjectKind;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Stacks whose output contracts this stack reads (stacks only). */
  readonly upstream: readonly string[];
  /** Checks a drill runs after deploying the stack (stacks only). */
  readonly smoke: readonly SmokeCheck[];
  /** Targets the project declares itself (`nx.targets`), merged over the inferred ones. */
  readonly targets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Named inputs the project sets (`nx.namedInputs`), e.g. the files outside it that its tests read. */
  readonly namedInputs: Readonly<Record<string, readonly unknown[]>>;
}

/** A check of a deployed stack: an output whose value must match a regular expression. */
export interface SmokeCheck {
  readonly output: string;
  readonly matches: string;
}

const smokeCheck = z.strictObject({
  output: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must be an output name'),
  matches: z.string().refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression'),
});

const stackName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'must be kebab-case: lowercase letters, digits and hyphens, 3-32 characters');

const packageJsonSchema = z.object({
  name: z.string().min(1, 'is required'),
  description: z.string().default(''),
  nx: z
    .object({
      tags: z.array(z.string()).default([]),
      targets: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      namedInputs: z.record(z.string(), z.array(z.unknown())).default({}),
    })
    .partial()
    .default({}),
  stack: z.strictObject({ upstream: z.array(stackName).default([]), smoke: z.array(smokeCheck).default([]) }).optional(),
});

/** Thrown for a malformed package.json; names the file, the key and the rule. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export function readProjectManifest(file: string, text: string, kind: ProjectKind): ProjectManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = packageJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ManifestError(`${file}: key '${issue.path.join('.') || '(root)'}' ${issue.message}`);
  }
  const pkg = parsed.data;
  const root = dirname(file);
  if (kind === 'stack') {
    const folder = basename(root);
    if (pkg.name !== folder) {
      throw new ManifestError(`${file}: key 'name' must equal the stack folder name '${folder}', got '${pkg.name}'`);
    }
    if (!stackName.safeParse(pkg.name).success) {
      throw new ManifestError(`${file}: key 'name' ${stackName.safeParse(pkg.name).error!.issues[0]!.message}`);
    }
    if (!pkg.stack) {
      throw new ManifestError(`${file}: key 'stack' is required for a stack (use { "upstream": [] } for none)`);
    }
    if (pkg.stack.upstream.includes(pkg.name)) {
      throw new ManifestError(`${file}: key 'stack.upstream' must not name the stack itself`);
    }
  }
  return {
    root,
    kind,
    name: pkg.name,
    description: pkg.description,
    tags: pkg.nx.tags ?? [],
    upstream: pkg.stack?.upstream ?? [],
    smoke: pkg.stack?.smoke ?? [],
    targets: pkg.nx.targets ?? {},
    namedInputs: pkg.nx.namedInputs ?? {},
  };
}
