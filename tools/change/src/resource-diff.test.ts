import { describe, expect, it } from 'vitest';
import { renderApplyOrder, renderBlastRadius, type BlastRadius } from './blast-radius';
import { changedPaths, diffResources, sensitivePathsOfPlan } from './resource-diff';

const before = JSON.stringify({
  resource: {
    google_compute_firewall: { deny: { '//': { metadata: { path: 'a' } }, priority: 65534, allow: [{ ports: ['22'] }] } },
    google_compute_network: { vpc: { name: 'v' } },
  },
});
const after = JSON.stringify({
  resource: {
    google_compute_firewall: { deny: { '//': { metadata: { path: 'b' } }, priority: 65533, allow: [{ ports: ['22', '3389'] }] } },
    google_storage_bucket: { logs: { name: 'l' } },
  },
  data: { terraform_remote_state: { 'upstream-network': { backend: 'gcs' } } },
});

describe('resource-level diff of synthesized configurations', () => {
  it('names added, removed and changed addresses with the attributes that changed, ignoring cdktf metadata', () => {
    expect(diffResources(before, after)).toEqual([
      {
        address: 'google_compute_firewall.deny',
        action: 'change',
        attributes: ['allow[0].ports', 'priority'],
        values: [
          { path: 'allow[0].ports', before: ['22'], after: ['22', '3389'] },
          { path: 'priority', before: 65534, after: 65533 },
        ],
      },
      { address: 'google_compute_network.vpc', action: 'remove', attributes: [], values: [] },
      { address: 'google_storage_bucket.logs', action: 'add', attributes: [], values: [] },
      { address: 'data.terraform_remote_state.upstream-network', action: 'add', attributes: [], values: [] },
    ]);
  });

  it('shows an unset value as null, and masks values whose name says they are secrets', () => {
    const user = (config: object) => JSON.stringify({ resource: { google_sql_user: { app: config } } });
    expect(diffResources(user({ name: 'app', password: 'old-secret' }), user({ name: 'app', password: 'new-secret', type: 'BUILT_IN' }))[0]!.values).toEqual([
      { path: 'password', before: '(sensitive)', after: '(sensitive)' },
      { path: 'type', before: null, after: 'BUILT_IN' },
    ]);
  });

  it("masks the values the engine's plan marks sensitive (before_sensitive, after_sensitive), down to the attribute", () => {
    const secret = (data: string) => JSON.stringify({ resource: { google_secret_manager_secret_version: { v: { secret: 's', labels: { env: data }, payload: { data } } } } });
    const plan = { resource_changes: [{ address: 'google_secret_manager_secret_version.v', change: { before_sensitive: { payload: true }, after_sensitive: { labels: {} } } }] };
    expect(diffResources(secret('a'), secret('b'), sensitivePathsOfPlan(plan))[0]!.values).toEqual([
      { path: 'labels.env', before: 'a', after: 'b' },
      { path: 'payload.data', before: '(sensitive)', after: '(sensitive)' },
    ]);
  });

  it('treats a missing configuration as empty (new or deleted stack)', () => {
    expect(diffResources(undefined, before).map((c) => c.action)).toEqual(['add', 'add']);
  });

  it('reports a nested path, and a whole value when its shape changed', () => {
    expect(changedPaths({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 } })).toEqual(['a.c']);
    expect(changedPaths({ a: [1] }, { a: [1, 2] })).toEqual(['a']);
  });
});

describe('engine plan summaries in the blast radius', () => {
  it('summarizes a saved plan rendering, naming replacements, and is absent without one', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readPlanSummary } = await import('./blast-radius');
    const root = mkdtempSync(join(tmpdir(), 'plan-summary-'));
    mkdirSync(join(root, 'dist/engine/web/dev'), { recursive: true });
    writeFileSync(
      join(root, 'dist/engine/web/dev/plan.json'),
      JSON.stringify({
        resource_changes: [
          { address: 'a.x', change: { actions: ['create'] } },
          { address: 'a.y', change: { actions: ['update'] } },
          { address: 'a.z', change: { actions: ['delete', 'create'] } },
          { address: 'a.n', change: { actions: ['no-op'] } },
        ],
      }),
    );
    expect(readPlanSummary(root, 'web', 'dev')).toEqual({ add: 2, change: 1, remove: 1, replace: ['a.z'] });
    expect(readPlanSummary(root, 'web', 'prod')).toBeUndefined();
  });
});

describe('the blast-radius report', () => {
  const oneStack = (changes: BlastRadius['stacks'][number]['changes']): BlastRadius => ({
    base: 'main',
    head: 'HEAD',
    changedFiles: ['environments/prod/gke-cluster.yaml'],
    plainAffected: ['gke-cluster'],
    stacks: [{ stack: 'gke-cluster', reason: 'output changed', environments: Object.keys(changes), changes, plans: {}, consumers: [] }],
    downstream: [],
    applyOrder: [['gke-cluster']],
  });

  it('shows each changed attribute with its old and new value', () => {
    const markdown = renderBlastRadius(
      oneStack({ prod: [{ address: 'google_container_node_pool.general', action: 'change', attributes: ['autoscaling.max_node_count'], values: [{ path: 'autoscaling.max_node_count', before: 20, after: 24 }] }] }),
      new Map([['gke-cluster', []]]),
    );
    expect(markdown).toContain('- `google_container_node_pool.general` change: `autoscaling.max_node_count` 20 -> 24');
    expect(markdown).toMatch(/\| gke-cluster \| output changed \| prod\s+\| 0\s+\| 1\s+\| 0\s+\|/);
  });

  it('counts resources only: the remote-state reads of a new stack are listed, not added', () => {
    const markdown = renderBlastRadius(
      oneStack({
        dev: [
          { address: 'google_storage_bucket.archive', action: 'add', attributes: [], values: [] },
          { address: 'data.terraform_remote_state.network', action: 'add', attributes: [], values: [] },
          { address: 'data.terraform_remote_state.security', action: 'add', attributes: [], values: [] },
        ],
      }),
      new Map([['gke-cluster', []]]),
    );
    expect(markdown).toMatch(/\| gke-cluster \| output changed \| dev\s+\| 1\s+\| 0\s+\| 0\s+\|/);
    expect(markdown).toContain('- `data.terraform_remote_state.network` add (data source, read)');
  });

  it('numbers the apply steps and says which stacks of a step apply in parallel', () => {
    expect(renderApplyOrder([['network', 'security'], ['gke-cluster']])).toBe(
      [
        'Apply order (a step starts when the one before has applied; the stacks of one step apply in parallel):',
        '',
        '1. network, security (in parallel)',
        '2. gke-cluster',
      ].join('\n'),
    );
    expect(renderApplyOrder([])).toBe('Apply order: none');
  });
});
