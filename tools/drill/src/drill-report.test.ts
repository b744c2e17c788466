import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDirectoryStore } from '@platform/store';
import type { DrillPhase, DrillReport, DrillStep } from './report-model';
import { ganttLabel, renderDrillReport } from './report-markdown';
import { parseDrillReport } from './report-schema';
import { drillReportKey, drillTrend, listDrillReports, saveDrillReport, writeDrillReportFiles } from './report-store';

// Fixtures: a drill of three stacks rebuilt from prod, deployed one after the other, as the orchestrator reports it.

const STACKS = ['fx-base', 'fx-edge', 'fx-app'] as const;
const VERSIONS: Record<string, string> = { 'fx-base': '1.4.0', 'fx-edge': '2.0.1', 'fx-app': '3.2.0-rc.1' };

function step(drillStart: string, phase: DrillPhase, name: string, from: number, seconds: number, extra: Partial<DrillStep> = {}): DrillStep {
  const startedAt = new Date(Date.parse(drillStart) + from * 1000).toISOString();
  return { phase, name, startedAt, seconds, engineSeconds: Math.round(seconds * 0.8 * 10) / 10, outcome: 'passed', ...extra };
}

/** A passing full drill: 2 s preflight, 2 s restore, 30 s deploy, 2 s verify, 1 s backup, 10 s destroy, 1 s verify-empty per stack. */
function passingDrill(id = '20261122T051500Z-3f9a', startedAt = '2026-11-22T05:15:00.000Z'): DrillReport {
  const steps: DrillStep[] = [step(startedAt, 'preflight', 'check engine, store and credentials', 0, 2), step(startedAt, 'restore-delivery', 'fetch promoted artifacts', 2, 2)];
  let t = 4;
  const verifiedAfter: Record<string, number> = {};
  for (const stack of STACKS) {
    steps.push(step(startedAt, 'deploy', 'apply', t, 30, { stack }));
    steps.push(step(startedAt, 'verify', 'smoke: output greeting matches ^hello', t + 30, 2, { stack, engineSeconds: 0.5 }));
    verifiedAfter[stack] = t + 32;
    t += 32;
  }
  for (const stack of STACKS) steps.push(step(startedAt, 'state-backup', 'copy state', t++, 1, { stack, engineSeconds: 0 }));
  for (const stack of [...STACKS].reverse()) {
    steps.push(step(startedAt, 'destroy', 'destroy', t, 10, { stack }));
    steps.push(step(startedAt, 'verify-empty', 'state list is empty', t + 10, 1, { stack }));
    t += 11;
  }
  return {
    schemaVersion: 1,
    id,
    environment: 'fx-drill',
    source: 'fx-prod',
    mode: 'full',
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + t * 1000).toISOString(),
    outcome: 'passed',
    rtoSeconds: verifiedAfter['fx-app']!,
    wallSeconds: t,
    engineSeconds: Math.round(steps.reduce((sum, s) => sum + s.engineSeconds, 0) * 10) / 10,
    stacks: STACKS.map((stack) => ({ stack, version: VERSIONS[stack]!, outcome: 'passed', verifiedAfterSeconds: verifiedAfter[stack] })),
    steps,
    cleanup: { ran: true, leftInState: Object.fromEntries(STACKS.map((stack) => [stack, []])) },
  };
}

const bucketDiagnostic = {
  severity: 'error',
  summary: 'Error creating Bucket: googleapi: Error 409: Your previous request to create the named bucket succeeded and you already own it.',
  detail: 'with google_storage_bucket.site,\non main.tf.json line 12, in resource "google_storage_bucket" "site":',
  address: 'google_storage_bucket.site',
  range: { filename: 'main.tf.json', start: { line: 12, column: 9, byte: 301 }, end: { line: 12, column: 30, byte: 322 } },
} as const;

/** fx-app's apply fails after base and edge are up and verified; cleanup leaves the half-created bucket behind. */
function failingDrill(id = '20261123T051500Z-77c1', startedAt = '2026-11-23T05:15:00.000Z'): DrillReport {
  const passing = passingDrill(id, startedAt);
  const error = `tofu apply failed: ${bucketDiagnostic.summary}`;
  const steps = passing.steps
    .filter((s) => s.stack !== 'fx-app' || s.phase === 'deploy' || s.phase === 'destroy')
    .map((s) => (s.stack === 'fx-app' && s.phase === 'deploy' ? { ...s, seconds: 12, outcome: 'failed' as const, error, diagnostics: [bucketDiagnostic] } : s));
  steps.push(step(startedAt, 'verify', 'smoke: output greeting matches ^hello', 72, 0, { stack: 'fx-app', outcome: 'skipped', engineSeconds: 0 }));
  return {
    ...passing,
    outcome: 'failed',
    rtoSeconds: null,
    stacks: passing.stacks.map((s) => (s.stack === 'fx-app' ? { stack: s.stack, version: s.version, outcome: 'failed' } : s)),
    steps,
    failure: { phase: 'deploy', stack: 'fx-app', step: 'apply', error, diagnostics: [bucketDiagnostic] },
    cleanup: { ran: true, leftInState: { 'fx-base': [], 'fx-edge': [], 'fx-app': ['google_storage_bucket.site', 'google_storage_bucket_iam_member.reader'] } },
  };
}

/** A stored drill with only what the trend reads changed. */
function earlierDrill(id: string, outcome: DrillReport['outcome'], rtoSeconds: number | null, extra: Partial<DrillReport> = {}): DrillReport {
  return { ...passingDrill(id), outcome, rtoSeconds, wallSeconds: 150, ...extra };
}

function ganttBlock(markdown: string): string[] {
  const block = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  expect(block, 'a mermaid block').not.toBeNull();
  return block![1]!.split('\n');
}

const taskLines = (gantt: readonly string[]) => gantt.filter((line) => /\bstep\d+, \d+, \d+$/.test(line));

describe('drill report schema', () => {
  it('reads back a report exactly as it was written', () => {
    for (const report of [passingDrill(), failingDrill()]) {
      expect(parseDrillReport(JSON.stringify(report), 'drill.json')).toEqual(report);
    }
  });

  const malformed: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    ['a missing RTO', (r) => delete r.rtoSeconds, /^drill\.json: key 'rtoSeconds' /],
    ['an unknown phase', (r) => ((r.steps as Record<string, unknown>[])[3]!.phase = 'deploying'), /key 'steps\.3\.phase' /],
    ['an unknown key in a stack', (r) => ((r.stacks as Record<string, unknown>[])[1]!.colour = 'blue'), /key 'stacks\.1\.colour' is unknown/],
    ['negative seconds', (r) => ((r.steps as Record<string, unknown>[])[0]!.seconds = -1), /key 'steps\.0\.seconds' must be a number of seconds, not negative/],
    ['an id that is not one key segment', (r) => (r.id = '2026/11'), /key 'id' must be a sortable id/],
    ['a start time that is not ISO 8601', (r) => (r.startedAt = 'yesterday'), /key 'startedAt' /],
    ['another schema version', (r) => (r.schemaVersion = 2), /key 'schemaVersion' /],
    ['a diagnostic without detail', (r) => delete ((r.failure as { diagnostics: Record<string, unknown>[] }).diagnostics[0]!.detail), /key 'failure\.diagnostics\.0\.detail' /],
  ];
  it.each(malformed)('refuses a report with %s, naming the file and the key', (_, breakIt, message) => {
    const raw = JSON.parse(JSON.stringify(failingDrill())) as Record<string, unknown>;
    breakIt(raw);
    expect(() => parseDrillReport(JSON.stringify(raw), 'drill.json')).toThrow(message);
  });

  it('refuses text that is not JSON, naming where it came from', () => {
    expect(() => parseDrillReport('{"schemaVersion": 1,', 's3://bucket/drills/fx-drill/x/report.json')).toThrow(/^s3:\/\/bucket\/drills\/fx-drill\/x\/report\.json: not valid JSON/);
  });
});

describe('drill report markdown', () => {
  it('renders a passing drill: title, summary, per-stack phases, clean state and one gantt bar per step', () => {
    const report = passingDrill();
    const markdown = renderDrillReport(report, drillTrend(report, []));

    expect(markdown).toContain('## Disaster-recovery drill of fx-drill: PASSED (full rebuild)');
    expect(markdown).toMatch(/\| RTO +\| 100\.0 s +\|/);
    expect(markdown).toMatch(/\| Wall time +\| 136\.0 s +\|/);
    const overhead = report.wallSeconds - report.engineSeconds;
    expect(markdown).toContain(`| Orchestration overhead | ${overhead.toFixed(1)} s (${((overhead / report.wallSeconds) * 100).toFixed(1)} % of wall time)`);
    expect(markdown).toMatch(/\| Source environment +\| fx-prod +\|/);
    expect(markdown).toMatch(/\| Stacks +\| 3 \(fx-base, fx-edge, fx-app\) +\|/);
    expect(markdown).not.toContain('### Failure');
    // Only phases with per-stack steps are columns; whole-drill phases are in the timeline.
    expect(markdown).toMatch(/\| Stack +\| Version +\| Outcome +\| Verified after +\| deploy +\| verify +\| state-backup +\| destroy +\| verify-empty +\|/);
    expect(markdown).toMatch(/\| fx-app +\| 3\.2\.0-rc\.1 +\| passed +\| 100\.0 s +\| 30\.0 s +\| 2\.0 s +\| 1\.0 s +\| 10\.0 s +\| 1\.0 s +\|/);
    expect(markdown).toContain('Cleanup ran. Nothing left in state.');

    const gantt = ganttBlock(markdown);
    expect(gantt.slice(0, 5)).toEqual(['gantt', '  title Drill of fx-drill 20261122T051500Z-3f9a', '  dateFormat x', '  axisFormat %M:%S', '  todayMarker off']);
    expect(gantt.filter((line) => line.startsWith('  section '))).toEqual(['preflight', 'restore-delivery', 'deploy', 'verify', 'state-backup', 'destroy', 'verify-empty'].map((p) => `  section ${p}`));
    expect(taskLines(gantt)).toHaveLength(report.steps.length);
    expect(gantt).toContain('  check engine, store and credentials :step1, 0, 2000');
    expect(gantt).toContain('  fx-edge apply :step4, 36000, 66000');
    expect(gantt.join('\n')).not.toContain('crit');
  });

  it('renders a failing drill with the failing step and each engine diagnostic in a fenced block', () => {
    const report = failingDrill();
    const markdown = renderDrillReport(report, drillTrend(report, []));

    expect(markdown).toContain('## Disaster-recovery drill of fx-drill: FAILED (full rebuild)');
    expect(markdown).toMatch(/\| RTO +\| not reached: not every stack was verified +\|/);
    expect(markdown).toContain('Failed in phase **deploy**, stack **fx-app**, step **apply**.');
    expect(markdown).toContain(
      [
        '```text',
        `tofu apply failed: ${bucketDiagnostic.summary}`,
        '',
        `error: ${bucketDiagnostic.summary} (google_storage_bucket.site, main.tf.json:12)`,
        '  with google_storage_bucket.site,',
        '  on main.tf.json line 12, in resource "google_storage_bucket" "site":',
        '```',
      ].join('\n'),
    );
    expect(markdown).toMatch(/\| fx-app +\| 3\.2\.0-rc\.1 +\| FAILED +\| not verified +\| 12\.0 s \(failed\) +\| skipped +\| +\| 10\.0 s +\| +\|/);
    expect(markdown).toContain(
      ['Cleanup ran. Left in state, by stack:', '', '- fx-app: 2 resources', '  - `google_storage_bucket.site`', '  - `google_storage_bucket_iam_member.reader`'].join('\n'),
    );

    const tasks = taskLines(ganttBlock(markdown));
    expect(tasks).toHaveLength(report.steps.length);
    expect(tasks.filter((line) => line.includes(':crit,'))).toEqual(['  fx-app apply :crit, step5, 68000, 80000']);
  });

  it('keeps gantt task labels free of the characters Mermaid reads as syntax', () => {
    const tasks = taskLines(ganttBlock(renderDrillReport(passingDrill(), drillTrend(passingDrill(), []))));
    for (const line of tasks) expect(line).toMatch(/^ {2}[^:#;%\n]+ :(crit, )?step\d+, \d+, \d+$/);
    expect(tasks).toContain('  fx-base smoke - output greeting matches ^hello :step6, 34000, 36000');
  });

  it.each([
    ['smoke: output greeting matches ^hello', 'smoke - output greeting matches ^hello'],
    ['check #2; again', 'check 2, again'],
    ['50%% done\n next', '50% done next'],
    [' : # ', '-'],
    ['', 'step'],
  ])('sanitizes the gantt label %j to %j', (text, label) => {
    expect(ganttLabel(text)).toBe(label);
  });

  it('shows the trend: earlier drills, this one, the RTO change, the median and the pass rate', () => {
    const report = { ...passingDrill('20261125T051500Z-0003'), rtoSeconds: 97.3 };
    const earlier = [earlierDrill('20261120T051500Z-0001', 'passed', 99.4), earlierDrill('20261121T051500Z-0002', 'failed', null, { wallSeconds: 75.25 })];
    const markdown = renderDrillReport(report, drillTrend(report, earlier));
    expect(markdown).toMatch(/\| 20261120T051500Z-0001 +\| PASSED +\| 99\.4 s +\| 150\.0 s +\|/);
    expect(markdown).toMatch(/\| 20261121T051500Z-0002 +\| FAILED +\| not reached +\| 75\.3 s +\|/);
    expect(markdown).toMatch(/\| 20261125T051500Z-0003 \(this drill\) +\| PASSED +\| 97\.3 s +\| 136\.0 s +\|/);
    expect(markdown).toContain('- RTO against the previous passing drill: 2.1 s faster');
    expect(markdown).toContain('- Median RTO of the earlier passing drills: 99.4 s');
    expect(markdown).toContain('- Pass rate: 66.7 % (2 of 3 drills)');

    const slower = { ...report, rtoSeconds: 101.5 };
    expect(renderDrillReport(slower, drillTrend(slower, earlier))).toContain('2.1 s slower');
    const first = renderDrillReport(report, drillTrend(report, []));
    expect(first).toContain('- RTO against the previous passing drill: no earlier passing drill');
    expect(first).toContain('- Pass rate: 100.0 % (1 of 1 drill)');
  });
});

describe('drills stopped at preflight in the trend', () => {
  const stopped = (id: string): DrillReport => ({
    ...earlierDrill(id, 'failed', null, { wallSeconds: 1.2 }),
    failure: { phase: 'preflight', step: 'preflight', error: "no stack has been promoted to 'fx-prod'" },
  });

  it('leaves out earlier drills that stopped at preflight: they rebuilt nothing', () => {
    const report = { ...passingDrill('20261125T051500Z-0003'), rtoSeconds: 97.3 };
    const trend = drillTrend(report, [earlierDrill('20261120T051500Z-0001', 'passed', 99.4), stopped('20261121T051500Z-0002')]);
    expect(trend.earlier.map((d) => d.id)).toEqual(['20261120T051500Z-0001']);
    expect(renderDrillReport(report, trend)).toContain('- Pass rate: 100.0 % (2 of 2 drills)');
  });

  it('does not count a drill that stopped at preflight itself, and says why', () => {
    const report = stopped('20261125T051500Z-0003');
    expect(drillTrend(report, []).passRate).toBeNull();
    const alone = renderDrillReport(report, drillTrend(report, []));
    expect(alone).toContain('This drill stopped at preflight before rebuilding anything, so it is not counted; no earlier full rebuild drills of');
    expect(alone).not.toContain('Pass rate');
    const after = renderDrillReport(report, drillTrend(report, [earlierDrill('20261120T051500Z-0001', 'passed', 99.4)]));
    expect(after).toContain('- Pass rate: 100.0 % (1 of 1 drill)');
    expect(after).not.toContain('(this drill)');
  });
});

describe('drill trend', () => {
  it('compares the RTO with the latest earlier passing drill, skipping failed ones after it', () => {
    const report = { ...passingDrill('20261125T051500Z-0005'), rtoSeconds: 97.3 };
    const trend = drillTrend(report, [
      earlierDrill('20261121T051500Z-0001', 'passed', 120),
      earlierDrill('20261122T051500Z-0002', 'passed', 99.4),
      earlierDrill('20261123T051500Z-0003', 'failed', null),
      earlierDrill('20261124T051500Z-0004', 'interrupted', null),
    ]);
    expect(trend.rtoDeltaSeconds).toBe(-2.1);
    expect(trend.medianRtoSeconds).toBe(109.7);
    expect(trend.passRate).toBe(3 / 5);
    expect(trend.earlier).toEqual([
      { id: '20261121T051500Z-0001', outcome: 'passed', rtoSeconds: 120, wallSeconds: 150 },
      { id: '20261122T051500Z-0002', outcome: 'passed', rtoSeconds: 99.4, wallSeconds: 150 },
      { id: '20261123T051500Z-0003', outcome: 'failed', rtoSeconds: null, wallSeconds: 150 },
      { id: '20261124T051500Z-0004', outcome: 'interrupted', rtoSeconds: null, wallSeconds: 150 },
    ]);
  });

  it('takes the median of an odd number of passing drills as the middle one', () => {
    const report = passingDrill('20261130T000000Z-ffff');
    const trend = drillTrend(report, [earlierDrill('20261101T000000Z-0001', 'passed', 90), earlierDrill('20261102T000000Z-0002', 'passed', 300), earlierDrill('20261103T000000Z-0003', 'passed', 100)]);
    expect(trend.medianRtoSeconds).toBe(100);
  });

  it('looks at the last ten earlier drills only, oldest first, whatever order they come in', () => {
    const earlier = Array.from({ length: 14 }, (_, i) => earlierDrill(`202611${String(i + 1).padStart(2, '0')}T000000Z-aaaa`, i < 4 ? 'passed' : 'failed', i < 4 ? 100 : null));
    const report = passingDrill('20261130T000000Z-ffff');
    const trend = drillTrend(report, [...earlier].reverse());
    expect(trend.earlier.map((d) => d.id)).toEqual(earlier.slice(4).map((d) => d.id));
    // The four passing drills fell out of the window: nothing to compare with.
    expect(trend.rtoDeltaSeconds).toBeNull();
    expect(trend.medianRtoSeconds).toBeNull();
    expect(trend.passRate).toBe(1 / 11);
  });

  it('ignores drills of another environment or mode, the report itself and later drills', () => {
    const report = passingDrill('20261125T000000Z-0005');
    const trend = drillTrend(report, [
      earlierDrill('20261121T000000Z-0001', 'passed', 80, { environment: 'fx-drill-eu' }),
      earlierDrill('20261122T000000Z-0002', 'passed', 5, { mode: 'plan-only' }),
      earlierDrill('20261123T000000Z-0003', 'failed', null),
      report,
      earlierDrill('20261126T000000Z-0006', 'passed', 60),
    ]);
    expect(trend.earlier.map((d) => d.id)).toEqual(['20261123T000000Z-0003']);
    expect(trend).toMatchObject({ rtoDeltaSeconds: null, medianRtoSeconds: null, passRate: 1 / 2 });
  });

  it('has no RTO delta when this drill has no RTO, but still the median of the earlier ones', () => {
    const report = failingDrill('20261125T000000Z-0005');
    const trend = drillTrend(report, [earlierDrill('20261121T000000Z-0001', 'passed', 80), earlierDrill('20261122T000000Z-0002', 'passed', 90)]);
    expect(trend).toEqual({ earlier: expect.any(Array), rtoDeltaSeconds: null, medianRtoSeconds: 85, passRate: 2 / 3 });
    expect(renderDrillReport(report, trend)).toContain('- RTO against the previous passing drill: none: this drill has no RTO');
  });

  it('gives a pass rate of zero for a first drill that failed', () => {
    expect(drillTrend(failingDrill(), [])).toEqual({ earlier: [], rtoDeltaSeconds: null, medianRtoSeconds: null, passRate: 0 });
  });
});

describe('drill report store', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), name));
    dirs.push(dir);
    return dir;
  };

  it('keys reports by environment and id', () => {
    expect(drillReportKey('fx-drill', '20261122T051500Z-3f9a', 'json')).toBe('drills/fx-drill/20261122T051500Z-3f9a/report.json');
    expect(drillReportKey('fx-drill', '20261122T051500Z-3f9a', 'md')).toBe('drills/fx-drill/20261122T051500Z-3f9a/report.md');
  });

  it('keeps every report and lists them oldest first, without reports of other environments', async () => {
    const store = new LocalDirectoryStore(tempDir('drill-store-'));
    const older = passingDrill('20261122T051500Z-3f9a');
    const newer = failingDrill('20261123T051500Z-77c1');
    const elsewhere = { ...passingDrill('20261121T051500Z-0000'), environment: 'fx-drill-eu' };
    for (const report of [newer, older, elsewhere]) await saveDrillReport(store, report, renderDrillReport(report, drillTrend(report, [])));

    expect(await listDrillReports(store, 'fx-drill')).toEqual([older, newer]);
    const markdown = await store.get(drillReportKey('fx-drill', newer.id, 'md'));
    expect(Buffer.from(markdown!).toString('utf8')).toContain('FAILED (full rebuild)');
  });

  it('refuses to save a second report under the same id and keeps the first', async () => {
    const store = new LocalDirectoryStore(tempDir('drill-store-'));
    const report = passingDrill();
    await saveDrillReport(store, report, 'first');
    await expect(saveDrillReport(store, { ...report, outcome: 'failed' }, 'second')).rejects.toThrow(/report\.json already exists: drill reports are never overwritten/);
    await expect(saveDrillReport(store, report, 'first')).rejects.toThrow(/already exists/);
    expect(await listDrillReports(store, 'fx-drill')).toEqual([report]);
    expect(Buffer.from((await store.get(drillReportKey('fx-drill', report.id, 'md')))!).toString('utf8')).toBe('first');
  });

  it('does not list a report whose JSON was never written, and finishes that save when retried with the same Markdown', async () => {
    const store = new LocalDirectoryStore(tempDir('drill-store-'));
    const report = passingDrill();
    await store.put(drillReportKey('fx-drill', report.id, 'md'), Buffer.from('# half saved'));
    expect(await listDrillReports(store, 'fx-drill')).toEqual([]);

    await expect(saveDrillReport(store, report, '# another report')).rejects.toThrow(/report\.md already exists with other content and no report\.json beside it/);
    await saveDrillReport(store, report, '# half saved');
    expect(await listDrillReports(store, 'fx-drill')).toEqual([report]);
  });

  it('names the stored report that does not parse, and the key', async () => {
    const store = new LocalDirectoryStore(tempDir('drill-store-'));
    const key = drillReportKey('fx-drill', '20261122T051500Z-3f9a', 'json');
    await store.put(key, Buffer.from(JSON.stringify({ ...passingDrill(), outcome: 'ok' })));
    await expect(listDrillReports(store, 'fx-drill')).rejects.toThrow(`${store.location}/${key}: key 'outcome' `);
  });

  it('refuses a report stored under another id than its own', async () => {
    const store = new LocalDirectoryStore(tempDir('drill-store-'));
    await store.put(drillReportKey('fx-drill', '20261101T000000Z-0000', 'json'), Buffer.from(JSON.stringify(passingDrill())));
    await expect(listDrillReports(store, 'fx-drill')).rejects.toThrow(/the report is drill '20261122T051500Z-3f9a' of 'fx-drill', which belongs at drills\/fx-drill\/20261122T051500Z-3f9a\/report\.json/);
  });

  it('writes the JSON and Markdown files for the CI artifacts', () => {
    const dir = join(tempDir('drill-files-'), 'dist/reports');
    const report = failingDrill();
    const paths = writeDrillReportFiles(dir, report, '# drill\n');
    expect(paths).toEqual({ json: join(dir, 'drill-fx-drill.json'), markdown: join(dir, 'drill-fx-drill.md') });
    expect(parseDrillReport(readFileSync(paths.json, 'utf8'), paths.json)).toEqual(report);
    expect(readFileSync(paths.markdown, 'utf8')).toBe('# drill\n');
  });
});
