import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';
import { extractShellCommands, readDocCommands, type DocCommand } from './doc-commands';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const commands = readDocCommands(WORKSPACE);
const scripts = Object.keys((JSON.parse(readFileSync(join(WORKSPACE, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** Commands too long or too recursive to run inside the test suite; they are still checked to exist. */
const NOT_RUN_HERE = new Set(['npm ci', 'npm start', 'npm test', 'npm run bench']);

/** The environment of a fresh shell: no variables of an Nx task this test may be running inside. */
function freshEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NX_') || ['NX_DAEMON', 'NX_NO_CLOUD'].includes(key)));
  return { ...env, NX_TUI: 'false', FORCE_COLOR: '0' };
}

function run(cwd: string, command: string) {
  const result = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', env: freshEnvironment() });
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
      copy = copyWorkspace(WORKSPACE, undefined, 'docs');
      // A clean clone is a git repository: commands that compare commits need one.
      writeFileSync(join(copy, '.gitignore'), `${readFileSync(join(copy, '.gitignore'), 'utf8')}node_modules\n`);
      for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'clean clone']]) {
        const result = spawnSync('git', ['-c', 'user.name=docs', '-c', 'user.email=docs@localhost', ...args], { cwd: copy, encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
      }
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
