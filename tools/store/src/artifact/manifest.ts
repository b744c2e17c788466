import { z } from 'zod';
import { UsageError } from '@platform/workspace';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex');

export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  stack: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a semantic version'),
  /** The commit the artifact was built from (the release tag's commit). */
  gitCommit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full git commit id'),
  /** Packaged with --allow-dirty from a working tree whose sources differ from gitCommit: never for staging or production. */
  dirty: z.literal(true).optional(),
  /** sha256 over the stack's source files and the libraries, path by path. */
  sourceHash: sha256,
  /** Per environment: the hash of the configuration files that produced its JSON. */
  environments: z.record(z.string(), z.strictObject({ configHash: sha256, file: z.string() })),
  engine: z.strictObject({ opentofu: z.string() }),
  providers: z.record(z.string(), z.string()),
  contracts: z.strictObject({ published: z.record(z.string(), z.number()), consumed: z.record(z.string(), z.number()) }),
  /** The provider lock file the configurations are deployed with, when the artifact carries one. */
  lockFile: z.string().optional(),
  /** Every file of the artifact with its sha256 and size. */
  files: z.record(z.string(), z.strictObject({ sha256, size: z.number().int().min(0) })),
});

export type ArtifactManifest = z.output<typeof manifestSchema>;

/** JSON with keys sorted at every level, so the same manifest is always the same bytes. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sort((v as Record<string, unknown>)[key])]));
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

export function parseManifest(text: string, where: string): ArtifactManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(`${where}: key '${issue.path.join('.')}' ${issue.message}`);
  }
  return result.data;
}
