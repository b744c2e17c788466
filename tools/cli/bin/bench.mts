#!/usr/bin/env -S npx tsx
// Benchmarks, run on demand (never as timed tests): prints wall times of synth through Nx.
import { Command } from 'commander';
import { findWorkspaceRoot } from '../src/workspace';
import { runEngineBenchmark } from '../src/bench/engine-bench';
import { runSynthBenchmark } from '../src/bench/synth-bench';

const program = new Command('bench')
  .description('Measure synth (cold and warm, through Nx) and the engine (setup, per-stack init, validate, plan).')
  .option('--runs <n>', 'repetitions of each synth measurement (the median is reported)', '3')
  .option('--only <part>', 'synth or engine (default: both)')
  .option('--cold', 'also time the engine setup into an empty cache (builds everything: minutes)')
  .action(async (options: { runs: string; only?: string; cold?: boolean }) => {
    const runs = Number.parseInt(options.runs, 10);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got '${options.runs}'`);
    if (options.only !== undefined && options.only !== 'synth' && options.only !== 'engine') {
      throw new Error(`--only must be synth or engine, got '${options.only}'`);
    }
    const workspaceRoot = findWorkspaceRoot();
    const log = (line: string) => console.log(line);
    if (options.only !== 'engine') await runSynthBenchmark({ workspaceRoot, runs, log });
    if (options.only !== 'synth') {
      log('');
      await runEngineBenchmark({ workspaceRoot, cold: options.cold === true, log });
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
