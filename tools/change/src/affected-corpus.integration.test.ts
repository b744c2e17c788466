import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listEnvironments, nxChildEnvironment } from '@platform/config';
import { commitAll, copyWorkspaceAsRepository, removeWorkspaceCopy, TSX } from '@platform/testing';
import { markdownTable, readStackGraph } from '@platform/workspace';
import { candidateStacks, changedFiles, computeAffected, narrowAffected, plainAffectedStacks, scopeChange } from './effective-affected';
import { blastRadius, renderBlastRadius } from './blast-radius';
import { diffOutputHashes, readOutputHashes, synthesizeAt, type BaseSynth, type OutputHashes } from './output-hashes';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const ALL = readdirSync(join(WORKSPACE, 'stacks')).sort();

function sh(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: nxChildEnvironment() });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(path, text.replace(from, to));
}

interface ChangeKind {
  readonly name: string;
  readonly change: (root: string) => void;
  /** Stacks whose synthesized output (or engine) really changes. */
  readonly expected: readonly string[];
}

/** One of each kind of change a pull request makes, with the stacks it really affects. */
const CORPUS: readonly ChangeKind[] = [
  { name: 'library code', change: (r) => edit(r, 'libs/networking/src/firewall-baseline.ts', 'DENY_ALL_PRIORITY = 65534', 'DENY_ALL_PRIORITY = 65533'), expected: ['network'] },
  { name: 'library test only', change: (r) => appendFileSync(join(r, 'libs/networking/src/vpc.test.ts'), '\n// a test-only change\n'), expected: [] },
  { name: 'stack code', change: (r) => edit(r, 'stacks/database/src/index.ts', "value: '1000'", "value: '500'"), expected: ['database'] },
  { name: "one environment's setting", change: (r) => edit(r, 'environments/prod/gke-cluster.yaml', 'maxNodes: 20', 'maxNodes: 25'), expected: ['gke-cluster'] },
  { name: 'environment-wide setting', change: (r) => edit(r, 'environments/staging/environment.yaml', 'owner: platform-team', 'owner: platform-team\n  team: core'), expected: ALL },
  { name: 'output contract', change: (r) => edit(r, 'libs/contracts/src/network.ts', "'Id of the shared VPC", "'Identifier of the shared VPC"), expected: ['network'] },
  { name: 'docs only', change: (r) => appendFileSync(join(r, 'docs/concepts.md'), '\nMore words.\n'), expected: [] },
  { name: 'lock file', change: (r) => appendFileSync(join(r, 'package-lock.json'), '\n'), expected: [] },
  { name: 'engine version', change: (r) => edit(r, 'tools/engine/versions.json', '"version": "1.11.14"', '"version": "1.11.15"'), expected: ALL },
  {
    name: 'new stack',
    // As a new engineer makes one (docs/how-to/add-a-stack.md): its contract joins libs/contracts/src/index.ts.
    change: (r) => {
      sh(r, 'npx', ['nx', 'g', './tools/nx-plugin:stack', 'archive', '--description=Archive of audit exports.', '--no-interactive']);
    },
    expected: ['archive'],
  },
  {
    name: 'deleted stack',
    change: (r) => {
      // A leaf: no other stack reads its outputs.
      rmSync(join(r, 'stacks/edge'), { recursive: true });
      for (const env of listEnvironments(r)) rmSync(join(r, `environments/${env}/edge.yaml`));
    },
    expected: ['edge'],
  },
];

function score(found: readonly string[], truth: readonly string[]): { recall: number; precision: number } {
  const hits = found.filter((s) => truth.includes(s)).length;
  return { recall: truth.length === 0 ? 1 : hits / truth.length, precision: found.length === 0 ? 1 : hits / found.length };
}

describe('change detection against the ground truth of synthesized-output differences', () => {
  let copy: string;
  let base: string;
  let baseHashes: OutputHashes;
  let baseSynth: BaseSynth;
  const results: { name: string; truth: string[]; plain: string[]; narrowed: string[] }[] = [];

  /** `platform affected`'s steps, on the checkout as it is: the scope, then the base's candidates. */
  async function affectedNow() {
    const scope = await scopeChange(copy, base, 'HEAD');
    return computeAffected(copy, base, 'HEAD', scope, await synthesizeAt(copy, base, scope.candidates));
  }

  beforeAll(async () => {
    copy = copyWorkspaceAsRepository(WORKSPACE, 'affected');
    base = sh(copy, 'git', ['rev-parse', 'HEAD']);
    baseSynth = await synthesizeAt(copy, base);
    baseHashes = baseSynth.hashes;
  }, 300_000);

  afterAll(() => {
    if (results.length > 0) {
      const rows = results.map((r) => {
        const plain = score(r.plain, r.truth);
        const narrowed = score(r.narrowed, r.truth);
        return [r.name, r.truth.join(', ') || '-', r.plain.join(', ') || '-', plain.recall.toFixed(2), plain.precision.toFixed(2), narrowed.recall.toFixed(2), narrowed.precision.toFixed(2)];
      });
      const total = (pick: (r: (typeof results)[number]) => string[]) => {
        const pairs = results.flatMap((r) => pick(r).map((s) => r.truth.includes(s)));
        const truthCount = results.reduce((n, r) => n + r.truth.length, 0);
        const hits = pairs.filter(Boolean).length;
        return `recall ${(hits / truthCount).toFixed(2)}, precision ${(hits / pairs.length).toFixed(2)}`;
      };
      console.log(
        `\n${markdownTable(['Change', 'Really affected', 'nx affected (stacks)', 'nx recall', 'nx precision', 'narrowed recall', 'narrowed precision'], rows)}\n` +
          `plain nx affected: ${total((r) => r.plain)}; narrowed: ${total((r) => r.narrowed)}\n`,
      );
    }
    removeWorkspaceCopy(copy);
  });

  it.each(CORPUS.map((kind) => [kind.name, kind] as const))('%s', async (_name, kind) => {
    sh(copy, 'git', ['checkout', '-q', '-B', 'change', base]);
    sh(copy, 'git', ['clean', '-q', '-fd', '--', 'stacks', 'environments']);
    kind.change(copy);
    commitAll(copy, kind.name);
    rmSync(join(copy, 'dist/stacks'), { recursive: true, force: true });
    spawnSync(process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'synth'], { cwd: copy, encoding: 'utf8' });
    const headHashes = readOutputHashes(copy);
    const changed = changedFiles(copy, base, 'HEAD');
    const differences = diffOutputHashes(baseHashes, headHashes);
    const engineChanged = changed.includes('tools/engine/versions.json');
    const truth = [...new Set([...differences.map((d) => d.stack), ...(engineChanged ? [...headHashes.keys()] : [])])].sort();
    const narrowed = narrowAffected(differences, changed, headHashes).map((a) => a.stack);
    const plain = await plainAffectedStacks(copy, base, 'HEAD');
    results.push({ name: kind.name, truth, plain, narrowed });

    expect(truth, 'the expected set is the ground truth').toEqual([...kind.expected].sort());
    expect(score(narrowed, truth).recall, 'narrowed recall').toBe(1);
    // computeAffected and blastRadius synthesize only these at the base: they must hold every truly affected stack.
    expect(score(candidateStacks(copy, base, plain), truth).recall, 'candidates recall').toBe(1);
  }, 120_000);

  it('reports the blast radius: resources and attributes per environment, consumers, apply order and a graph', async () => {
    sh(copy, 'git', ['checkout', '-q', '-B', 'blast', base]);
    sh(copy, 'git', ['clean', '-q', '-fd', '--', 'stacks', 'environments']);
    edit(copy, 'libs/networking/src/firewall-baseline.ts', 'DENY_ALL_PRIORITY = 65534', 'DENY_ALL_PRIORITY = 65533');
    edit(copy, 'environments/prod/gke-cluster.yaml', 'maxNodes: 20', 'maxNodes: 25');
    commitAll(copy, 'blast');
    rmSync(join(copy, 'dist/stacks'), { recursive: true, force: true });
    spawnSync(process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'synth'], { cwd: copy, encoding: 'utf8' });

    const report = blastRadius(copy, base, 'HEAD', { scope: await scopeChange(copy, base, 'HEAD'), atBase: baseSynth });
    expect(report.stacks.map((s) => [s.stack, s.environments])).toEqual([
      ['gke-cluster', ['prod']],
      ['network', ['dev', 'drill', 'prod', 'staging']],
    ]);
    const network = report.stacks.find((s) => s.stack === 'network')!;
    expect(network.changes.dev).toEqual([{ address: expect.stringMatching(/^google_compute_firewall\.firewall_deny-all/), action: 'change', attributes: ['priority'], values: [{ path: 'priority', before: expect.any(Number), after: expect.any(Number) }] }]);
    expect(network.consumers).toEqual(['app-service', 'database', 'edge', 'gke-cluster']);
    expect(network.plans).toEqual({});
    expect(report.stacks.find((s) => s.stack === 'gke-cluster')!.changes.prod).toEqual([
      {
        address: 'google_container_node_pool.pool-general',
        action: 'change',
        attributes: ['autoscaling.max_node_count'],
        values: [{ path: 'autoscaling.max_node_count', before: 20, after: 25 }],
      },
    ]);
    expect(report.applyOrder).toEqual([['network'], ['gke-cluster']]);
    // edge reads app-service: downstream follows the graph past the direct consumers.
    expect(report.downstream).toEqual(['app-service', 'database', 'edge']);
    const markdown = renderBlastRadius(report, readStackGraph(copy));
    expect(markdown).toMatch(/\| gke-cluster \| output changed \| prod +\| 0 +\| 1 +\| 0 +\|/);
    expect(markdown).toContain('1. network\n2. gke-cluster');
    expect(markdown).toContain('`autoscaling.max_node_count` 20 -> 25');
    expect(markdown).toMatch(/```mermaid\nflowchart LR[^]*network --> gke_cluster[^]*class gke_cluster,network changed/);
  }, 300_000);

  it('computes the same narrowed set end to end, synthesizing the base in a temporary tree', async () => {
    const report = await affectedNow();
    expect(report.effective.map((a) => [a.stack, a.reason, a.environments])).toEqual([
      ['gke-cluster', 'output changed', ['prod']],
      ['network', 'output changed', ['dev', 'drill', 'prod', 'staging']],
    ]);
  }, 300_000);

  it('reads a deleted stack as removed although its old output is still in dist/stacks', async () => {
    sh(copy, 'git', ['checkout', '-q', '-B', 'deleted-stale', base]);
    sh(copy, 'git', ['clean', '-q', '-fd', '--', 'stacks', 'environments']);
    sh(copy, process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'synth', 'edge']);
    rmSync(join(copy, 'stacks/edge'), { recursive: true });
    for (const env of listEnvironments(copy)) rmSync(join(copy, `environments/${env}/edge.yaml`));
    commitAll(copy, 'delete edge');
    sh(copy, process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'synth']);
    expect(existsSync(join(copy, 'dist/stacks/edge/synth.json')), 'a synth of the head leaves it').toBe(true);
    expect((await affectedNow()).effective).toEqual([{ stack: 'edge', reason: 'removed', environments: listEnvironments(copy) }]);
  }, 300_000);

  it('platform affected synthesizes only the stacks whose output can differ, at the head as at the base', () => {
    sh(copy, 'git', ['checkout', '-q', '-B', 'one-setting', base]);
    sh(copy, 'git', ['clean', '-q', '-fd', '--', 'stacks', 'environments']);
    edit(copy, 'environments/prod/gke-cluster.yaml', 'maxNodes: 20', 'maxNodes: 25');
    commitAll(copy, 'one setting');
    rmSync(join(copy, 'dist/stacks'), { recursive: true, force: true });
    const json = sh(copy, process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'affected', `--base=${base}`, '--json']);
    const report = JSON.parse(json) as { plain: string[]; effective: { stack: string; environments: string[] }[] };
    expect(report.effective.map((a) => [a.stack, a.environments])).toEqual([['gke-cluster', ['prod']]]);
    expect(readdirSync(join(copy, 'dist/stacks')).filter((name) => !name.startsWith('.')), 'nothing but the candidates at the head').toEqual(report.plain);
  }, 300_000);
});
