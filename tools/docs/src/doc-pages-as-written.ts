import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';
import { DOC_PAGE_SHARDS, docPageShards, readDocCommands, unexplainedWarnings, type DocCommand } from './doc-commands';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/** Commands too long or too recursive to run inside the test suite; they are still checked to exist. */
export const NOT_RUN_HERE = new Set(['npm ci', 'npm start', 'npm test', 'npm run bench']);

/** Every command the docs test runs as written, in page order. */
export function runnableDocCommands(workspaceRoot: string = WORKSPACE): DocCommand[] {
  return readDocCommands(workspaceRoot).filter((c) => !NOT_RUN_HERE.has(c.command));
}

/**
 * A reader's terminal: neither FORCE_COLOR nor NO_COLOR (CI sets them; Node warns when one
 * process sees both, and Nx adds FORCE_COLOR to its tasks), and a git identity for the pages
 * that make a throwaway commit (a CI runner has none).
 */
function readerEnvironment(): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _forced, NO_COLOR: _none, ...env } = nxChildEnvironment();
  return {
    ...env,
    GIT_AUTHOR_NAME: env.GIT_AUTHOR_NAME ?? 'Docs Reader',
    GIT_AUTHOR_EMAIL: env.GIT_AUTHOR_EMAIL ?? 'reader@example.com',
    GIT_COMMITTER_NAME: env.GIT_COMMITTER_NAME ?? 'Docs Reader',
    GIT_COMMITTER_EMAIL: env.GIT_COMMITTER_EMAIL ?? 'reader@example.com',
  };
}

function run(cwd: string, command: string) {
  const result = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: readerEnvironment(), maxBuffer: 64 * 1024 * 1024 });
  // The text a reader sees: Nx colours its output in some terminals and CI environments.
  return { code: result.status, output: stripVTControlCharacters(`${result.stdout}${result.stderr}`) };
}

const pages = new Map<string, string>();
const page = (file: string) => {
  if (!pages.has(file)) pages.set(file, readFileSync(join(WORKSPACE, file), 'utf8'));
  return pages.get(file)!;
};

const where = (c: DocCommand) => `${c.file}:${c.line} \`${c.command}\``;

/**
 * Runs, in a clean copy of the repository made for this file, every command of the pages in
 * shard `shard` (1-based) of DOC_PAGE_SHARDS, as written and in page order: each must exit 0,
 * print what its `# prints:` comment says, and print no warning its page does not explain.
 */
export function describeDocPagesAsWritten(shard: number): void {
  const commands = docPageShards(runnableDocCommands(), DOC_PAGE_SHARDS)[shard - 1] ?? [];
  const files = [...new Set(commands.map((c) => c.file))];
  describe(`documentation commands run as written in a clean copy of the repository: ${files.join(', ')}`, () => {
    let copy: string;
    beforeAll(() => {
      // A clean clone is a git repository: commands that compare commits need one.
      copy = copyWorkspaceAsRepository(WORKSPACE, 'docs');
    }, 60_000);
    afterAll(() => {
      if (copy) removeWorkspaceCopy(copy);
    });

    it('has at least one page to run (none means DOC_PAGE_SHARDS is higher than the pages need)', () => {
      expect(commands.length, `shard ${shard} of ${DOC_PAGE_SHARDS} has no pages: lower DOC_PAGE_SHARDS in tools/docs/src/doc-commands.ts and delete doc-pages-${shard}.integration.test.ts`).toBeGreaterThan(0);
    });

    it.each(commands.map((c) => [where(c), c] as const))(
      'succeeds: %s',
      (_name, c) => {
        const result = run(copy, c.command);
        expect(result.code, `${where(c)} failed:\n${result.output}`).toBe(0);
        if (c.prints) expect(result.output, `${where(c)} should print ${c.prints}`).toContain(c.prints);
        expect(unexplainedWarnings(result.output, page(c.file)), `${where(c)} prints warnings ${c.file} does not explain:\n${result.output}`).toEqual([]);
      },
      180_000,
    );
  });
}
