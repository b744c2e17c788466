import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '@platform/workspace';

/** A Go program built from the module proxy: which module, which version, which package, how. */
const goProgram = z.strictObject({
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a release version such as 1.11.14'),
  module: z.string().regex(/^[a-z0-9.-]+\/[\w./-]+$/, 'must be a Go module path'),
  moduleVersion: z.string().regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+incompatible)?$/, 'must be a Go module version'),
  package: z.string().startsWith('.', 'must be a package path relative to the module root'),
  ldflags: z.array(z.string()).default([]),
  /** Extra `go build` flags, e.g. -mod=mod for a module whose zip carries an incomplete vendor folder. */
  goFlags: z.array(z.string().startsWith('-', 'must be a go build flag')).default([]),
  $comment: z.string().optional(),
});

const versionsSchema = z.strictObject({
  $comment: z.string().optional(),
  /** The Go release every build runs with (GOTOOLCHAIN): the same source gives the same bytes on every machine. */
  goToolchain: z.string().regex(/^1\.\d+\.\d+$/, 'must be a Go release such as 1.26.8'),
  opentofu: goProgram,
  providers: z.record(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must be <namespace>/<type>'), goProgram),
  s3Server: goProgram.extend({ name: z.string() }),
  gcsServer: goProgram.extend({ name: z.string() }),
  /** The workflow linter the test suite runs over .github/workflows. */
  actionlint: goProgram,
});

export type GoProgram = z.output<typeof goProgram>;
export type PinnedVersions = z.output<typeof versionsSchema>;

/** The one file that pins the engine, the providers, the S3 server, the GCS emulator and the workflow linter. */
export const VERSIONS_FILE = 'tools/engine/versions.json';

export function readPinnedVersions(workspaceRoot: string): PinnedVersions {
  const text = readFileSync(join(workspaceRoot, VERSIONS_FILE), 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${VERSIONS_FILE}: (document) is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = versionsSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(`${VERSIONS_FILE}: key '${issue.path.join('.')}' ${issue.message}`);
  }
  return result.data;
}
