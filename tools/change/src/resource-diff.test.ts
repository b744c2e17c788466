import { describe, expect, it } from 'vitest';
import { changedPaths, diffResources } from './resource-diff';

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
      { address: 'google_compute_firewall.deny', action: 'change', attributes: ['allow[0].ports', 'priority'] },
      { address: 'google_compute_network.vpc', action: 'remove', attributes: [] },
      { address: 'google_storage_bucket.logs', action: 'add', attributes: [] },
      { address: 'data.terraform_remote_state.upstream-network', action: 'add', attributes: [] },
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
