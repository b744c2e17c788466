import { writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { UserConsoleLog } from 'vitest';
import type { SerializedError, TestModule, Vitest } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';
import { JsonReporter } from 'vitest/reporters';
import { BATCH_REPORTER_ENV, type BatchOutcome, type BatchReporterOptions, type ProjectTestEnd } from './batch-protocol';

const MARK = { passed: '✓', failed: '×', skipped: '↓', pending: '…', queued: '…' } as const;

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

/** Adds `value` to the list under `key`, in place. */
function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function describeError(error: { message?: string; stack?: string; diff?: string }): string {
  const head = error.stack ?? error.message ?? String(error);
  return error.diff ? `${head}\n${error.diff}` : head;
}

/**
 * A Vitest reporter for one run over several Nx projects: each project gets the JSON report
 * `--reporter=json` would have written for it alone (Vitest's own JsonReporter, fed only the
 * project's files), and a text of its files, failures and console output for its Nx task.
 * A project fails on a failed test or file, on an error Vitest could tie to one of its files,
 * and, with every other project, on an error it could not tie to any file or an interrupted run.
 */
export default class BatchReporter implements Reporter {
  private readonly options: BatchReporterOptions;
  private vitest!: Vitest;
  private readonly json = new Map<string, JsonReporter>();
  private readonly logs = new Map<string, string[]>();

  constructor() {
    const raw = process.env[BATCH_REPORTER_ENV];
    if (!raw) throw new Error(`the batch reporter needs ${BATCH_REPORTER_ENV}`);
    this.options = JSON.parse(raw) as BatchReporterOptions;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    for (const [root, outputFile] of Object.entries(this.options.reports)) {
      const reporter = new JsonReporter({ outputFile });
      reporter.onInit(vitest);
      this.json.set(root, reporter);
    }
  }

  /** The project roots a test file belongs to (nested roots: every one that holds it). */
  private rootsOf(file: string): string[] {
    return Object.keys(this.options.reports).filter((root) => (file + sep).startsWith(resolve(this.vitest.config.root, root) + sep));
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    const task = log.taskId ? this.vitest.state.idMap.get(log.taskId) : undefined;
    const file = task?.file?.filepath;
    if (!file) return;
    const where = relative(this.vitest.config.root, file) + (task && task.type !== 'suite' ? ` > ${task.name}` : '');
    for (const root of this.rootsOf(file)) append(this.logs, root, `${log.type} | ${where}\n${log.content.trimEnd()}\n`);
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: string): Promise<void> {
    const outcome: BatchOutcome = {};
    const modulesOf = new Map<string, TestModule[]>();
    for (const module of testModules) for (const root of this.rootsOf(module.moduleId)) append(modulesOf, root, module);
    const errorsOf = new Map<string, SerializedError[]>();
    const untied: SerializedError[] = [];
    for (const error of unhandledErrors) {
      const file = this.fileOfError(error);
      if (file === undefined) untied.push(error);
      else for (const root of this.rootsOf(file)) append(errorsOf, root, error);
    }
    for (const root of Object.keys(this.options.reports)) {
      const own = modulesOf.get(root) ?? [];
      await this.json.get(root)!.onTestRunEnd(own);
      outcome[root] = this.projectEnd(root, own, [...(errorsOf.get(root) ?? []), ...untied], reason);
    }
    writeFileSync(this.options.outcomesFile, JSON.stringify(outcome));
  }

  private fileOfError(error: SerializedError): string | undefined {
    const path = (error as { VITEST_TEST_PATH?: unknown }).VITEST_TEST_PATH;
    return typeof path === 'string' ? resolve(this.vitest.config.root, path) : undefined;
  }

  private projectEnd(root: string, modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<SerializedError>, reason: string): ProjectTestEnd {
    const lines: string[] = [...(this.logs.get(root) ?? [])];
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let failedFiles = 0;
    for (const module of [...modules].sort((a, b) => a.moduleId.localeCompare(b.moduleId))) {
      const tests = [...module.children.allTests()];
      const failures = tests.filter((test) => test.result().state === 'failed');
      passed += tests.filter((test) => test.result().state === 'passed').length;
      skipped += tests.filter((test) => test.result().state === 'skipped').length;
      failed += failures.length;
      const state = module.state();
      if (state === 'failed') failedFiles += 1;
      const counts = failures.length > 0 ? `${tests.length} tests | ${failures.length} failed` : `${tests.length} tests`;
      lines.push(` ${MARK[state]} ${relative(this.vitest.config.root, module.moduleId)} (${counts}) ${Math.round(module.diagnostic().duration)}ms`);
      for (const error of module.errors()) lines.push(indent(describeError(error), '     '));
      for (const test of failures) {
        lines.push(`   × ${test.fullName}`);
        for (const error of test.result().errors ?? []) lines.push(indent(describeError(error), '     '));
      }
    }
    for (const error of errors) lines.push(`Unhandled error:\n${indent(describeError(error), '  ')}`);
    if (reason === 'interrupted') lines.push('The test run was interrupted.');
    lines.push(`\n Test Files  ${modules.length - failedFiles} passed${failedFiles ? `, ${failedFiles} failed` : ''} (${modules.length})`);
    lines.push(`      Tests  ${passed} passed${failed ? `, ${failed} failed` : ''}${skipped ? `, ${skipped} skipped` : ''} (${passed + failed + skipped})`);
    lines.push(`JSON report written to ${this.options.reports[root]}`);
    const noTests = modules.length === 0 && !this.vitest.config.passWithNoTests;
    return { success: failedFiles === 0 && failed === 0 && errors.length === 0 && reason !== 'interrupted' && !noTests, terminalOutput: `${lines.join('\n')}\n` };
  }
}
