import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { batchOfTasks, singleTask, type TaskEnd } from '../run-together';
import { BATCH_REPORTER_ENV, type BatchOutcome, type BatchReporterOptions } from './batch-protocol';

export interface TestExecutorOptions {
  /** The Vitest project (vitest.config.mts) whose tests run: `unit`. */
  readonly vitestProject: string;
  /** The folder whose test files run, from the workspace root: the project's root. */
  readonly root: string;
  /** Where the project's JSON report goes, from the workspace root (what `--outputFile.json` names). */
  readonly reportFile: string;
}

const REPORTER = join(import.meta.dirname, 'batch-reporter.ts');

function vitestBin(workspaceRoot: string): string {
  const manifest = createRequire(join(workspaceRoot, 'package.json')).resolve('vitest/package.json');
  return join(dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { vitest: string } }).bin.vitest);
}

/**
 * Runs the tests of several projects as `vitest run --project <p> <root>/ --passWithNoTests
 * --reporter=json --outputFile.json=<report>` runs each, in one Vitest process: Vite, the config
 * and the workers start once, not once per project. Each project gets its own JSON report and
 * its own verdict and text (tools/nx-plugin/src/executors/test/batch-reporter.ts). A project the
 * process never reported on (it crashed or was killed) fails, with how the process ended.
 */
export async function testTogether(workspaceRoot: string, projects: ReadonlyMap<string, TestExecutorOptions>): Promise<Map<string, TaskEnd>> {
  const byVitestProject = new Map<string, Map<string, TestExecutorOptions>>();
  for (const [task, options] of projects) {
    const tasks = byVitestProject.get(options.vitestProject) ?? new Map<string, TestExecutorOptions>();
    byVitestProject.set(options.vitestProject, tasks.set(task, options));
  }
  const ends = new Map<string, TaskEnd>();
  for (const [vitestProject, tasks] of byVitestProject) for (const [task, end] of await runOneVitest(workspaceRoot, vitestProject, tasks)) ends.set(task, end);
  return ends;
}

async function runOneVitest(workspaceRoot: string, vitestProject: string, tasks: ReadonlyMap<string, TestExecutorOptions>): Promise<Map<string, TaskEnd>> {
  const scratch = mkdtempSync(join(tmpdir(), 'vitest-batch-'));
  const outcomesFile = join(scratch, 'outcomes.json');
  const roots = [...new Set([...tasks.values()].map((options) => options.root))];
  const reports: Record<string, string> = Object.fromEntries([...tasks.values()].map((options) => [options.root, options.reportFile]));
  const reporterOptions: BatchReporterOptions = { reports, outcomesFile };
  try {
    const child = spawn(
      process.execPath,
      [vitestBin(workspaceRoot), 'run', '--project', vitestProject, '--passWithNoTests', `--reporter=${REPORTER}`, ...roots.map((root) => `${root}/`)],
      { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [BATCH_REPORTER_ENV]: JSON.stringify(reporterOptions) } },
    );
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const how = await new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(`could not start: ${error.message}`));
      child.once('close', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with ${code}`));
    });
    let outcome: BatchOutcome = {};
    try {
      outcome = JSON.parse(readFileSync(outcomesFile, 'utf8')) as BatchOutcome;
    } catch {
      // No outcomes: the process ended before the run did; every project fails below.
    }
    const ends = new Map<string, TaskEnd>();
    for (const [task, options] of tasks) {
      ends.set(
        task,
        outcome[options.root] ?? { success: false, terminalOutput: `vitest ${how} before it reported on ${options.root}\n${output.trim() || '(no output)'}\n` },
      );
    }
    return ends;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One test task on its own: `nx run <project>:test` where no batch applies. */
export default singleTask((options: TestExecutorOptions) => options, testTogether);

/**
 * The test tasks of one Nx run, together (Nx's batch mode; `preferBatch` in executors.json): one
 * Vitest process runs them all. Nx still caches and restores each task's report on its own.
 */
export const batchTest = batchOfTasks((options: TestExecutorOptions) => options, testTogether);
