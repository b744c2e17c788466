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
