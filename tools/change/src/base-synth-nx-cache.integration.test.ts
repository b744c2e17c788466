import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment, nxCommand } from '@platform/config';
import { LocalDirectoryStore, startNxCacheServer, type RunningNxCacheServer } from '@platform/store';
import { NX_SYNTH_MIN_STACKS, synthesizeThroughNx } from '@platform/synth';
import { commitAll, copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';
import { listStacks, runInBackground } from '@platform/workspace';
import { readOutputHashes, synthesizeAt } from './output-hashes';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const TOKEN = 'main-ci-token';

/**
 * A base with enough candidates to go through Nx: main's CI synthesized them (into the runners'
 * remote cache) in a whole checkout, and a pull request's comparison finds them there, in a base
 * folder that holds only the candidates' stacks.
 */
describe("the base's synth through Nx reuses outputs held for the same inputs", () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'base-nx-cache-'));
  let server: RunningNxCacheServer;
  let copy: string;
  let candidates: string[];
  let mainCi: ReturnType<typeof readOutputHashes>;
  const remote = () => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: TOKEN });

  /** synthesizeAt with the remote cache variables set as a runner sets them, and the lines it logged. */
  async function baseSynth(commit: string, env: Record<string, string>) {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const lines: string[] = [];
    try {
      // Through Nx, as with a code change: the copy's working tree is the commit's, whose stacks would synthesize in this process.
      const base = await synthesizeAt(copy, commit, Promise.resolve(candidates), { inThisProcess: false, log: (line) => lines.push(line) });
      return { base, lines };
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }

  beforeAll(async () => {
    server = await startNxCacheServer({ store: new LocalDirectoryStore(storeDir), tokens: { readWrite: [TOKEN], readOnly: [] } });
    copy = copyWorkspaceAsRepository(WORKSPACE, 'base-nx-cache');
    candidates = listStacks(copy).sort().slice(0, NX_SYNTH_MIN_STACKS);
    // Main's CI: the synth targets of the whole workspace, uploading to the remote cache.
    const nx = nxCommand(copy, ['run-many', '-t', 'synth', `--projects=${candidates.join(',')}`, '--outputStyle=static']);
    const ci = await runInBackground(nx.command, nx.args, { cwd: copy, env: { ...nxChildEnvironment(), ...remote() } });
    expect(ci.code, `${ci.stdout}${ci.stderr}`).toBe(0);
    mainCi = readOutputHashes(copy, candidates);
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    if (copy) removeWorkspaceCopy(copy);
    rmSync(storeDir, { recursive: true, force: true });
  });

  it("restores every candidate from the runners' remote cache: the hash in a folder of candidates only is main's", async () => {
    const { base, lines } = await baseSynth('HEAD', remote());
    expect(lines.join('\n')).toContain(`synth through Nx: ${candidates.length} stacks; ${candidates.length} restored from the remote cache, 0 from the local one, 0 synthesized`);
    expect(base.hashes).toEqual(mainCi);
    expect([...base.files.keys()].sort()).toEqual(candidates);
  }, 300_000);

  it('restores them from the checkout\'s own base cache the next time, without a remote cache', async () => {
    const { base, lines } = await baseSynth('HEAD', {});
    expect(lines.join('\n')).toContain(`${candidates.length} stacks; 0 restored from the remote cache, ${candidates.length} from the local one, 0 synthesized`);
    expect(base.hashes).toEqual(mainCi);
  }, 300_000);

  it("synthesizes the head's candidates through the checkout's Nx cache too: what CI built there is restored", async () => {
    const lines: string[] = [];
    const { results } = await synthesizeThroughNx({ workspaceRoot: copy, stacks: candidates, log: (line) => lines.push(line) });
    expect(results.map((r) => [r.stack, r.ok])).toEqual(candidates.map((stack) => [stack, true]));
    expect(lines).toContain(`synth through Nx: ${candidates.length} stacks; 0 restored from the remote cache, ${candidates.length} from the local one, 0 synthesized`);
    expect(readOutputHashes(copy, candidates)).toEqual(mainCi);
  }, 300_000);

  it('refuses a name that is not a stack of the workspace before running Nx', async () => {
    await expect(synthesizeThroughNx({ workspaceRoot: copy, stacks: [candidates[0]!, 'no-such-stack'] })).rejects.toThrow(`not stacks of ${copy}: no-such-stack`);
  });

  it('leaves out a stack whose synth fails at the base, and still returns the others', async () => {
    const [broken] = candidates;
    writeFileSync(join(copy, 'environments/dev', `${broken}.yaml`), 'not: [a, valid, setting\n');
    commitAll(copy, `break ${broken} at the base`);
    const { base, lines } = await baseSynth('HEAD', {});
    expect(lines.join('\n')).toContain(`${candidates.length - 1} from the local one, 1 synthesized`);
    expect([...base.hashes.keys()].sort()).toEqual(candidates.slice(1));
    for (const stack of candidates.slice(1)) expect(base.hashes.get(stack), stack).toEqual(mainCi.get(stack));
  }, 300_000);

  it("reports a stack whose synth fails at the head with what its synth printed, not Nx's header or the line naming the stack", async () => {
    const [broken] = candidates;
    const { results } = await synthesizeThroughNx({ workspaceRoot: copy, stacks: candidates });
    const failed = results.find((result) => result.stack === broken);
    expect(failed?.ok).toBe(false);
    const message = failed && !failed.ok ? failed.failures.map((failure) => failure.message).join('\n') : '';
    expect(message).toMatch(new RegExp(`^\\[dev\\] environments/dev/${broken}\\.yaml`));
    expect(message).not.toContain('nothing written');
    expect(message).not.toContain(`${broken}:synth`);
    expect(results.filter((result) => result.ok).map((result) => result.stack)).toEqual(candidates.slice(1));
  }, 300_000);
});
