import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const IDENTITY = { GIT_AUTHOR_NAME: 'release-tests', GIT_AUTHOR_EMAIL: 'tests@localhost', GIT_COMMITTER_NAME: 'release-tests', GIT_COMMITTER_EMAIL: 'tests@localhost' };

/* The real `nx release` (versions, changelogs, tags) on a clean clone; publishing is the artifact store's and tested apart. */
describe('independent stack releases with nx release and conventional commits', () => {
  let repository: string;
  const env = () => ({ ...nxChildEnvironment(), ...IDENTITY });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, encoding: 'utf8', env: env() }).trim();
  const commitChange = (stack: string, message: string) => {
    appendFileSync(join(repository, 'stacks', stack, 'src/index.ts'), `// ${message}\n`);
    git('commit', '-qam', message);
  };
  const release = (...args: string[]) => {
    const result = spawnSync('npx', ['nx', 'release', '--skip-publish', ...args], { cwd: repository, encoding: 'utf8', env: env() });
    expect(result.status, `nx release ${args.join(' ')}:\n${result.stdout.slice(-2000)}${result.stderr.slice(-2000)}`).toBe(0);
    return result.stdout;
  };
  const version = (stack: string) => (JSON.parse(readFileSync(join(repository, 'stacks', stack, 'package.json'), 'utf8')) as { version: string }).version;

  beforeAll(() => {
    repository = copyWorkspaceAsRepository(WORKSPACE, 'release');
  }, 120_000);
  afterAll(() => removeWorkspaceCopy(repository));

  it('turns a feat commit into a minor release of that stack only, tagged <stack>@<version>, with a changelog', () => {
    const before = version('security');
    commitChange('network', 'feat(network): add a proxy-only subnet');
    release('--projects=network', '--first-release');
    expect(version('network')).toBe('0.2.0');
    expect(git('tag', '--list')).toBe('network@0.2.0');
    expect(git('rev-parse', 'network@0.2.0^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(readFileSync(join(repository, 'stacks/network/CHANGELOG.md'), 'utf8')).toMatch(/## 0\.2\.0[\s\S]*add a proxy-only subnet/);
    expect(version('security'), 'a stack without changes keeps its version').toBe(before);
    expect(git('log', '-1', '--format=%s')).toBe('chore(release): network@0.2.0');
  }, 180_000);

  it('turns a fix commit after the last tag into a patch release', () => {
    commitChange('network', 'fix(network): correct the NAT log filter');
    release('--projects=network');
    expect(version('network')).toBe('0.2.1');
    expect(git('tag', '--list', 'network@*').split('\n')).toEqual(['network@0.2.0', 'network@0.2.1']);
    expect(readFileSync(join(repository, 'stacks/network/CHANGELOG.md'), 'utf8')).toMatch(/## 0\.2\.1[\s\S]*correct the NAT log filter[\s\S]*## 0\.2\.0/);
  }, 180_000);
});
