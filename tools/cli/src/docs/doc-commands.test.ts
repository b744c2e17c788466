import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';
import { extractShellCommands, readDocCommands, type DocCommand } from './doc-commands';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const commands = readDocCommands(WORKSPACE);
const scripts = Object.keys((JSON.parse(readFileSync(join(WORKSPACE, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** Commands too long or too recursive to run inside the test suite; they are still checked to exist. */
const NOT_RUN_HERE = new Set(['npm ci', 'npm start', 'npm test', 'npm run bench']);

function run(cwd: string, command: string) {
  const result = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: nxChildEnvironment() });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const where = (c: DocCommand) => `${c.file}:${c.line} \`${c.command}\``;

describe('documentation commands', () => {
  it('finds the commands of the README and docs/', () => {
    expect(commands.map((c) => c.command)).toEqual(expect.arrayContaining(['npm ci', 'npm start', 'npm test']));
  });

  it('extracts shell lines only from sh blocks, without comments', () => {
    const markdown = '```sh\nnpm test  # all\n# note\n```\n```ts\nconst x = 1;\n```\n';
    expect(extractShellCommands('x.md', markdown)).toEqual([{ file: 'x.md', line: 2, command: 'npm test' }]);
  });

  it.each(commands.filter((c) => /^npm (run |start|test)/.test(c.command)).map((c) => [where(c), c] as const))(
    'names an npm script that exists: %s',
    (_name, c) => {
      const script = c.command.replace(/^npm (run )?/, '').split(' ')[0]!;
      expect(scripts, where(c)).toContain(script);
    },
  );

  it.each(commands.filter((c) => c.command.includes('tools/')).map((c) => [where(c), c] as const))(
    'names a file that exists: %s',
    (_name, c) => {
      const file = /tools\/[\w./-]+/.exec(c.command)![0];
      expect(existsSync(join(WORKSPACE, file)), where(c)).toBe(true);
    },
  );

  describe('run as written in a clean copy of the repository', () => {
    let copy: string;
    beforeAll(() => {
      // A clean clone is a git repository: commands that compare commits need one.
      copy = copyWorkspaceAsRepository(WORKSPACE, 'docs');
    }, 60_000);
    afterAll(() => removeWorkspaceCopy(copy));

    it.each(commands.filter((c) => !NOT_RUN_HERE.has(c.command)).map((c) => [where(c), c] as const))(
      'succeeds: %s',
      (_name, c) => {
        const result = run(copy, c.command);
        expect(result.code, `${where(c)} failed:\n${result.output}`).toBe(0);
      },
      180_000,
    );
  });
});
