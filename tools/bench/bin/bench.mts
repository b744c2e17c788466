#!/usr/bin/env -S npx tsx
// Benchmarks, run on demand (never as timed tests): prints wall times of synth through Nx.
import { Command } from 'commander';
import { findWorkspaceRoot, runProgram, UsageError, withExitCodes } from '@platform/workspace';
import { runAffectedBenchmark } from '../src/affected-bench';
import { runDriftBenchmark } from '../src/drift-bench';
import { runDrillBenchmark } from '../src/drill-bench';
import { runDrillSignalsBenchmark } from '../src/drill-signals-bench';
import { runEngineBenchmark } from '../src/engine-bench';
import { runProcessCpuBenchmark } from '../src/process-cpu-bench';
import { runStoreBenchmark } from '../src/store-bench';
import { runSuiteBenchmark } from '../src/suite-bench';
import { runSynthBenchmark } from '../src/synth-bench';

const PARTS = ['synth', 'suite', 'engine', 'store', 'affected', 'drift', 'drill', 'drill-signals', 'process-cpu'] as const;
/** Parts too long for the default run: only with --only. */
const ON_DEMAND = new Set(['drill-signals', 'process-cpu']);

const program = new Command('bench')
  .description('Measure synth (cold and warm, through Nx), lint and typecheck of every project (batched or not), the engine (setup, per-stack init, validate, plan), the artifact stores, change detection, the drift check and the drill.')
  .option('--runs <n>', 'repetitions of each synth, store, drift, drill and affected measurement (the median is reported)', '3')
  .option('--only <part>', `${PARTS.join(', ')} (default: all but drill-signals, the drill interrupted by each signal at each phase, about half an hour, and process-cpu, the CPU time of every node process of the suite's targets, about 20 minutes)`)
  .option('--stacks <n>', 'stacks to generate for the affected benchmark', '200')
  .option('--ci', 'also time a one-stack CI run against a full run (affected benchmark; minutes)')
  .option('--targets <list>', 'targets the process-cpu part runs for every project', 'lint,typecheck,test,synth,integration')
  .option('--cold', 'also time the engine setup into an empty cache (builds everything: minutes)')
  .action(async (options: { runs: string; only?: string; cold?: boolean; stacks: string; ci?: boolean; targets: string }) => {
    const runs = Number.parseInt(options.runs, 10);
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive whole number, got '${options.runs}'`);
    if (options.only !== undefined && !(PARTS as readonly string[]).includes(options.only)) {
      throw new UsageError(`--only must be one of ${PARTS.join(', ')}, got '${options.only}'`);
    }
    const stacks = Number.parseInt(options.stacks, 10);
    if (!Number.isInteger(stacks) || stacks < 1) throw new UsageError(`--stacks must be a positive whole number, got '${options.stacks}'`);
    const workspaceRoot = findWorkspaceRoot();
    const log = (line: string) => console.log(line);
    const wanted = (part: string) => (options.only === undefined && !ON_DEMAND.has(part)) || options.only === part;
    if (wanted('synth')) await runSynthBenchmark({ workspaceRoot, runs, log });
    if (wanted('suite')) {
      log('');
      await runSuiteBenchmark({ workspaceRoot, runs, log });
    }
    if (wanted('engine')) {
      log('');
      await runEngineBenchmark({ workspaceRoot, cold: options.cold === true, log });
    }
    if (wanted('store')) {
      log('');
      await runStoreBenchmark({ workspaceRoot, runs, log });
    }
    if (wanted('affected')) {
      log('');
      await runAffectedBenchmark({ workspaceRoot, stacks, runs, ci: options.ci === true, log });
    }
    if (wanted('drift')) {
      log('');
      await runDriftBenchmark({ workspaceRoot, runs, log });
    }
    if (wanted('drill')) {
      log('');
      await runDrillBenchmark({ workspaceRoot, runs, log, progress: (line) => console.error(line) });
    }
    if (wanted('process-cpu')) {
      log('');
      await runProcessCpuBenchmark({ workspaceRoot, targets: options.targets.split(','), log });
    }
    if (wanted('drill-signals')) {
      log('');
      await runDrillSignalsBenchmark({ workspaceRoot, log });
    }
  });

withExitCodes(program);
await runProgram(program);
