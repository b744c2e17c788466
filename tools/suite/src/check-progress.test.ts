import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchCheckProgress } from './check-command';

describe('npm start progress', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function workspace(stacks: readonly string[]): string {
    root = mkdtempSync(join(tmpdir(), 'check-progress-'));
    for (const stack of stacks) {
      mkdirSync(join(root, 'stacks', stack), { recursive: true });
      writeFileSync(join(root, 'stacks', stack, 'package.json'), '{}');
    }
    return root;
  }

  /** What Vitest's JSON reporter writes, the counts that matter here set. */
  const vitestReport = (passed: number, failed: number) =>
    JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0, numTotalTestSuites: 1, testResults: [] });
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };

  it('prints a line per stack as its synth and its tests finish, once each, and a failing or empty test run as failed', () => {
    workspace(['network', 'web']);
    const lines: string[] = [];
    const stop = watchCheckProgress(root, (line) => lines.push(line), 60_000);
    write('dist/stacks/network/synth.json', JSON.stringify({ environments: { dev: {}, prod: {} } }));
    write('dist/test-results/stacks/network.json', vitestReport(4, 1));
    write('dist/test-results/stacks/web.json', vitestReport(0, 0));
    write('dist/stacks/web/synth.json', '{"environments": {'); // still being written
    stop();
    expect(lines).toEqual(['✓ synth network: 2 environments, guardrails pass', '✗ test network: 1 failed, 4 passed', '✗ test web: 0 failed, 0 passed']);
  });
});
