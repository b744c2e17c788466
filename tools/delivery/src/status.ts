import { spawnSync } from 'node:child_process';
import semver from 'semver';
import { loadAllEnvironments, type EnvironmentConfig } from '@platform/config';
import { listVersions, type ObjectStore } from '@platform/store';
import { listStacks, markdownTable } from '@platform/workspace';
import { readReleases } from '@platform/deploy';
import { listRecords, type RejectedRecord, type StoredRecord } from './records';
import { loadTrustedKeys } from './signing';

/** The four DORA measures of one stack in one environment, from its records. */
export interface DeliveryMetrics {
  /** Completed changes (promotions, rollbacks, applies, destroys), succeeded or failed. */
  readonly changes: number;
  /** Hours from the commit of each version to its first successful deploy here, median. */
  readonly leadTimeHours: number | null;
  /** Successful changes per day over the span of the records. */
  readonly deploymentsPerDay: number | null;
  /** Failed changes (failed runs, rollbacks, break-glass) as a share of changes. */
  readonly changeFailRate: number | null;
  /** Hours from a failed change to the next successful one, median. */
  readonly timeToRestoreHours: number | null;
  /** Runs whose outcome was never written: `records repair` completes them. */
  readonly unfinished: number;
}

export interface StackStatus extends DeliveryMetrics {
  readonly stack: string;
  readonly latest: string | null;
  /** Version running in each environment (from releases.json), null when never deployed. */
  readonly running: Readonly<Record<string, string | null>>;
  /** Published versions newer than what the environment runs. */
  readonly lag: Readonly<Record<string, number>>;
  /** The measures in each environment; the top-level ones are those of the last environment. */
  readonly environments: Readonly<Record<string, DeliveryMetrics>>;
}

/** Changes and failed changes of one environment in one week (ISO week starting Monday, UTC). */
export interface WeeklyTrend {
  readonly environment: string;
  readonly week: string;
  readonly changes: number;
  readonly failedChanges: number;
}

export interface BreakGlassEntry {
  readonly at: string;
  readonly stack: string;
  readonly environment: string;
  readonly operation: StoredRecord['operation'];
  readonly actor: string;
  readonly reason: string;
  readonly outcome: StoredRecord['outcome'];
  readonly gitCommit: string;
}

export interface DeliveryStatus {
  readonly order: string[];
  readonly stacks: StackStatus[];
  /** The last weeks, oldest first, per environment. */
  readonly trend: WeeklyTrend[];
  readonly breakGlass: BreakGlassEntry[];
  /** Objects under records/ that are not trustworthy records, with why. */
  readonly rejected: RejectedRecord[];
  /** Records no trusted key signed (a laptop without the CI key, or a hand-written one): listed by `records list`, not counted. */
  readonly unsigned: number;
}

export const TREND_WEEKS = 4;

/** Environments in promotion order (dev, staging, prod), from promotion.after; drill-kind last. */
export function promotionOrder(environments: readonly EnvironmentConfig[]): string[] {
  const order: string[] = [];
  let next = environments.filter((env) => !env.promotion.after && env.kind !== 'drill').map((env) => env.name).sort();
  while (next.length > 0) {
    order.push(...next);
    next = environments.filter((env) => env.promotion.after && next.includes(env.promotion.after)).map((env) => env.name).sort();
  }
  return order;
}

function commitTime(workspaceRoot: string, commit: string): number | undefined {
  const result = spawnSync('git', ['show', '-s', '--format=%cI', commit], { cwd: workspaceRoot, encoding: 'utf8' });
  return result.status === 0 ? Date.parse(result.stdout.trim()) : undefined;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A change that failed users: the run failed, it rolled back, or it went around the pipeline. */
export function isFailedChange(record: StoredRecord): boolean {
  return record.outcome === 'failed' || record.kind === 'rollback' || record.breakGlass !== undefined;
}

/** DORA measures of a stack's records in one environment, oldest first. */
export function deliveryMetrics(workspaceRoot: string, records: readonly StoredRecord[]): DeliveryMetrics {
  const completed = records.filter((r) => r.outcome !== 'started');
  const succeeded = completed.filter((r) => r.outcome === 'succeeded');
  const firstDeploy = new Map<string, StoredRecord>();
  for (const r of succeeded) if (r.operation === 'promote' && r.version && !firstDeploy.has(r.version)) firstDeploy.set(r.version, r);
  const leadTimes = [...firstDeploy.values()].flatMap((r) => {
    const committed = commitTime(workspaceRoot, r.gitCommit);
    return committed === undefined ? [] : [(Date.parse(r.at) - committed) / 3_600_000];
  });
  const span = succeeded.length > 1 ? (Date.parse(succeeded[succeeded.length - 1]!.at) - Date.parse(succeeded[0]!.at)) / 86_400_000 : 0;
  const restores: number[] = [];
  let failedAt: number | undefined;
  for (const r of completed) {
    if (r.outcome === 'failed') failedAt ??= Date.parse(r.at);
    else if (failedAt !== undefined) {
      restores.push((Date.parse(r.at) - failedAt) / 3_600_000);
      failedAt = undefined;
    }
  }
  return {
    changes: completed.length,
    leadTimeHours: median(leadTimes),
    deploymentsPerDay: succeeded.length === 0 ? null : succeeded.length / Math.max(span, 1),
    changeFailRate: completed.length === 0 ? null : completed.filter(isFailedChange).length / completed.length,
    timeToRestoreHours: median(restores),
    unfinished: records.length - completed.length,
  };
}

/** Monday of the ISO week of a time, as YYYY-MM-DD (UTC). */
export function weekOf(time: string): string {
  const day = new Date(time);
  const monday = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - ((day.getUTCDay() + 6) % 7)));
  return monday.toISOString().slice(0, 10);
}

function weeklyTrend(order: readonly string[], records: readonly StoredRecord[], now: Date): WeeklyTrend[] {
  const weeks = Array.from({ length: TREND_WEEKS }, (_, i) => weekOf(new Date(now.getTime() - (TREND_WEEKS - 1 - i) * 7 * 86_400_000).toISOString()));
  return order.flatMap((environment) =>
    weeks.map((week) => {
      const inWeek = records.filter((r) => r.environment === environment && r.outcome !== 'started' && weekOf(r.at) === week);
      return { environment, week, changes: inWeek.length, failedChanges: inWeek.filter(isFailedChange).length };
    }),
  );
}

/** Which version each environment runs, how far it lags, the DORA measures and the break-glass log, from the signed records. */
export async function deliveryStatus(workspaceRoot: string, store: ObjectStore, now = new Date()): Promise<DeliveryStatus> {
  const order = promotionOrder(loadAllEnvironments(workspaceRoot));
  const last = order[order.length - 1];
  const listed = await listRecords(store, loadTrustedKeys(workspaceRoot));
  const records = listed.records.filter((r) => r.signedBy !== undefined);
  const { rejected } = listed;
  const stacks: StackStatus[] = [];
  for (const stack of listStacks(workspaceRoot)) {
    const versions = (await listVersions(store, stack)).filter((v) => semver.valid(v)).sort(semver.compare);
    const running: Record<string, string | null> = {};
    const lag: Record<string, number> = {};
    const environments: Record<string, DeliveryMetrics> = {};
    for (const env of order) {
      const version = readReleases(workspaceRoot, env).stacks[stack]?.version ?? null;
      running[env] = version;
      lag[env] = version ? versions.filter((v) => semver.gt(v, version)).length : versions.length;
      environments[env] = deliveryMetrics(workspaceRoot, records.filter((r) => r.stack === stack && r.environment === env));
    }
    const atLast = last ? environments[last]! : deliveryMetrics(workspaceRoot, []);
    stacks.push({ stack, latest: versions[versions.length - 1] ?? null, running, lag, environments, ...atLast });
  }
  const breakGlass = records
    .filter((r) => r.breakGlass)
    .map((r) => ({ at: r.startedAt, stack: r.stack, environment: r.environment, operation: r.operation, actor: r.actor, reason: r.breakGlass!.reason, outcome: r.outcome, gitCommit: r.gitCommit }));
  return { order, stacks, trend: weeklyTrend(order, records, now), breakGlass, rejected, unsigned: listed.records.length - records.length };
}

/** A drill's recovery time, for the RTO trend beside the delivery measures. */
export interface DrillRto {
  readonly id: string;
  readonly outcome: string;
  readonly rtoSeconds: number | null;
}

/** What to do when the store holds no release yet: the table would be dashes only. */
export function emptyStatusHint(status: DeliveryStatus, storeLocation: string): string | undefined {
  if (status.stacks.some((s) => s.latest !== null)) return undefined;
  return (
    `Nothing is published to ${storeLocation} yet, so no environment runs a release. Release and promote a stack ` +
    '(docs/how-to/release-promote-and-roll-back.md), or read another store with --store.'
  );
}

export function renderStatus(status: DeliveryStatus, drills: readonly DrillRto[] = []): string {
  const fmt = (n: number | null, digits = 2) => (n === null ? '-' : n.toFixed(digits));
  const perEnvironment = status.stacks.flatMap((s) =>
    status.order
      .filter((env) => s.environments[env]!.changes + s.environments[env]!.unfinished > 0)
      .map((env) => {
        const m = s.environments[env]!;
        return [s.stack, env, String(m.changes), fmt(m.leadTimeHours, 1), fmt(m.deploymentsPerDay), fmt(m.changeFailRate), fmt(m.timeToRestoreHours, 1), String(m.unfinished)];
      }),
  );
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const sections = [
    markdownTable(
      ['Stack', 'Latest', ...status.order.map((env) => `${env} (lag)`), 'Lead time to last env (h)', 'Deploys/day', 'Change-fail rate', 'Time to restore (h)'],
      status.stacks.map((s) => [
        s.stack,
        s.latest ?? '-',
        ...status.order.map((env) => `${s.running[env] ?? '-'} (${s.lag[env]})`),
        fmt(s.leadTimeHours, 1),
        fmt(s.deploymentsPerDay),
        fmt(s.changeFailRate),
        fmt(s.timeToRestoreHours, 1),
      ]),
    ),
    '### Per environment',
    perEnvironment.length === 0
      ? 'No change recorded yet.'
      : markdownTable(['Stack', 'Environment', 'Changes', 'Lead time (h)', 'Deploys/day', 'Change-fail rate', 'Time to restore (h)', 'Unfinished'], perEnvironment),
    `### Trend (changes / failed changes per week)`,
    markdownTable(
      ['Environment', ...[...new Set(status.trend.map((t) => t.week))].map((week) => `week of ${week}`)],
      status.order.map((env) => [env, ...status.trend.filter((t) => t.environment === env).map((t) => `${t.changes} / ${t.failedChanges}`)]),
    ),
  ];
  if (drills.length > 0) {
    sections.push('### Drill recovery time (oldest first)', markdownTable(['Drill', 'Outcome', 'RTO (s)'], drills.map((d) => [d.id, d.outcome, d.rtoSeconds === null ? '-' : d.rtoSeconds.toFixed(0)])));
  }
  sections.push(
    '### Break-glass',
    status.breakGlass.length === 0
      ? 'None.'
      : markdownTable(['When', 'Stack', 'Environment', 'Operation', 'Actor', 'Reason', 'Outcome'], status.breakGlass.map((b) => [b.at, b.stack, b.environment, b.operation, cell(b.actor), cell(b.reason), b.outcome])),
  );
  if (status.unsigned > 0) sections.push(`${status.unsigned} unsigned record(s) not counted: see 'platform records list'.`);
  if (status.rejected.length > 0) {
    sections.push('### Rejected records (not counted)', markdownTable(['Object', 'Why'], status.rejected.map((r) => [r.key, cell(r.reason)])));
  }
  return sections.join('\n\n');
}
