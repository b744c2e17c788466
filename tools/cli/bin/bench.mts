#!/usr/bin/env -S npx tsx
// Benchmarks, run on demand (never as timed tests): prints wall times of synth through Nx.
import { Command } from 'commander';
import { findWorkspaceRoot } from '../src/workspace';
import { runSynthBenchmark } from '../src/bench/synth-bench';

const program = new Command('bench')
  .description('Measure cold (no cache) and warm (cached) synth of every stack and environment through Nx.')
  .option('--runs <n>', 'repetitions of each measurement (the median is reported)', '3')
  .action(async (options: { runs: string }) => {
    const runs = Number.parseInt(options.runs, 10);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got '${options.runs}'`);
    await runSynthBenchmark({ workspaceRoot: findWorkspaceRoot(), runs, log: (line) => console.log(line) });
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
