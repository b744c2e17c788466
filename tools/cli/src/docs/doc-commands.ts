import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocCommand {
  /** Relative path of the Markdown file. */
  readonly file: string;
  readonly line: number;
  readonly command: string;
}

/** Markdown files whose shell blocks are commands a reader runs: the README and docs/. */
export function documentationFiles(workspaceRoot: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(workspaceRoot, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(`${dir}/${entry.name}`) : entry.name.endsWith('.md') ? [`${dir}/${entry.name}`] : [],
    );
  return ['README.md', ...walk('docs').sort()];
}

/** Every line of every ```sh block (comments and blank lines dropped). */
export function extractShellCommands(file: string, markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let inShell = false;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^```(\w*)/.exec(text.trim());
    if (fence) {
      inShell = !inShell && ['sh', 'bash', 'shell'].includes(fence[1]!);
      return;
    }
    const command = text.replace(/\s+#.*$/, '').trim();
    if (inShell && command && !command.startsWith('#')) commands.push({ file, line: index + 1, command });
  });
  return commands;
}

export function readDocCommands(workspaceRoot: string): DocCommand[] {
  return documentationFiles(workspaceRoot).flatMap((file) =>
    extractShellCommands(file, readFileSync(join(workspaceRoot, file), 'utf8')),
  );
}
