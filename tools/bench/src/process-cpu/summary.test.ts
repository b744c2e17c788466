import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { commandOf, cpuByCommand, readProcessRecords, type ProcessRecord } from './summary';

const W = '/work/repo';

describe('process CPU records', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it.each([
    [[`${W}/tools/cli/bin/platform.mts`, 'synth', '--json', 'network'], 'platform synth'],
    [[`${W}/tools/cli/bin/platform.mts`, '--estate', 'tools/fixture-estate', 'pipeline', 'plan'], 'platform pipeline'],
    [[`${W}/tools/cli/bin/platform.mts`, '--estate', `${W}/tools/fixture-estate`, 'apply', 'network'], 'platform apply'],
    [[`${W}/node_modules/nx/bin/nx.js`, 'run-many', '-t', 'synth'], 'nx run-many'],
    [[`/tmp/copy/node_modules/.bin/nx`, 'show', 'projects', '--affected'], 'nx show'],
    [[`${W}/node_modules/.bin/vitest`, 'run', '--project', 'unit'], 'vitest'],
    [[`${W}/node_modules/vitest/dist/workers/forks.js`], 'vitest worker'],
    [['/usr/lib/node_modules/npm/bin/npm-cli.js', 'exec', '--', 'tsx', 'x.mts'], 'npx'],
    [['/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'drill'], 'npm run'],
    [[`${W}/tools/engine/bin/setup.mts`, '--provider', 'hashicorp/local'], 'setup.mts'],
  ])('names %j as %s', (argv, command) => {
    expect(commandOf(argv)).toBe(command);
  });

  it('sums the CPU time of each command, most first', () => {
    const record = (argv: string[], cpuSeconds: number): ProcessRecord => ({ argv, cwd: W, cpuSeconds, wallSeconds: cpuSeconds });
    const rows = cpuByCommand([
      record([`${W}/tools/cli/bin/platform.mts`, 'synth'], 5),
      record([`${W}/node_modules/nx/bin/nx.js`, 'run-many'], 2),
      record([`${W}/tools/cli/bin/platform.mts`, 'synth', 'network'], 4),
    ]);
    expect(rows).toEqual([
      { command: 'platform synth', processes: 2, cpuSeconds: 9 },
      { command: 'nx run-many', processes: 1, cpuSeconds: 2 },
    ]);
  });

  it('records a node process started with the preload: its command line and the CPU it used', () => {
    folder = mkdtempSync(join(tmpdir(), 'process-cpu-test-'));
    const log = join(folder, 'processes.jsonl');
    const busy = 'let x = 0; for (let i = 0; i < 2e7; i++) x += i; process.exitCode = x > 0 ? 0 : 1;';
    const result = spawnSync(process.execPath, ['-e', busy, 'an-argument'], {
      env: { ...process.env, NODE_OPTIONS: `--import ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'record.mjs')).href)}`, PLATFORM_PROCESS_CPU_LOG: log },
    });
    expect(result.status).toBe(0);
    const [record, ...more] = readProcessRecords(log);
    expect(more).toEqual([]);
    expect(record!.argv).toEqual(['an-argument']);
    expect(record!.cpuSeconds).toBeGreaterThan(0);
    expect(record!.cwd).toBe(process.cwd());
  });

  it('records a process ended by SIGTERM, which then ends by the signal as it would have', async () => {
    folder = mkdtempSync(join(tmpdir(), 'process-cpu-test-'));
    const log = join(folder, 'processes.jsonl');
    const child = spawn(process.execPath, ['-e', "setInterval(() => {}, 1000); console.log('ready');", 'waiting'], {
      env: { ...process.env, NODE_OPTIONS: `--import ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'record.mjs')).href)}`, PLATFORM_PROCESS_CPU_LOG: log },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(child.stdout, 'data');
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readProcessRecords(log).map((record) => record.argv)).toEqual([['waiting']]);
  });
});
