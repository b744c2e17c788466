import { execFileSync } from 'node:child_process';
import { readCachedProjectGraph } from '@nx/devkit';
import DefaultChangelogRenderer, { type ChangelogChange } from 'nx/release/changelog-renderer';

type RendererConfig = ConstructorParameters<typeof DefaultChangelogRenderer>[0];

const HEADER = /^(\w+)(?:\(([^)]*)\))?(!)?: (.+)$/;

function git(args: readonly string[]): string {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** The folders of the libraries a project depends on, transitively. */
function dependencyRoots(project: string): string[] {
  const graph = readCachedProjectGraph();
  const seen = new Set<string>();
  const visit = (name: string) => {
    for (const dependency of graph.dependencies[name] ?? []) {
      if (graph.nodes[dependency.target] && !seen.has(dependency.target)) {
        seen.add(dependency.target);
        visit(dependency.target);
      }
    }
  };
  visit(project);
  // Libraries only: an upstream stack is another release with its own changelog.
  return [...seen].filter((name) => graph.nodes[name]!.data.tags?.includes('type:lib')).map((name) => graph.nodes[name]!.data.root).sort();
}

/**
 * Conventional commits since a stack's last release tag that changed what it is built from
 * outside its folder: its settings (`environments/<env>/<stack>.yaml`), the environments
 * (`environment.yaml`) and the libraries it imports. Nx versions the stack for them (it reads
 * commits as `nx affected` does) but its changelog keeps only commits under the stack's folder,
 * and would say "no code changes".
 */
export function inputChanges(stack: string, known: readonly ChangelogChange[], libraries: readonly string[] = dependencyRoots(stack)): ChangelogChange[] {
  const tags = git(['tag', '--list', `${stack}@*`, '--sort=-v:refname']).split('\n').filter(Boolean);
  const range = tags[0] ? [`${tags[0]}..HEAD`] : ['HEAD'];
  const paths = [`:(glob)environments/*/${stack}.yaml`, ':(glob)environments/*/environment.yaml', ...libraries];
  const log = git(['log', '--format=%h%x1f%s%x1f%b%x1f%an%x1f%ae%x1e', ...range, '--', ...paths]);
  return log
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .flatMap((entry) => {
      const [shortHash = '', subject = '', body = '', name = '', email = ''] = entry.split('\x1f');
      const header = HEADER.exec(subject);
      if (!header || known.some((change) => change.shortHash && (change.shortHash.startsWith(shortHash) || shortHash.startsWith(change.shortHash)))) return [];
      return [
        {
          type: header[1]!,
          scope: header[2] ?? '',
          description: header[4]!,
          body,
          isBreaking: header[3] === '!' || /BREAKING[ -]CHANGE/.test(body),
          affectedProjects: [stack],
          githubReferences: [{ type: 'hash' as const, value: shortHash }],
          authors: [{ name, email }],
          shortHash,
          revertedHashes: [],
        },
      ];
    });
}

/** Nx's changelog with every commit that changed the stack's inputs (nx.json: release.changelog.projectChangelogs.renderer). */
export default class StackChangelogRenderer extends DefaultChangelogRenderer {
  constructor(config: RendererConfig) {
    super(config.project === null ? config : { ...config, changes: [...config.changes, ...inputChanges(config.project, config.changes)] });
  }
}
