import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { LocalDirectoryStore } from '@platform/store';
import { deliveryStatus, emptyStatusHint } from './status';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the delivery status of a store with nothing in it', () => {
  it('says what to do next instead of a table of dashes only, and nothing once a version is published', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-'));
    dirs.push(dir);
    const store = new LocalDirectoryStore(dir);
    const status = await deliveryStatus(findWorkspaceRoot(import.meta.dirname), store);
    expect(status.stacks.length).toBeGreaterThan(0);
    expect(emptyStatusHint(status, store.location)).toBe(
      `Nothing is published to ${store.location} yet, so no environment runs a release. Release and promote a stack (docs/how-to/release-promote-and-roll-back.md), or read another store with --store.`,
    );
    const published = { ...status, stacks: status.stacks.map((s, i) => (i === 0 ? { ...s, latest: '1.0.0' } : s)) };
    expect(emptyStatusHint(published, store.location)).toBeUndefined();
  });
});
