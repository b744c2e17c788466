import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDirectoryStore } from '@platform/store';
import { driftedSince, driftOutcome, DRIFT_EXIT_CODES, listDriftReports, renderDriftReport, saveDriftReport, withDriftAge, type DriftReport } from './drift-report';
import type { StackDrift } from './stack-drift';

const inSync = (stack: string): StackDrift => ({ stack, status: 'in-sync', resources: [], resourcesInState: 2, seconds: 0.4, configuration: 'synth output' });
const drifted = (stack: string): StackDrift => ({
  stack,
  status: 'drifted',
  resources: [{ address: 'local_file.page', kind: 'deleted', attributes: [] }],
  resourcesInState: 1,
  seconds: 0.5,
  configuration: 'edge@1.2.0',
});
const failed = (stack: string): StackDrift => ({
  stack,
  status: 'error',
  resources: [],
  resourcesInState: 0,
  seconds: 0.1,
  configuration: 'synth output',
  error: 'tofu plan failed: Error acquiring the state lock',
  diagnostics: [{ severity: 'error', summary: 'Error acquiring the state lock', detail: 'lock held by run 42' }],
});

function report(id: string, checkedAt: string, stacks: StackDrift[]): DriftReport {
  return { schemaVersion: 1, id, environment: 'fx-dev', checkedAt, seconds: 1, outcome: driftOutcome(stacks), stacks: withDriftAge(stacks, checkedAt, []) };
}

describe('drift report', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('gives an exit code per outcome: 0 in sync, 2 drift found, 1 when a stack could not be checked', () => {
    expect(DRIFT_EXIT_CODES[driftOutcome([inSync('a')])]).toBe(0);
    expect(DRIFT_EXIT_CODES[driftOutcome([inSync('a'), drifted('b')])]).toBe(2);
    expect(DRIFT_EXIT_CODES[driftOutcome([drifted('a'), failed('b')])]).toBe(1);
  });

  it('dates drift from the first report that saw it, and restarts after an in-sync check', () => {
    const earlier = [
      report('1', '2026-11-01T00:00:00.000Z', [inSync('app')]),
      report('2', '2026-11-02T00:00:00.000Z', [drifted('app')]),
      report('3', '2026-11-03T00:00:00.000Z', [drifted('app')]),
      report('4', '2026-11-04T00:00:00.000Z', [failed('app')]),
    ].map((r, i, all) => ({ ...r, stacks: withDriftAge(r.stacks, r.checkedAt, all.slice(0, i)) }));
    expect(driftedSince('app', '2026-11-05T00:00:00.000Z', earlier)).toBe('2026-11-02T00:00:00.000Z');
    const [entry] = withDriftAge([drifted('app')], '2026-11-05T00:00:00.000Z', earlier);
    expect(entry).toMatchObject({ driftedSince: '2026-11-02T00:00:00.000Z', driftedForSeconds: 3 * 86_400 });
    const afterFix = [...earlier, report('5', '2026-11-06T00:00:00.000Z', [inSync('app')])];
    expect(driftedSince('app', '2026-11-07T00:00:00.000Z', afterFix)).toBe('2026-11-07T00:00:00.000Z');
  });

  it('keeps every report in the store and reads them back oldest first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drift-store-'));
    dirs.push(dir);
    const store = new LocalDirectoryStore(dir);
    const first = report('20261101T000000Z-aaaa', '2026-11-01T00:00:00.000Z', [drifted('app')]);
    const second = report('20261102T000000Z-bbbb', '2026-11-02T00:00:00.000Z', [inSync('app')]);
    await saveDriftReport(store, second, renderDriftReport(second));
    await saveDriftReport(store, first, renderDriftReport(first));
    expect((await listDriftReports(store, 'fx-dev')).map((r) => r.id)).toEqual([first.id, second.id]);
    await expect(saveDriftReport(store, first, 'again')).rejects.toThrow(/already exists: drift reports are never overwritten/);
  });

  it('renders drifted resources, failed checks with the engine diagnostic, and the runbook', () => {
    const markdown = renderDriftReport(report('x', '2026-11-02T00:00:00.000Z', [inSync('base'), drifted('edge'), failed('app')]));
    expect(markdown).toContain('## Drift of fx-dev: CHECK FAILED');
    expect(markdown).toMatch(/\| edge +\| edge@1\.2\.0 +\| DRIFTED +\| 1 +\| 0 s \(since 2026-11-02T00:00:00.000Z\)/);
    expect(markdown).toContain('`local_file.page`: deleted or replaced outside the engine');
    expect(markdown).toContain('error: Error acquiring the state lock: lock held by run 42');
    expect(markdown).toContain('docs/runbooks/drift.md');
  });
});
