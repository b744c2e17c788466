import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { TSX } from '@platform/testing';
import {
  cliInvocation,
  DOC_PAGE_SHARDS,
  docPageShards,
  extractInlineCommands,
  extractShellCommands,
  nxTargetReference,
  readDocCommands,
  readNamedCommands,
  unexplainedWarnings,
  type DocCommand,
} from './doc-commands';
import { runnableDocCommands } from './doc-pages-as-written';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
/** Nx's own CLI script, what `npx nx` runs. */
const NX = join(WORKSPACE, 'node_modules/nx/bin/nx.js');
const commands = readDocCommands(WORKSPACE);
const scriptCommands = (JSON.parse(readFileSync(join(WORKSPACE, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const scripts = Object.keys(scriptCommands);
/** Runnable and shown-only commands alike: the names they use must exist. */
const named = readNamedCommands(WORKSPACE);

const where = (c: DocCommand) => `${c.file}:${c.line} \`${c.command}\``;

describe('documentation commands', () => {
  it('finds the commands of the README and docs/', () => {
    expect(commands.map((c) => c.command)).toEqual(expect.arrayContaining(['npm ci', 'npm start', 'npm test']));
  });

  it('runs every runnable command in exactly one doc-pages file, each page whole and in page order', () => {
    const runnable = runnableDocCommands(WORKSPACE);
    const shards = docPageShards(runnable, DOC_PAGE_SHARDS);
    expect(shards.flat().sort((a, b) => runnable.indexOf(a) - runnable.indexOf(b))).toEqual(runnable);
    for (const shard of shards) expect(shard, 'page order inside a shard').toEqual(runnable.filter((c) => shard.includes(c)));
    const pagesOf = shards.map((shard) => new Set(shard.map((c) => c.file)));
    for (const [i, pages] of pagesOf.entries()) for (const file of pages) expect(pagesOf.findIndex((p) => p.has(file)), `${file} in one shard only`).toBe(i);
    const files = readdirSync(import.meta.dirname).filter((f) => /^doc-pages-\d+\.integration\.test\.ts$/.test(f)).sort();
    expect(files, 'one doc-pages-<k>.integration.test.ts per shard, k = 1..DOC_PAGE_SHARDS').toEqual(Array.from({ length: DOC_PAGE_SHARDS }, (_, k) => `doc-pages-${k + 1}.integration.test.ts`).sort());
  });

  it('splits pages into shards of about the same number of commands, largest pages first', () => {
    const c = (file: string, line: number): DocCommand => ({ file, line, command: `echo ${file}:${line}` });
    const list = [c('a.md', 1), c('b.md', 1), c('b.md', 2), c('b.md', 3), c('c.md', 1), c('c.md', 2), c('d.md', 1)];
    expect(docPageShards(list, 2).map((shard) => shard.map((x) => `${x.file}:${x.line}`))).toEqual([
      ['b.md:1', 'b.md:2', 'b.md:3', 'd.md:1'],
      ['a.md:1', 'c.md:1', 'c.md:2'],
    ]);
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

  it('reads what a command prints from its trailing comment', () => {
    const markdown = '```sh\nnpx tsx tools/cli/bin/platform.mts blast-radius --base HEAD~1  # prints: `a.b` 20 -> 24\n```\n';
    expect(extractShellCommands('x.md', markdown)).toEqual([{ file: 'x.md', line: 2, command: 'npx tsx tools/cli/bin/platform.mts blast-radius --base HEAD~1', prints: '`a.b` 20 -> 24' }]);
  });

  it('finds the warnings of an output that the page does not quote', () => {
    const output = '(node:42) MaxListenersExceededWarning: Possible EventEmitter memory leak detected.\n(Use `node --trace-warnings ...` to show where the warning was created)\nnpm warn Unknown env config "x"\nok\n';
    expect(unexplainedWarnings(output, 'page')).toEqual(['(node:42) MaxListenersExceededWarning: Possible EventEmitter memory leak detected.', 'npm warn Unknown env config "x"']);
    expect(unexplainedWarnings(output, 'It prints `npm warn Unknown env config "x"`; MaxListenersExceededWarning: Possible EventEmitter memory leak detected.')).toEqual([]);
    expect(unexplainedWarnings('network ⚠️  Unable to resolve the current version\n', 'page')).toEqual(['network ⚠️  Unable to resolve the current version']);
    expect(unexplainedWarnings('network ⚠️  Unable to resolve the current version\n', 'Nx notes `Unable to resolve the current version`')).toEqual([]);
  });

  it("answers Nx's usage-analytics question in nx.json, so the first nx command in a terminal neither prompts nor rewrites the file", () => {
    const text = readFileSync(join(WORKSPACE, 'nx.json'), 'utf8');
    expect((JSON.parse(text) as { analytics?: unknown }).analytics).toBe(false);
    expect(text.endsWith('\n'), 'nx.json ends with a newline, as Nx writes it').toBe(true);
  });

  // A how-to is a procedure: at least one of its commands says what it prints, and the test holds it to that.
  const howTos = [...new Set(commands.filter((c) => c.file.startsWith('docs/how-to/')).map((c) => c.file))];
  it.each(howTos)('%s says what one of its commands prints', (file) => {
    expect(commands.filter((c) => c.file === file && c.prints !== undefined).length, `${file}: add a '# prints: <text>' comment to a command`).toBeGreaterThan(0);
  });

  // In a terminal `nx show project` opens a browser view and waits; piped, it prints one long line of JSON.
  it.each(named.filter((c) => /\bnx show project\s/.test(c.command)).map((c) => [where(c), c] as const))('shows a project as text or JSON: %s', (_name, c) => {
    expect(c.command, `${where(c)}: add --web=false (a list of targets) or --json`).toMatch(/--web=false|--json/);
  });

  it('finds commands quoted in running text, not those inside fenced blocks', () => {
    const markdown = 'Run `npx nx run network:plan:dev` or `npm run bench -- --only drift`; `tofu plan` is not ours.\n```text\n`npx nx run a:b`\n```\n';
    expect(extractInlineCommands('x.md', markdown).map((c) => c.command)).toEqual(['npx nx run network:plan:dev', 'npm run bench -- --only drift']);
  });

  it('reads how a command calls an entry point, directly or through an npm script', () => {
    expect(cliInvocation('npx tsx tools/cli/bin/platform.mts drift network --env dev --store=x', scriptCommands)).toEqual({
      entry: 'tools/cli/bin/platform.mts',
      subcommand: 'drift',
      positionals: ['network'],
      options: ['--env', '--store'],
    });
    expect(cliInvocation('! npm run drill -- --env prod --plan-only', scriptCommands)).toEqual({ entry: 'tools/cli/bin/drill.mts', options: ['--env', '--plan-only'] });
    expect(cliInvocation('npm run lock-providers -- network --providers mirror', scriptCommands)).toEqual({
      entry: 'tools/cli/bin/platform.mts',
      subcommand: 'lock-providers',
      positionals: ['network'],
      options: ['--providers'],
    });
    expect(cliInvocation('npx tsx tools/cli/bin/platform.mts records repair --env prod', scriptCommands)).toEqual({
      entry: 'tools/cli/bin/platform.mts',
      subcommand: 'records',
      positionals: ['repair'],
      options: ['--env'],
    });
    expect(cliInvocation('npx tsx tools/cli/bin/platform.mts --estate tools/fixture-estate pipeline plan --base HEAD --offline', scriptCommands)).toEqual({
      entry: 'tools/cli/bin/platform.mts',
      subcommand: 'pipeline',
      positionals: ['plan'],
      options: ['--base', '--offline'],
    });
    expect(cliInvocation('npx nx run network:synth', scriptCommands)).toBeUndefined();
    expect(nxTargetReference('npx nx run network:plan:dev')).toEqual({ project: 'network', target: 'plan', configuration: 'dev' });
    expect(nxTargetReference('npx nx run <stack>:plan:<env>')).toBeUndefined();
  });

  describe('name commands, options and targets that exist (also in blocks not run here)', () => {
    const helps = new Map<string, string>();
    /**
     * `<tool> ... --help` for `tsx <entry>` or `nx`: the same program and help text as `npx`
     * prints, started without npx and tsx's own CLI process in front (two node processes fewer per
     * lookup). The doc-pages files run the pages' `npx` commands as written.
     */
    const help = (args: readonly string[]): string => {
      const key = args.join(' ');
      if (!helps.has(key)) {
        const [tool, ...rest] = args;
        const program = tool === 'tsx' ? [...TSX, ...rest] : tool === 'nx' ? [NX, ...rest] : undefined;
        if (!program) throw new Error(`no help lookup for ${key}: only tsx entry points and nx`);
        const result = spawnSync(process.execPath, [...program, '--help'], { cwd: WORKSPACE, encoding: 'utf8', env: nxChildEnvironment() });
        expect(result.status, `${key} --help:\n${result.stderr}`).toBe(0);
        // Some tools (nx) print their help on stderr.
        helps.set(key, `${result.stdout}${result.stderr}`);
      }
      return helps.get(key)!;
    };
    const hasOption = (text: string, option: string) => new RegExp(`(^|[\\s,])${option.replace(/[-]/g, '\\-')}(?![\\w-])`, 'm').test(text);
    let projects: Record<string, { data: { targets?: Record<string, { configurations?: Record<string, unknown> }> } }>;

    beforeAll(() => {
      const file = join(mkdtempSync(join(tmpdir(), 'docs-graph-')), 'graph.json');
      const result = spawnSync(process.execPath, [NX, 'graph', `--file=${file}`], { cwd: WORKSPACE, encoding: 'utf8', env: nxChildEnvironment() });
      expect(result.status, result.stderr).toBe(0);
      projects = (JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: typeof projects } }).graph.nodes;
      rmSync(dirname(file), { recursive: true, force: true });
    }, 120_000);

    const invocations = named.flatMap((c) => {
      const invocation = cliInvocation(c.command, scriptCommands);
      return invocation ? [[where(c), c, invocation] as const] : [];
    });
    it.each(invocations)('%s', (_name, c, invocation) => {
      const entry = ['tsx', invocation.entry];
      if (invocation.subcommand) {
        expect(help(entry), `${where(c)}: no command '${invocation.subcommand}'`).toMatch(new RegExp(`^\\s+${invocation.subcommand}\\b`, 'm'));
      }
      let path = invocation.subcommand ? [...entry, invocation.subcommand] : entry;
      // A command group (`records`, `signing-key`): its first argument is one of its commands.
      const group = help(path);
      const nested = invocation.positionals?.[0];
      if (nested && /^Commands:/m.test(group)) {
        expect(group, `${where(c)}: no command '${invocation.subcommand} ${nested}'`).toMatch(new RegExp(`^\\s+${nested}\\b`, 'm'));
        path = [...path, nested];
      }
      const text = help(path);
      for (const option of invocation.options) expect(hasOption(text, option), `${where(c)}: no option ${option}`).toBe(true);
    }, 60_000);

    const releases = named.filter((c) => /^npx nx release\b/.test(c.command)).map((c) => [where(c), c] as const);
    it.each(releases)('%s', (_name, c) => {
      const text = help(['nx', 'release']);
      for (const option of c.command.split(/\s+/).filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]!)) {
        expect(hasOption(text, option), `${where(c)}: nx release has no option ${option}`).toBe(true);
      }
    }, 60_000);

    // Stacks the docs generate first have every stack's targets: checked on an existing stack.
    const generated = new Set(named.flatMap((c) => /\bnx g \S+:stack ([\w-]+)/.exec(c.command)?.[1] ?? []));
    const targets = named.flatMap((c) => {
      const reference = nxTargetReference(c.command);
      return reference ? [[where(c), c, reference] as const] : [];
    });
    it.each(targets)('%s', (_name, c, reference) => {
      const project = projects[generated.has(reference.project) ? 'network' : reference.project];
      expect(project, `${where(c)}: no project '${reference.project}'`).toBeDefined();
      const target = project!.data.targets?.[reference.target];
      expect(target, `${where(c)}: project '${reference.project}' has no target '${reference.target}'`).toBeDefined();
      if (reference.configuration) expect(Object.keys(target!.configurations ?? {}), where(c)).toContain(reference.configuration);
    });
  });
});
