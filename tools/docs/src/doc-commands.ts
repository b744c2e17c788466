import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocCommand {
  /** Relative path of the Markdown file. */
  readonly file: string;
  readonly line: number;
  readonly command: string;
  /** Text the page says the command prints (a trailing `# prints: <text>` comment). */
  readonly prints?: string;
}

/** Markdown files whose shell blocks are commands a reader runs: the README and docs/. */
export function documentationFiles(workspaceRoot: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(workspaceRoot, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(`${dir}/${entry.name}`) : entry.name.endsWith('.md') ? [`${dir}/${entry.name}`] : [],
    );
  return ['README.md', ...walk('docs').sort()];
}

const RUNNABLE = ['sh', 'bash', 'shell'];

/** Lines of the fenced blocks in the given languages (comments and blank lines dropped). */
function extractBlockLines(file: string, markdown: string, languages: readonly string[]): DocCommand[] {
  const commands: DocCommand[] = [];
  let inBlock = false;
  let open = false;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^```(\w*)/.exec(text.trim());
    if (fence) {
      inBlock = !open && languages.includes(fence[1]!);
      open = !open;
      return;
    }
    const prints = /\s#\s*prints:\s*(.+)$/.exec(text)?.[1]?.trim();
    const command = text.replace(/\s+#.*$/, '').trim();
    if (inBlock && command && !command.startsWith('#')) commands.push({ file, line: index + 1, command, ...(prints ? { prints } : {}) });
  });
  return commands;
}

/**
 * Every line of every ```sh block: commands the docs test runs as written. A trailing
 * `# prints: <text>` says what the output must contain.
 */
export function extractShellCommands(file: string, markdown: string): DocCommand[] {
  return extractBlockLines(file, markdown, RUNNABLE);
}

export function readDocCommands(workspaceRoot: string): DocCommand[] {
  return documentationFiles(workspaceRoot).flatMap((file) => extractShellCommands(file, readFileSync(join(workspaceRoot, file), 'utf8')));
}

/**
 * Commands the docs show without running them (```text blocks: they need credentials or a
 * real environment) as well as the runnable ones: their names are still checked.
 */
export function readNamedCommands(workspaceRoot: string): DocCommand[] {
  return documentationFiles(workspaceRoot).flatMap((file) => {
    const markdown = readFileSync(join(workspaceRoot, file), 'utf8');
    return [...extractBlockLines(file, markdown, [...RUNNABLE, 'text']), ...extractInlineCommands(file, markdown)];
  });
}

/** Commands quoted in running text (`npx …`, `npm run …`), outside fenced blocks. */
export function extractInlineCommands(file: string, markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const match of text.matchAll(/`((?:npx|npm run) [^`]+)`/g)) commands.push({ file, line: index + 1, command: match[1]!.trim() });
  });
  return commands;
}

/** A platform entry point a command calls, the subcommand, and the options it passes. */
export interface CliInvocation {
  readonly entry: string;
  readonly subcommand?: string;
  /** The words after the subcommand that are not options: arguments, or a command of a group (`records list`). */
  readonly positionals?: readonly string[];
  readonly options: readonly string[];
}

/** Entry points that take a subcommand (the others are single commands). */
const WITH_SUBCOMMANDS = new Set(['tools/cli/bin/platform.mts']);

/**
 * How a documented command calls one of the workspace's entry points, directly
 * (`npx tsx tools/cli/bin/x.mts`) or through an npm script that runs one; undefined otherwise.
 */
/** Options of the platform program itself, taking a value, given before the command. */
const GLOBAL_OPTIONS = new Set(['--estate']);

export function cliInvocation(command: string, scripts: Readonly<Record<string, string>>): CliInvocation | undefined {
  const words = command.replace(/^!\s*/, '').split(/\s+/);
  let entry: string | undefined;
  let rest: string[] = [];
  /** A subcommand the npm script itself passes (`"lock-providers": "tsx …/platform.mts lock-providers"`). */
  let scripted: string | undefined;
  const direct = words.findIndex((word) => /^tools\/[\w/-]+\/bin\/[\w-]+\.mts$/.test(word));
  if (direct >= 0) {
    entry = words[direct];
    rest = words.slice(direct + 1);
  } else if (words[0] === 'npm' && words[1] === 'run') {
    const script = words[2] === '--silent' ? words[3] : words[2];
    const match = /tsx (tools\/[\w/-]+\/bin\/[\w-]+\.mts)(?: ([a-z][\w-]*))?/.exec(scripts[script ?? ''] ?? '');
    entry = match?.[1];
    scripted = match?.[2];
    const dashes = words.indexOf('--');
    rest = dashes >= 0 ? words.slice(dashes + 1) : [];
  }
  if (!entry) return undefined;
  // The program's own options come before its command (`platform --estate <dir> promote …`).
  while (rest[0] && GLOBAL_OPTIONS.has(rest[0].split('=')[0]!)) rest = rest.slice(rest[0].includes('=') ? 1 : 2);
  const subcommand = !WITH_SUBCOMMANDS.has(entry) ? undefined : (scripted ?? (rest[0] && !rest[0].startsWith('-') ? rest[0] : undefined));
  const options = rest.filter((word) => /^--?[a-z]/i.test(word)).map((word) => word.split('=')[0]!).filter((o) => o !== '--help' && o !== '-h');
  const after = subcommand && !scripted ? rest.slice(1) : rest;
  const firstOption = after.findIndex((word) => word.startsWith('-'));
  const positionals = subcommand ? (firstOption < 0 ? after : after.slice(0, firstOption)) : [];
  return { entry, ...(subcommand ? { subcommand } : {}), ...(positionals.length > 0 ? { positionals } : {}), options };
}

/** An Nx target a command names (`nx run project:target[:configuration]`), placeholders left out. */
export function nxTargetReference(command: string): { project: string; target: string; configuration?: string } | undefined {
  const match = /\bnx run ([\w-]+):([\w-]+)(?::([\w-]+))?(?:\s|$)/.exec(command);
  if (!match) return undefined;
  return { project: match[1]!, target: match[2]!, ...(match[3] ? { configuration: match[3] } : {}) };
}

/** Lines of a command's output that warn (Node's `Warning:`, npm's `npm warn`, `WARN`, Nx's `⚠️`, ...). */
export function warningLines(output: string): string[] {
  return output
    .split('\n')
    // `Warning` ends Node's warning names (MaxListenersExceededWarning); `--max-warnings` is not one.
    .filter((line) => (/\bwarn(ing)?\b/i.test(line) || /Warning\b|⚠/.test(line)) && !/^\s*(\(Use `node --trace-warnings|-{2,}|\w+ --no-warnings)/.test(line))
    .map((line) => line.trim());
}

/**
 * Warnings the page does not explain: a warning counts as explained when the page quotes its
 * text (without the process id Node puts in front, `(node:1234)`).
 */
export function unexplainedWarnings(output: string, page: string): string[] {
  return warningLines(output).filter((line) => {
    const text = line.replace(/^\(node:\d+\)\s*/, '').replace(/^\[\w+\]\s*/, '').replace(/^.*⚠️?\s*/, '');
    return !page.includes(text);
  });
}

/**
 * How many test files run the pages' commands as written (`doc-pages-<k>.integration.test.ts`,
 * k = 1..DOC_PAGE_SHARDS), so that Vitest runs them side by side. Each file runs its pages in a
 * clean copy of its own, every command of a page in the page's order.
 */
export const DOC_PAGE_SHARDS = 2;

/**
 * The runnable commands split by page into `count` shards of about the same number of commands
 * (largest pages first, each to the shard with the fewest so far). Every page is in exactly one
 * shard, whole; inside a shard, commands keep the order of `commands`.
 */
export function docPageShards(commands: readonly DocCommand[], count: number): DocCommand[][] {
  const sizes = new Map<string, number>();
  for (const c of commands) sizes.set(c.file, (sizes.get(c.file) ?? 0) + 1);
  const totals = Array.from({ length: count }, () => 0);
  const shardOf = new Map<string, number>();
  // Array.prototype.sort is stable: pages of the same size stay in page order.
  for (const [file, size] of [...sizes].sort((a, b) => b[1] - a[1])) {
    const shard = totals.indexOf(Math.min(...totals));
    shardOf.set(file, shard);
    totals[shard]! += size;
  }
  return totals.map((_, shard) => commands.filter((c) => shardOf.get(c.file) === shard));
}
