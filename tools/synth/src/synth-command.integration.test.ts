import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listEnvironments } from '@platform/config';
import { copyWorkspace, readTree, removeWorkspaceCopy, TSX } from '@platform/testing';
import { listStacks } from '@platform/workspace';
import { synthesizeInParallel } from './synth-in-parallel';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/** A stack's package.json with another upstream list, in the layout the file keeps. */
function withUpstream(text: string, upstream: readonly string[]): string {
  const manifest = JSON.parse(text) as { stack: { upstream: readonly string[] } };
  return `${JSON.stringify({ ...manifest, stack: { ...manifest.stack, upstream } }, null, 2)}\n`;
}

function platform(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [...TSX, 'tools/cli/bin/platform.mts', ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('platform synth', () => {
  const copies: string[] = [];
  afterAll(() => copies.forEach(removeWorkspaceCopy));

  describe('determinism', () => {
    let first: string;
    let second: string;
    beforeAll(() => {
      first = copyWorkspace(WORKSPACE, join(tmpdir(), 'a'), 'first');
      second = copyWorkspace(WORKSPACE, join(tmpdir(), 'b', 'deeper', 'still'), 'second');
      copies.push(first, second);
      expect(platform(first, 'synth').code).toBe(0);
    }, 120_000);

    it('writes byte-identical output for every stack and environment from two different directories, in one process or spread over three', async () => {
      const log: string[] = [];
      const results = await synthesizeInParallel({ workspaceRoot: second, stacks: [], jobs: 3, stacksPerWorker: 1, log: (line) => log.push(line) });
      expect(results.map((r) => [r.stack, r.ok])).toEqual(listStacks(WORKSPACE).map((stack) => [stack, true]));
      expect(log.filter((line) => line.startsWith('✓ ')).length, 'each stack reported once, whichever process synthesized it').toBe(results.length);
      const a = readTree(join(first, 'dist/stacks'));
      const b = readTree(join(second, 'dist/stacks'));
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [file, bytes] of a) expect(bytes.equals(b.get(file)!), file).toBe(true);
    });

    it('writes one Terraform JSON per stack and environment, and a synth report per stack', () => {
      const files = [...readTree(join(first, 'dist/stacks')).keys()];
      const stacks = readdirSync(join(WORKSPACE, 'stacks')).sort();
      const environments = listEnvironments(WORKSPACE);
      const expected = stacks.flatMap((stack) => [
        ...environments.map((env) => `${stack}/${env}/cdk.tf.json`),
        `${stack}/synth.json`,
      ]);
      expect(files.sort()).toEqual(expected.sort());
    });

    it('puts no absolute path, user or machine name into any synthesized file', () => {
      const forbidden = [first, second, WORKSPACE, tmpdir(), process.env.HOME ?? '/root'];
      // A machine name is matched as a word: a short one ('vm') is part of ordinary names such as compute.vmExternalIpAccess.
      const hostname = execFileSync('hostname', { encoding: 'utf8' }).trim();
      const machineName = new RegExp(`(^|[^A-Za-z0-9])${hostname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9]|$)`);
      for (const [file, bytes] of readTree(join(first, 'dist/stacks'))) {
        const text = bytes.toString('utf8');
        for (const needle of forbidden) expect(text.includes(needle), `${file} contains ${needle}`).toBe(false);
        expect(machineName.test(text), `${file} contains the machine name ${hostname}`).toBe(false);
      }
    });
  });

  describe('bad input', () => {
    let workspace: string;
    beforeAll(() => {
      workspace = copyWorkspace(WORKSPACE, tmpdir(), 'bad-input');
      copies.push(workspace);
      expect(platform(workspace, 'synth', 'network').code).toBe(0);
    }, 60_000);

    it('refuses an overlapping CIDR plan, names the file and subnet, and leaves the previous output untouched', () => {
      const before = readTree(join(workspace, 'dist/stacks/network'));
      const file = join(workspace, 'environments/prod/network.yaml');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('cidr: 10.30.16.0/24', 'cidr: 10.30.8.0/24'));
      try {
        const result = platform(workspace, 'synth', 'network');
        expect(result.code).toBe(1);
        expect(result.output).toMatch(/\[prod\] environments\/prod\/network\.yaml -> .*subnet 'apps' range 10\.30\.8\.0\/24 overlaps subnet 'gke'/);
        expect(result.output).toMatch(/✗ network: nothing written/);
        const after = readTree(join(workspace, 'dist/stacks/network'));
        expect([...after.keys()]).toEqual([...before.keys()]);
        for (const [name, bytes] of before) expect(bytes.equals(after.get(name)!), name).toBe(true);
        expect(readdirSync(join(workspace, 'dist/stacks')).filter((name) => name.startsWith('.'))).toEqual([]);
      } finally {
        writeFileSync(file, original);
      }
    }, 60_000);

    it('refuses a setting that breaks its schema with the file, the line, the key and the value', () => {
      const file = join(workspace, 'environments/dev/database.yaml');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('diskSizeGb: 20', 'diskSizeGb: 5'));
      try {
        const result = platform(workspace, 'synth', 'database');
        expect(result.code).toBe(1);
        expect(result.output).toMatch(/environments\/dev\/database\.yaml:4: key 'diskSizeGb' Too small: expected number to be >=10; got 5/);
      } finally {
        writeFileSync(file, original);
      }
    }, 60_000);

    it('fails synth listing every guardrail violation with address, rule and fix', () => {
      const file = join(workspace, 'stacks/database/src/index.ts');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('ipv4Enabled: false', 'ipv4Enabled: true').replace('deletionProtection: protectData,', 'deletionProtection: false,'));
      try {
        const result = platform(workspace, 'synth', 'database');
        expect(result.code).toBe(1);
        expect(result.output).toMatch(/private-nodes google_sql_database_instance\.instance/);
        expect(result.output).toMatch(/\[prod\][^]*deletion-protection google_sql_database_instance\.instance/);
        expect(result.output).toMatch(/fix: /);
        expect(existsSync(join(workspace, 'dist/stacks/database'))).toBe(false);
      } finally {
        writeFileSync(file, original);
      }
    }, 60_000);

    it('refuses a stack whose package.json upstream list differs from the contracts it reads', () => {
      const file = join(workspace, 'stacks/database/package.json');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, withUpstream(original, ['network']));
      try {
        const result = platform(workspace, 'synth', 'database');
        expect(result.code).toBe(1);
        expect(result.output).toMatch(/stacks\/database\/package\.json: key 'stack\.upstream' lists \[network\] but the stack reads the contracts of \[network, security\]/);
      } finally {
        writeFileSync(file, original);
      }
    }, 60_000);

    it('reports a stack that fails in a worker process as the one that failed, and writes the others', async () => {
      const file = join(workspace, 'stacks/database/package.json');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, withUpstream(original, ['network']));
      try {
        const log: string[] = [];
        // Dealt in turn: network stays in this process, database goes to the worker.
        const results = await synthesizeInParallel({ workspaceRoot: workspace, stacks: ['network', 'database'], jobs: 2, stacksPerWorker: 1, log: (line) => log.push(line) });
        expect(results.map((r) => [r.stack, r.ok])).toEqual([['network', true], ['database', false]]);
        expect(log.join('\n')).toMatch(/✗ database: nothing written\n {2}stacks\/database\/package\.json: key 'stack\.upstream' lists \[network\]/);
      } finally {
        writeFileSync(file, original);
      }
    }, 60_000);

    it('names an unknown stack', () => {
      const result = platform(workspace, 'synth', 'nope');
      expect(result.code).toBe(1);
      expect(result.output).toMatch(/stacks\/nope\/package\.json: no such stack 'nope'/);
    }, 30_000);
  });
});
