import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ObjectStore } from '@platform/store';
import { ExternalError, markdownTable, UsageError } from '@platform/workspace';
import type { DriftStatus, StackDrift } from './stack-drift';

export interface StackDriftEntry extends StackDrift {
  /** When this stack was first seen drifted, without an in-sync check since (from the stored reports). */
  readonly driftedSince?: string;
  readonly driftedForSeconds?: number;
}

export interface DriftReport {
  readonly schemaVersion: 1;
  /** Sortable id, e.g. 20261122T051500Z-3f9a. */
  readonly id: string;
  readonly environment: string;
  readonly checkedAt: string;
  readonly seconds: number;
  /** error if any stack could not be checked, else drifted if any stack drifted, else in-sync. */
  readonly outcome: 'in-sync' | 'drifted' | 'error';
  readonly stacks: readonly StackDriftEntry[];
}

/** Exit codes a scheduler acts on; the same meaning as the engine's -detailed-exitcode. */
export const DRIFT_EXIT_CODES = { 'in-sync': 0, error: 1, drifted: 2 } as const;

export function driftOutcome(stacks: readonly StackDrift[]): DriftReport['outcome'] {
  if (stacks.some((s) => s.status === 'error')) return 'error';
  if (stacks.some((s) => s.status === 'drifted')) return 'drifted';
  return 'in-sync';
}

/** What history needs from a stored report; the rest is kept but not interpreted. */
const storedReportSchema = z.looseObject({
  id: z.string(),
  environment: z.string(),
  checkedAt: z.iso.datetime(),
  stacks: z.array(z.looseObject({ stack: z.string(), status: z.enum(['in-sync', 'drifted', 'not-deployed', 'error']), driftedSince: z.iso.datetime().optional() })),
});
/** The part of an earlier report that drift age is computed from. */
export interface DriftHistoryEntry {
  readonly id: string;
  readonly checkedAt: string;
  readonly stacks: readonly { readonly stack: string; readonly status: DriftStatus; readonly driftedSince?: string }[];
}

export function driftReportKey(environment: string, id: string, ext: 'json' | 'md'): string {
  return `drift/${environment}/${id}/report.${ext}`;
}

/** Earlier reports of an environment, oldest first; an unreadable one is named in the error. */
export async function listDriftReports(store: ObjectStore, environment: string): Promise<DriftHistoryEntry[]> {
  const keys = (await store.list(`drift/${environment}/`)).filter((key) => key.endsWith('/report.json')).sort();
  const reports: DriftHistoryEntry[] = [];
  for (const key of keys) {
    const bytes = await store.get(key);
    if (!bytes) continue;
    const parsed = storedReportSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ExternalError(`${store.location}/${key}: key '${issue.path.join('.')}' ${issue.message}`);
    }
    reports.push(parsed.data);
  }
  return reports;
}

/**
 * Since when a stack has been drifted: carried over from the latest earlier report that could
 * check it (in sync there: drifted since now). Reports where the check failed say nothing.
 */
export function driftedSince(stack: string, checkedAt: string, earlier: readonly DriftHistoryEntry[]): string {
  for (const report of [...earlier].reverse()) {
    const entry = report.stacks.find((s) => s.stack === stack);
    if (!entry || entry.status === 'error') continue;
    return entry.status === 'drifted' ? (entry.driftedSince ?? report.checkedAt) : checkedAt;
  }
  return checkedAt;
}

export function withDriftAge(stacks: readonly StackDrift[], checkedAt: string, earlier: readonly DriftHistoryEntry[]): StackDriftEntry[] {
  return stacks.map((stack) => {
    if (stack.status !== 'drifted') return stack;
    const since = driftedSince(stack.stack, checkedAt, earlier);
    return { ...stack, driftedSince: since, driftedForSeconds: Math.round((Date.parse(checkedAt) - Date.parse(since)) / 1000) };
  });
}

/** Writes the Markdown, then the JSON, which is the commit point; a report is never overwritten. */
export async function saveDriftReport(store: ObjectStore, report: DriftReport, markdown: string): Promise<void> {
  await store.put(driftReportKey(report.environment, report.id, 'md'), Buffer.from(markdown), { ifAbsent: true });
  const { written } = await store.put(driftReportKey(report.environment, report.id, 'json'), Buffer.from(`${JSON.stringify(report, null, 2)}\n`), { ifAbsent: true });
  if (!written) throw new UsageError(`${store.location}/${driftReportKey(report.environment, report.id, 'json')} already exists: drift reports are never overwritten`);
}

export function writeDriftReportFiles(workspaceRoot: string, report: DriftReport, markdown: string): { json: string; markdown: string } {
  const dir = join(workspaceRoot, 'dist/reports');
  mkdirSync(dir, { recursive: true });
  const paths = { json: join(dir, `drift-${report.environment}.json`), markdown: join(dir, `drift-${report.environment}.md`) };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.markdown, markdown);
  return paths;
}

const STATUS_LABEL: Record<DriftStatus, string> = { 'in-sync': 'in sync', drifted: 'DRIFTED', 'not-deployed': 'not deployed', error: 'ERROR' };

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

function value(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `\`${(text.length > 80 ? `${text.slice(0, 77)}...` : text).replace(/`/g, "'").replace(/\n/g, '\\n')}\``;
}

export function renderDriftReport(report: DriftReport): string {
  const lines = [
    `## Drift of ${report.environment}: ${report.outcome === 'in-sync' ? 'in sync' : report.outcome === 'drifted' ? 'DRIFT FOUND' : 'CHECK FAILED'}`,
    '',
    `Checked ${report.checkedAt} in ${report.seconds.toFixed(1)} s (refresh-only plans; nothing was changed).`,
    '',
    markdownTable(
      ['Stack', 'Compared with', 'Status', 'Drifted resources', 'Drifted for'],
      report.stacks.map((s) => [
        s.stack,
        s.configuration,
        STATUS_LABEL[s.status],
        s.status === 'drifted' ? String(s.resources.length) : '',
        s.driftedSince ? `${formatDuration(s.driftedForSeconds ?? 0)} (since ${s.driftedSince})` : '',
      ]),
    ),
  ];
  for (const stack of report.stacks.filter((s) => s.status === 'drifted')) {
    lines.push('', `### ${stack.stack}`, '');
    for (const resource of stack.resources) {
      if (resource.kind === 'deleted') {
        lines.push(`- \`${resource.address}\`: deleted or replaced outside the engine (the refresh no longer finds the object it created)`);
        continue;
      }
      lines.push(`- \`${resource.address}\`: changed outside the engine`, '');
      lines.push(markdownTable(['Attribute', 'In state', 'Real'], resource.attributes.map((a) => [a.path, value(a.before), value(a.after)])));
    }
  }
  for (const stack of report.stacks.filter((s) => s.status === 'error')) {
    lines.push('', `### ${stack.stack}: not checked`, '', '```text', stack.error ?? 'unknown error');
    for (const d of stack.diagnostics ?? []) lines.push(`${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ''}`);
    lines.push('```');
  }
  if (report.outcome !== 'in-sync') {
    lines.push('', 'What to do: docs/runbooks/drift.md (fix the source and deploy through the pipeline, or import; never by hand).');
  }
  lines.push('');
  return lines.join('\n');
}
