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
 * The changelog type of commits that reached a stack through an environment-wide file or a
 * library it imports: Nx releases them as a patch of the stack (nx.json
 * release.conventionalCommits.types.inputs has the heading).
 */
export const THROUGH_INPUTS = 'inputs';

function commitsTouching(range: readonly string[], paths: readonly string[]): { shortHash: string; subject: string; body: string; name: string; email: string }[] {
  const log = git(['log', '--format=%h%x1f%s%x1f%b%x1f%an%x1f%ae%x1e', ...range, '--', ...paths]);
  return log
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [shortHash = '', subject = '', body = '', name = '', email = ''] = entry.split('\x1f');
      return { shortHash, subject, body, name, email };
    });
}

/**
 * Conventional commits since a stack's last release tag that changed what it is built from
 * outside its folder. Nx versions the stack for them (it reads commits as `nx affected` does)
 * but its changelog keeps only commits under the stack's folder, and would say "no code
 * changes". A commit to the stack's own settings (`environments/<env>/<stack>.yaml`) keeps its
 * type; one that reached it through `environment.yaml` or a library it imports is listed under
 * `inputs`, since Nx makes it a patch.
 */
export function inputChanges(stack: string, known: readonly ChangelogChange[], libraries: readonly string[] = dependencyRoots(stack)): ChangelogChange[] {
  const tags = git(['tag', '--list', `${stack}@*`, '--sort=-v:refname']).split('\n').filter(Boolean);
  const range = tags[0] ? [`${tags[0]}..HEAD`] : ['HEAD'];
  const own = commitsTouching(range, [`:(glob)environments/*/${stack}.yaml`]);
  const through = commitsTouching(range, [':(glob)environments/*/environment.yaml', ...libraries]).filter((commit) => !own.some((o) => o.shortHash === commit.shortHash));
  const listed = (shortHash: string) => known.some((change) => change.shortHash && (change.shortHash.startsWith(shortHash) || shortHash.startsWith(change.shortHash)));
  return [...own.map((commit) => ({ commit, direct: true })), ...through.map((commit) => ({ commit, direct: false }))].flatMap(({ commit, direct }) => {
    const header = HEADER.exec(commit.subject);
    if (!header || listed(commit.shortHash)) return [];
    return [
      {
        type: direct ? header[1]! : THROUGH_INPUTS,
        scope: header[2] ?? '',
        description: header[4]!,
        body: commit.body,
        isBreaking: direct && (header[3] === '!' || /BREAKING[ -]CHANGE/.test(commit.body)),
        affectedProjects: [stack],
        githubReferences: [{ type: 'hash' as const, value: commit.shortHash }],
        authors: [{ name: commit.name, email: commit.email }],
        shortHash: commit.shortHash,
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
