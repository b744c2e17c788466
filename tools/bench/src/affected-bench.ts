import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listEnvironments, nxChildEnvironment, nxCommand } from '@platform/config';
import { commitAll, copyWorkspaceAsRepository, removeWorkspaceCopy, TSX } from '@platform/testing';
import { ExternalError, listStacks, markdownTable } from '@platform/workspace';
import { providerInMirror, readPinnedVersions } from '@platform/engine';
import { synthesizeAt } from '@platform/change';
import { synthesizeInParallel, synthesizeThroughNx } from '@platform/synth';
import { goalTable, type GoalRow } from './goals';
import { measureRun, type MeasuredRun } from './process-tree-memory';
import { median, seconds as elapsed } from './timing';

function timed(cwd: string, command: string, args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: nxChildEnvironment(), maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new ExternalError(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-1000)}`);
  return (performance.now() - started) / 1000;
}

/** Adds `count` stacks copied from the bootstrap stack (renamed, publishing nothing) with settings everywhere. */
export function generateStacks(root: string, count: number): void {
  const environments = listEnvironments(root);
  for (let i = 0; i < count; i++) {
    const name = `gen-${String(i).padStart(3, '0')}`;
    cpSync(join(root, 'stacks/bootstrap'), join(root, 'stacks', name), { recursive: true });
    const replace = (file: string, from: string, to: string) => {
      const path = join(root, 'stacks', name, file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
    };
    replace('package.json', '"name": "bootstrap"', `"name": "${name}"`);
    replace('src/index.ts', "name: 'bootstrap'", `name: '${name}'`);
    replace('src/index.ts', 'stack.publish(bootstrapContract, { stateBucket: bucket.name, stateKeyId: stateKey.id });', 'void bucket;');
    replace('src/index.ts', "import { bootstrapContract } from '@platform/contracts';\n", '');
    rmSync(join(root, 'stacks', name, 'src/bootstrap.test.ts'));
    for (const env of environments) cpSync(join(root, 'environments', env, 'bootstrap.yaml'), join(root, 'environments', env, `${name}.yaml`));
  }
}

export function changeOneSetting(root: string, stack: string): void {
  const file = join(root, 'environments/prod', `${stack}.yaml`);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/retainedStateVersions: \d+/, 'retainedStateVersions: 99'));
  commitAll(root, `change ${stack}`);
}

export interface AffectedBenchOptions {
  readonly workspaceRoot: string;
  readonly stacks: number;
  /** Measured runs of each command (the median is reported). */
  readonly runs: number;
  /** Also time a one-stack CI run against a full run (several minutes). */
  readonly ci: boolean;
  readonly log: (line: string) => void;
}

const MiB = 1024 * 1024;

/**
 * A change every stack's synth reads (a library): `pipeline plan` synthesizes every stack of the
 * head, and narrowing every stack of the base. Timed directly and through Nx once its caches hold
 * the outputs (at the base: what main's CI uploaded, here the base cache a first run filled).
 */
async function measureReuse(copy: string, base: string, runs: number): Promise<string[][]> {
  const stacks = listStacks(copy);
  const time = async (work: () => Promise<unknown>) => {
    await work(); // unmeasured: loads the synth code, fills the cache
    const seconds: number[] = [];
    for (let run = 0; run < runs; run++) seconds.push(await elapsed(work));
    return median(seconds);
  };
  const headDirect = await time(() => synthesizeInParallel({ workspaceRoot: copy, stacks }));
  const headNx = await time(() => synthesizeThroughNx({ workspaceRoot: copy, stacks }));
  const baseDirect = await time(() => synthesizeAt(copy, base, stacks, { throughNx: false }));
  const baseNx = await time(() => synthesizeAt(copy, base, stacks, { throughNx: true }));
  return [
    [`head, all ${stacks.length} stacks (pipeline plan)`, headDirect.toFixed(1), headNx.toFixed(1), (headNx / headDirect).toFixed(2)],
    [`base, all ${stacks.length} stacks (a library change)`, baseDirect.toFixed(1), baseNx.toFixed(1), (baseNx / baseDirect).toFixed(2)],
  ];
}

/** Times affected computation on this repository and on a generated one of many stacks. */
export async function runAffectedBenchmark(options: AffectedBenchOptions): Promise<void> {
  const rows: string[][] = [];
  const goals: GoalRow[] = [];
  const env = { ...nxChildEnvironment(), NX_DAEMON: 'false' };
  // Both as the platform runs them: Nx with node on its bin script and the CLI with node and tsx's
  // loader (npx in front of either adds npm's start, about 0.7 s here, to both figures). Each runs
  // once unmeasured first: the figures are of a checkout that has run Nx and the CLI before.
  const measure = async (label: string, short: string, copy: string, base: string, plainGoalSeconds?: number) => {
    const nx = nxCommand(copy, ['show', 'projects', '--affected', `--base=${base}`, '--head=HEAD']);
    const cli = [...TSX, 'tools/cli/bin/platform.mts', 'affected', `--base=${base}`, '--json'];
    await measureRun(copy, nx.command, nx.args, env);
    await measureRun(copy, process.execPath, cli, env);
    const plainRuns: MeasuredRun[] = [];
    const narrowedRuns: MeasuredRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      plainRuns.push(await measureRun(copy, nx.command, nx.args, env));
      narrowedRuns.push(await measureRun(copy, process.execPath, cli, env));
    }
    // The median time of the runs; the highest peak of memory.
    const summary = (runs: MeasuredRun[]) => ({ seconds: median(runs.map((r) => r.seconds)), peakBytes: Math.max(...runs.map((r) => r.peakBytes)) });
    const plain = summary(plainRuns);
    const narrowed = summary(narrowedRuns);
    rows.push([label, plain.seconds.toFixed(1), narrowed.seconds.toFixed(1), (narrowed.seconds / plain.seconds).toFixed(2), (narrowed.peakBytes / MiB).toFixed(0)]);
    goals.push({ measure: `${short}: narrowed / plain nx affected`, figure: `${narrowed.seconds.toFixed(1)} s / ${plain.seconds.toFixed(1)} s`, goal: '<= 1.5x', ratio: narrowed.seconds / plain.seconds / 1.5 });
    if (plainGoalSeconds !== undefined) {
      goals.push({ measure: `${short}: plain nx affected, no daemon`, figure: `${plain.seconds.toFixed(1)} s`, goal: `<= ${plainGoalSeconds} s`, ratio: plain.seconds / plainGoalSeconds });
      goals.push({ measure: `${short}: peak memory of the narrowed run`, figure: `${(narrowed.peakBytes / MiB).toFixed(0)} MiB`, goal: '<= 1024 MiB', ratio: narrowed.peakBytes / MiB / 1024 });
    }
  };

  const small = copyWorkspaceAsRepository(options.workspaceRoot, 'bench-affected');
  let big: string | undefined;
  try {
    changeOneSetting(small, 'bootstrap');
    const own = listStacks(small).length;
    await measure(`this repository (${own} stacks x 4 environments)`, `${own} stacks`, small, 'HEAD~1');
    const reuse = await measureReuse(small, 'HEAD~1', options.runs);

    big = copyWorkspaceAsRepository(options.workspaceRoot, 'bench-affected-big');
    generateStacks(big, options.stacks);
    commitAll(big, 'generated stacks');
    // One stack's setting: gen-007 as in the issue's figures, or the last one of fewer.
    changeOneSetting(big, `gen-${String(Math.min(7, options.stacks - 1)).padStart(3, '0')}`);
    await measure(`generated workspace (${options.stacks + own} stacks x 4 environments)`, `${options.stacks + own} stacks`, big, 'HEAD~1', 3);

    options.log(
      markdownTable(
        ['Workspace, one stack setting changed (no Nx daemon)', 'nx affected (s)', 'narrowed, with base and head synth (s)', 'narrowed / plain', 'narrowed peak memory, all processes (MiB)'],
        rows,
      ),
    );
    options.log('');
    options.log(goalTable(goals));
    options.log('');
    options.log(markdownTable(['Synth of every stack, this repository', 'directly (s)', "through Nx, outputs in its cache (s)", 'Nx / directly'], reuse));

    if (options.ci) {
      // validate and plan need the google provider in the engine's mirror (setup builds it where
      // the Go module proxy serves it). The plan is the offline one (no GCS backend or credentials
      // here): the pull request's `pipeline plan --offline` against the stack's own
      // `plan-env --offline --stack`, in the environment whose setting changed.
      const validate = providerInMirror(readPinnedVersions(small), 'hashicorp/google');
      if (!validate) options.log('(validate and plan left out of the CI run: hashicorp/google is not in the engine mirror; npm run setup -- --provider hashicorp/google)');
      const platform = (args: string[]) => (validate ? timed(small, process.execPath, [...TSX, 'tools/cli/bin/platform.mts', ...args]) : 0);
      const targets = ['lint', 'typecheck', 'test', 'synth', ...(validate ? ['validate'] : [])].join(',');
      const nx = (args: string[], cache: boolean) => {
        const command = nxCommand(small, [...args, '-t', targets, ...(cache ? [] : ['--skip-nx-cache']), '--outputStyle=static']);
        return timed(small, command.command, command.args);
      };
      const affected = ['affected', '--base=HEAD~1', '--head=HEAD', '--exclude=tag:type:tool'];
      // Once unmeasured: the first run in a new copy also fills tsx's and Vitest's caches.
      nx(['run-many', '-p', 'bootstrap'], false);
      const ownTasks = nx(['run-many', '-p', 'bootstrap'], false);
      const ownPlan = platform(['plan-env', '--env', 'prod', '--offline', '--stack', 'bootstrap']);
      const own = ownTasks + ownPlan;
      const pullRequestPlan = platform(['pipeline', 'plan', '--base', 'HEAD~1', '--offline']);
      const oneUncached = nx(affected, false) + pullRequestPlan;
      // A pull request's CI reads the shared cache that main's CI filled at the base: the tasks
      // of stacks nx affected lists only as consumers of the changed one have unchanged inputs.
      timed(small, 'git', ['checkout', '--quiet', 'HEAD~1']);
      const full = nx(['run-many', '--exclude=tag:type:tool'], true);
      timed(small, 'git', ['checkout', '--quiet', '-']);
      const one = nx(affected, true) + pullRequestPlan;
      const plan = validate ? ' + plan' : '';
      options.log('');
      options.log(
        markdownTable(
          [`CI run (${targets.replaceAll(',', ', ')}${validate ? ', offline plan' : ''}; stacks and libraries)`, 'Wall time (s)'],
          [
            [`that stack's own tasks (nx run-many -p bootstrap, no cache${validate ? '; plan-env --env prod --offline --stack bootstrap' : ''})`, `${own.toFixed(1)}${validate ? ` (plan ${ownPlan.toFixed(1)})` : ''}`],
            [`one stack setting changed (nx affected, no cache${validate ? '; pipeline plan --base HEAD~1 --offline' : ''})`, `${oneUncached.toFixed(1)}${validate ? ` (plan ${pullRequestPlan.toFixed(1)})` : ''}`],
            ["everything at the base, filling the cache as main's CI does (nx run-many)", full.toFixed(1)],
            [`one stack setting changed (nx affected, with the cache filled at the base${plan})`, one.toFixed(1)],
          ],
        ),
      );
      options.log('');
      options.log(
        goalTable([
          { measure: "one-stack pull request, cache filled at the base / that stack's own tasks", figure: `${one.toFixed(1)} s / ${own.toFixed(1)} s`, goal: '<= 1.5x', ratio: one / own / 1.5 },
          { measure: "one-stack pull request, no cache / that stack's own tasks", figure: `${oneUncached.toFixed(1)} s / ${own.toFixed(1)} s`, goal: '<= 1.5x', ratio: oneUncached / own / 1.5 },
        ]),
      );
    }
  } finally {
    removeWorkspaceCopy(small);
    if (big) removeWorkspaceCopy(big);
  }
}
