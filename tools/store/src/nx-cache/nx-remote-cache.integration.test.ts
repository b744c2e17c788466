import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspace, readTree, removeWorkspaceCopy } from '@platform/testing';
import { runInBackground } from '@platform/workspace';
import { LocalDirectoryStore } from '../local-directory-store';
import { NX_CACHE_PREFIX } from './entries';
import { startNxCacheServer, type RunningNxCacheServer } from './server';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const TOKEN = 'ci-runner-token';

/**
 * Runs the network stack's synth through Nx in a clone, with the remote cache the server offers.
 * Asynchronously: the server answers from this very process.
 */
function synthThroughNx(clone: string, server: RunningNxCacheServer, token = TOKEN): Promise<{ code: number | null; output: string }> {
  const env = { ...nxChildEnvironment(), NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token };
  return runInBackground('npx', ['nx', 'run', 'network:synth', '--outputStyle=static'], { cwd: clone, env }).then((run) => ({ code: run.code, output: `${run.stdout}${run.stderr}` }));
}

describe('Nx with the remote cache server, in two clones', () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'nx-remote-cache-'));
  const clones: string[] = [];
  const log: string[] = [];
  let server: RunningNxCacheServer;
  let populated: Map<string, Buffer>;

  beforeAll(async () => {
    server = await startNxCacheServer({ store: new LocalDirectoryStore(storeDir), tokens: { readWrite: [TOKEN], readOnly: [] }, log: (line) => log.push(line) });
    const first = copyWorkspace(WORKSPACE, undefined, 'cache-first');
    clones.push(first);
    const run = await synthThroughNx(first, server);
    expect(run.code, run.output).toBe(0);
    populated = readTree(join(first, 'dist/stacks/network'));
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    clones.forEach(removeWorkspaceCopy);
    rmSync(storeDir, { recursive: true, force: true });
  });

  const clone = (label: string) => {
    const copy = copyWorkspace(WORKSPACE, undefined, label);
    clones.push(copy);
    return copy;
  };

  it('uploads what the first clone built, write-once, under the task hash', () => {
    expect(log.some((line) => /^PUT \d+: stored/.test(line)), log.join('\n')).toBe(true);
    expect(readdirSync(join(storeDir, NX_CACHE_PREFIX)).some((name) => name.endsWith('.json'))).toBe(true);
  });

  it('restores the same output in a second clone from the remote cache, without running synth', async () => {
    const second = clone('cache-second');
    const run = await synthThroughNx(second, server);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/remote cache/);
    const restored = readTree(join(second, 'dist/stacks/network'));
    expect([...restored.keys()].sort()).toEqual([...populated.keys()].sort());
    for (const [file, bytes] of populated) expect(restored.get(file)!.equals(bytes), file).toBe(true);
  }, 180_000);

  it('runs the task instead when the entry is corrupt, and the output is still right', async () => {
    const manifests = readdirSync(join(storeDir, NX_CACHE_PREFIX)).filter((name) => name.endsWith('.json'));
    for (const manifest of manifests) {
      const hash = manifest.replace(/\.json$/, '');
      for (const blob of readdirSync(join(storeDir, NX_CACHE_PREFIX, hash))) {
        const path = join(storeDir, NX_CACHE_PREFIX, hash, blob);
        writeFileSync(path, readFileSync(path).subarray(0, 100));
      }
    }
    const third = clone('cache-third');
    const run = await synthThroughNx(third, server);
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toMatch(/remote cache/);
    expect(log.some((line) => /miss, corrupt entry/.test(line))).toBe(true);
    const built = readTree(join(third, 'dist/stacks/network'));
    for (const [file, bytes] of populated) expect(built.get(file)!.equals(bytes), file).toBe(true);
  }, 180_000);

  it('refuses a wrong token: Nx stops with the reason, and nothing is read from or written to the cache', async () => {
    const before = log.length;
    const fourth = clone('cache-fourth');
    const run = await synthThroughNx(fourth, server, 'not-the-token');
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/Unauthorized: invalid access token/);
    expect(log.slice(before).some((line) => /stored|hit/.test(line)), log.slice(before).join('\n')).toBe(false);
  }, 180_000);
});
