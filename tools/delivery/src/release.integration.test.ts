import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
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

  it("changes only the version line of the stack's package.json (the file is kept as nx release writes it)", () => {
    const changed = git('diff', '--unified=0', 'HEAD~1', 'HEAD', '--', 'stacks/network/package.json')
      .split('\n')
      .filter((line) => /^[-+](?![-+])/.test(line));
    expect(changed).toEqual(['-  "version": "0.2.0",', '+  "version": "0.2.1",']);
  });

  it('releases a stack for a commit that changed only its settings, with that commit in its changelog', () => {
    const settings = join(repository, 'environments/prod/gke-cluster.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('maxNodes: 20', 'maxNodes: 24'));
    git('commit', '-qam', "feat(gke-cluster): prod's general pool grows to 24 nodes");
    release('--projects=gke-cluster', '--first-release');
    expect(version('gke-cluster')).toBe('0.2.0');
    const changelog = readFileSync(join(repository, 'stacks/gke-cluster/CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/## 0\.2\.0[\s\S]*prod's general pool grows to 24 nodes/);
    expect(changelog).not.toContain('no code changes');
  }, 180_000);

  it('releases a library commit as a patch of a stack that imports it, under its own heading', () => {
    appendFileSync(join(repository, 'libs/networking/src/vpc.ts'), '// a routing option\n');
    git('commit', '-qam', 'feat(networking): a routing option');
    release('--projects=network');
    expect(version('network')).toBe('0.2.2');
    expect(readFileSync(join(repository, 'stacks/network/CHANGELOG.md'), 'utf8')).toMatch(/## 0\.2\.2[\s\S]*### 📦 Through its libraries and environments\s+- \*\*networking:\*\* a routing option/);
  }, 180_000);
});
