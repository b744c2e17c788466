import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** One node process of a measured run, as record.mjs writes it. */
export interface ProcessRecord {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

export interface CommandCpu {
  readonly command: string;
  readonly processes: number;
  readonly cpuSeconds: number;
}

export function readProcessRecords(file: string): ProcessRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProcessRecord);
}

/**
 * What a process was, for grouping: `platform <command>` for the CLI (options and paths left
 * out), `nx <verb>`, `vitest` for its main process and `vitest worker` for its forks,
 * `npx`/`npm <verb>` for npm's own process, otherwise the script's file name.
 */
export function commandOf(argv: readonly string[]): string {
  const [script = '', ...args] = argv;
  const words = args.filter((arg) => !arg.startsWith('-') && !arg.startsWith('/'));
  const optionValue = new Set(args.flatMap((arg, index) => (arg.startsWith('--') && !arg.includes('=') && args[index + 1] && !args[index + 1]!.startsWith('-') ? [args[index + 1]!] : [])));
  const firstWord = words.find((word) => !optionValue.has(word));
  if (script.endsWith('/platform.mts') || script.endsWith('/platform.js')) return `platform ${firstWord ?? ''}`.trim();
  if (script.endsWith('/nx.js') || script.endsWith('/.bin/nx')) return `nx ${words[0] ?? ''}`.trim();
  if (/vitest\/dist\/workers\//.test(script)) return 'vitest worker';
  if (script.endsWith('/vitest.mjs') || script.endsWith('/.bin/vitest')) return 'vitest';
  if (script.endsWith('/npm-cli.js')) return args[0] === 'exec' ? 'npx' : `npm ${words[0] ?? ''}`.trim();
  if (script.endsWith('/npx-cli.js')) return 'npx';
  return basename(script) || '(node -e)';
}

/** CPU time per command, most first. */
export function cpuByCommand(records: readonly ProcessRecord[]): CommandCpu[] {
  const byCommand = new Map<string, { processes: number; cpuSeconds: number }>();
  for (const record of records) {
    const command = commandOf(record.argv);
    const sum = byCommand.get(command) ?? { processes: 0, cpuSeconds: 0 };
    byCommand.set(command, { processes: sum.processes + 1, cpuSeconds: sum.cpuSeconds + record.cpuSeconds });
  }
  return [...byCommand].map(([command, sum]) => ({ command, ...sum })).sort((a, b) => b.cpuSeconds - a.cpuSeconds || a.command.localeCompare(b.command));
}
