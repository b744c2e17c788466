import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { cachedActionlintPath, lintWorkflows, readPinnedVersions } from '@platform/engine';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
// Built (or found in the cache) once by the integration tests' global setup.
const ACTIONLINT = cachedActionlintPath(readPinnedVersions(WORKSPACE).actionlint.version);

describe('the GitHub Actions workflows', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'workflows-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('pass actionlint: syntax, expressions, job and step references, action inputs', async () => {
    const problems = await lintWorkflows(ACTIONLINT, WORKSPACE);
    expect(problems.map((p) => `${p.filepath}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('would fail on a workflow that reads an output no step writes', async () => {
    const workflows = join(scratch, '.github/workflows');
    mkdirSync(workflows, { recursive: true });
    const main = readFileSync(join(WORKSPACE, '.github/workflows/main.yml'), 'utf8');
    writeFileSync(join(workflows, 'main.yml'), `${main}\n      - run: echo "\${{ steps.nowhere.outputs.plan }}"\n`);
    const problems = await lintWorkflows(ACTIONLINT, scratch);
    expect(problems.some((p) => p.filepath.endsWith('main.yml') && /nowhere/.test(p.message))).toBe(true);
  });
});
