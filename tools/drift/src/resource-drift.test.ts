import { describe, expect, it } from 'vitest';
import { attributeDifferences, resourceDrift, type RefreshPlanJson } from './resource-drift';

// Shapes as OpenTofu 1.11 writes them in `show -json` of a refresh-only plan.
const deletedFile: RefreshPlanJson = {
  resource_drift: [
    {
      address: 'local_file.page',
      mode: 'managed',
      change: {
        actions: ['delete'],
        before: { content: '<h1>hello</h1>\n', filename: 'site/index.html', id: 'aaf4c6' },
        after: null,
        before_sensitive: { sensitive_content: true },
        after_sensitive: false,
      },
    },
  ],
};

const editedBucket: RefreshPlanJson = {
  resource_drift: [
    {
      address: 'module.logs.google_storage_bucket.this',
      mode: 'managed',
      change: {
        actions: ['update'],
        before: { name: 'logs', labels: { owner: 'platform', env: 'dev' }, lifecycle_rule: [{ age: 30 }], secret: 'a' },
        after: { name: 'logs', labels: { owner: 'someone', env: 'dev' }, lifecycle_rule: [{ age: 7 }], secret: 'b' },
        before_sensitive: { secret: true },
        after_sensitive: { secret: true },
      },
    },
    { address: 'data.google_project.current', mode: 'data', change: { actions: ['update'], before: { a: 1 }, after: { a: 2 } } },
  ],
};

describe('drift from a refresh-only plan', () => {
  it('reports a resource whose object is gone as deleted outside the engine', () => {
    expect(resourceDrift(deletedFile)).toEqual([{ address: 'local_file.page', kind: 'deleted', attributes: [] }]);
  });

  it('names every attribute that differs, nested paths included, and masks sensitive values', () => {
    expect(resourceDrift(editedBucket)).toEqual([
      {
        address: 'module.logs.google_storage_bucket.this',
        kind: 'changed',
        attributes: [
          { path: 'labels.owner', before: 'platform', after: 'someone' },
          { path: 'lifecycle_rule[0].age', before: 30, after: 7 },
          { path: 'secret', before: '(sensitive)', after: '(sensitive)' },
        ],
      },
    ]);
  });

  it('does not count data sources read again as drift', () => {
    expect(resourceDrift(editedBucket).map((r) => r.address)).not.toContain('data.google_project.current');
  });

  it('reports no drift when the plan has none', () => {
    expect(resourceDrift({})).toEqual([]);
  });

  it('treats a list that changed length as one differing attribute', () => {
    expect(attributeDifferences({ ports: [80] }, { ports: [80, 22] })).toEqual([{ path: 'ports', before: [80], after: [80, 22] }]);
  });

  it('reports an attribute added outside the engine with null in state', () => {
    expect(attributeDifferences({ a: 1 }, { a: 1, b: 'x' })).toEqual([{ path: 'b', before: null, after: 'x' }]);
  });
});
