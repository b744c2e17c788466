import type { Command } from 'commander';
import { wholeNumberOption } from './options';

const DEFAULT_TARGETS = 'lint,typecheck,test,integration,synth';

export function registerCiPlan(program: Command): void {
  program
    .command('ci-plan')
    .description(
      'Split the tasks of a CI run over runners: the tasks of one project together, projects balanced by estimated time, stages for the projects that wait for another ' +
        "project's same target (^apply). Prints JSON with a GitHub Actions matrix per stage (strategy.matrix: fromJSON(...).matrix[0]); a table goes to stderr.",
    )
    .requiredOption('--shards <n>', 'runners per stage at most', (value: string) => wholeNumberOption('--shards', value))
    .option('--base <ref>', 'only the projects nx affected lists from this commit (in CI: the merge base); every project when absent')
    .option('--head <ref>', 'head commit, with --base', 'HEAD')
    .option('-t, --targets <list>', 'targets to run, comma-separated', DEFAULT_TARGETS)
    .option('-c, --configuration <name>', 'configuration of the targets (an environment, for apply)')
    .option('--timings <file>', 'seconds by task id or target from earlier runs (JSON), instead of the defaults per target')
    .action(async (options: { shards: number; base?: string; head: string; targets: string; configuration?: string; timings?: string }) => {
      const [{ readFileSync }, { githubMatrix, parseTimings, planShards, readNxTaskGraph, TimingsError }, { findWorkspaceRoot, markdownTable, UsageError }] = await Promise.all([
        import('node:fs'),
        import('@platform/pipeline'),
        import('@platform/workspace'),
      ]);
      const targets = options.targets.split(',').map((t) => t.trim()).filter(Boolean);
      if (targets.length === 0) throw new UsageError('--targets must name at least one target');
      let timings: Record<string, number> = {};
      if (options.timings) {
        let text: string;
        try {
          text = readFileSync(options.timings, 'utf8');
        } catch (error) {
          throw new UsageError(`--timings ${options.timings}: ${(error as Error).message}`);
        }
        try {
          timings = parseTimings(options.timings, text);
        } catch (error) {
          throw error instanceof TimingsError ? new UsageError(error.message) : error;
        }
      }
      const graph = readNxTaskGraph(findWorkspaceRoot(), {
        targets,
        ...(options.base ? { range: { base: options.base, head: options.head } } : {}),
        ...(options.configuration ? { configuration: options.configuration } : {}),
      });
      const plan = planShards(graph, options.shards, timings);
      const matrix = Array.from({ length: plan.stages }, (_, index) => githubMatrix(plan, index + 1));
      console.error(
        markdownTable(
          ['Stage', 'Shard', 'Projects', 'Tasks', 'Estimated (s)'],
          plan.shards.map((s) => [String(s.stage), String(s.shard), String(s.projects.length), String(s.tasks.length), s.estimatedSeconds.toFixed(1)]),
        ),
      );
      if (plan.runWhereNeeded.length > 0) console.error(`run by Nx on every runner that needs them: ${plan.runWhereNeeded.join(', ')}`);
      console.log(JSON.stringify({ stages: plan.stages, matrix, shards: plan.shards, runWhereNeeded: plan.runWhereNeeded }));
    });
}
