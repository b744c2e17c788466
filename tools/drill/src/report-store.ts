import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectStore } from '@platform/store';
import { stoppedAtPreflight, type DrillReport, type DrillTrend } from './report-model';
import { parseDrillReport } from './report-schema';
import { ExternalError, UsageError } from '@platform/workspace';

/** How many earlier drills the trend looks at. */
export const DRILL_TREND_WINDOW = 10;

export function drillReportKey(environment: string, id: string, ext: 'json' | 'md'): string {
  return `drills/${environment}/${id}/report.${ext}`;
}

function reportJson(report: DrillReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Ids sort by time as text; a plain code-unit comparison, the same in every locale. */
function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Keeps a drill report in the store: the Markdown, then the JSON, which is the commit point (a
 * report without its JSON is not listed). History is never overwritten: saving an id that is
 * already stored is an error. A retry after a save that stopped before the JSON goes through
 * when its Markdown is the same.
 */
export async function saveDrillReport(store: ObjectStore, report: DrillReport, markdown: string): Promise<void> {
  const mdKey = drillReportKey(report.environment, report.id, 'md');
  const jsonKey = drillReportKey(report.environment, report.id, 'json');
  const markdownBytes = Buffer.from(markdown);
  const md = await store.put(mdKey, markdownBytes, { ifAbsent: true });
  if (!md.written) {
    if (await store.get(jsonKey)) throw alreadyStored(store, jsonKey);
    const existing = await store.get(mdKey);
    if (!existing || !markdownBytes.equals(existing)) {
      throw new UsageError(
        `${store.location}/${mdKey} already exists with other content and no report.json beside it (an earlier save of drill ${report.id} did not finish); drill reports are never overwritten: save under a new id`,
      );
    }
  }
  const json = await store.put(jsonKey, Buffer.from(reportJson(report)), { ifAbsent: true });
  if (!json.written) throw alreadyStored(store, jsonKey);
}

function alreadyStored(store: ObjectStore, key: string): Error {
  return new UsageError(`${store.location}/${key} already exists: drill reports are never overwritten`);
}

/** Every stored drill report of an environment, oldest first; one that does not parse is named in the error. */
export async function listDrillReports(store: ObjectStore, environment: string): Promise<DrillReport[]> {
  const prefix = `drills/${environment}/`;
  const keys = (await store.list(prefix)).filter((key) => /^[^/]+\/report\.json$/.test(key.slice(prefix.length)));
  const reports: DrillReport[] = [];
  for (const key of keys) {
    const bytes = await store.get(key);
    if (!bytes) continue;
    const where = `${store.location}/${key}`;
    const report = parseDrillReport(Buffer.from(bytes).toString('utf8'), where);
    if (drillReportKey(report.environment, report.id, 'json') !== key) {
      throw new ExternalError(`${where}: the report is drill '${report.id}' of '${report.environment}', which belongs at ${drillReportKey(report.environment, report.id, 'json')}`);
    }
    reports.push(report);
  }
  return reports.sort(byId);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Rounded to the millisecond, so that 97.3 - 99.4 is stored as -2.1. */
function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * How a drill compares with earlier ones: those of the same environment and mode with a smaller
 * (earlier) id, the last {@link DRILL_TREND_WINDOW}, oldest first. The RTO delta is against the
 * latest of them that passed with an RTO; the median is over those that passed; the pass rate
 * counts them and this drill.
 */
export function drillTrend(report: DrillReport, earlier: readonly DrillReport[]): DrillTrend {
  const counted = stoppedAtPreflight(report) ? 0 : 1;
  const window = earlier
    .filter((r) => r.environment === report.environment && r.mode === report.mode && r.id < report.id && !stoppedAtPreflight(r))
    .sort(byId)
    .slice(-DRILL_TREND_WINDOW);
  const passedRtos = window.filter((r) => r.outcome === 'passed' && r.rtoSeconds !== null).map((r) => r.rtoSeconds!);
  const previous = passedRtos.at(-1);
  const medianRto = median(passedRtos);
  const passed = window.filter((r) => r.outcome === 'passed').length + (counted && report.outcome === 'passed' ? 1 : 0);
  return {
    earlier: window.map(({ id, outcome, rtoSeconds, wallSeconds }) => ({ id, outcome, rtoSeconds, wallSeconds })),
    rtoDeltaSeconds: previous === undefined || report.rtoSeconds === null ? null : roundSeconds(report.rtoSeconds - previous),
    medianRtoSeconds: medianRto === null ? null : roundSeconds(medianRto),
    passRate: window.length + counted === 0 ? null : passed / (window.length + counted),
  };
}

/** Writes `drill-<environment>.json` and `.md` into a directory (e.g. dist/reports), created if missing. */
export function writeDrillReportFiles(dir: string, report: DrillReport, markdown: string): { readonly json: string; readonly markdown: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { json: join(dir, `drill-${report.environment}.json`), markdown: join(dir, `drill-${report.environment}.md`) };
  writeFileSync(paths.json, reportJson(report));
  writeFileSync(paths.markdown, markdown);
  return paths;
}
