import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markdownTable } from '@platform/workspace';
import { nxRunner, seconds as timed } from './timing';
import { cpuByCommand, readProcessRecords } from './process-cpu/summary';

export interface ProcessCpuBenchOptions {
  readonly workspaceRoot: string;
  /** Nx targets to run for every project, cache skipped. */
  readonly targets: readonly string[];
  readonly log: (line: string) => void;
  /** Rows of the table; the rest are summed in one line. */
  readonly top?: number;
}

/**
 * Where the CPU time of the test suite goes: runs the targets of every project with each node
 * process recording its own CPU time on exit (record.mjs, preloaded through NODE_OPTIONS), and
 * prints the time per command. Processes killed by a signal (Vitest's workers when it stops
 * them) record nothing; the engine and providers are Go programs, not counted here.
 */
export async function runProcessCpuBenchmark(options: ProcessCpuBenchOptions): Promise<void> {
  const { workspaceRoot, targets, log } = options;
  const folder = mkdtempSync(join(tmpdir(), 'process-cpu-'));
  const file = join(folder, 'processes.jsonl');
  try {
    const preload = join(import.meta.dirname, 'process-cpu/record.mjs');
    const runNx = nxRunner(workspaceRoot, {
      // The daemon's processes outlive the run: their CPU would not be counted.
      NX_DAEMON: 'false',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${JSON.stringify(pathToFileURL(preload).href)}`.trim(),
      PLATFORM_PROCESS_CPU_LOG: file,
    });
    log(`Process CPU benchmark: nx run-many -t ${targets.join(',')} --skip-nx-cache, every node process's CPU time on exit`);
    const wall = await timed(() => runNx(['run-many', '-t', targets.join(','), '--skip-nx-cache', '--outputStyle=static']));
    const rows = cpuByCommand(readProcessRecords(file));
    const total = rows.reduce((sum, row) => sum + row.cpuSeconds, 0);
    const processes = rows.reduce((sum, row) => sum + row.processes, 0);
    const top = rows.slice(0, options.top ?? 30);
    const rest = rows.slice(top.length);
    const line = (command: string, count: number, cpu: number) => [command, String(count), cpu.toFixed(1), (cpu / count).toFixed(2), `${((100 * cpu) / total).toFixed(1)} %`];
    log('');
    log(
      markdownTable(
        ['Command', 'Processes', 'CPU (s)', 'CPU per process (s)', 'Share'],
        [
          ...top.map((row) => line(row.command, row.processes, row.cpuSeconds)),
          ...(rest.length > 0 ? [line(`${rest.length} other commands`, rest.reduce((n, r) => n + r.processes, 0), rest.reduce((n, r) => n + r.cpuSeconds, 0))] : []),
        ],
      ),
    );
    const cli = rows.filter((row) => row.command.startsWith('platform'));
    const cliCpu = cli.reduce((sum, row) => sum + row.cpuSeconds, 0);
    const cliCount = cli.reduce((sum, row) => sum + row.processes, 0);
    log('');
    log(`${processes} node processes, ${total.toFixed(0)} CPU-s in ${wall.toFixed(0)} s of wall time; the platform CLI: ${cliCount} processes, ${cliCpu.toFixed(0)} CPU-s (${((100 * cliCpu) / total).toFixed(0)} %)`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
