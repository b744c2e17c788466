import { spawnSync } from 'node:child_process';
import semver from 'semver';
import { loadAllEnvironments, type EnvironmentConfig } from '@platform/config';
import { listVersions, type ObjectStore } from '@platform/store';
import { listStacks, markdownTable } from '@platform/workspace';
import { listRecords, type DeploymentRecord } from './records';
import { readReleases } from '@platform/deploy';

export interface StackStatus {
  readonly stack: string;
  readonly latest: string | null;
  /** Version running in each environment (from releases.json), null when never deployed. */
  readonly running: Readonly<Record<string, string | null>>;
  /** Published versions newer than what the environment runs. */
  readonly lag: Readonly<Record<string, number>>;
  /** Hours from the commit of each version to its first successful deploy in the last environment, median. */
  readonly leadTimeHours: number | null;
  /** Successful deploys per day over the span of the records, all environments. */
  readonly deploymentsPerDay: number | null;
  /** Rollbacks as a share of deploys to the last environment. */
  readonly changeFailRate: number | null;
}

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

/** Which version each environment runs, how far it lags, and delivery metrics from the records. */
export async function deliveryStatus(workspaceRoot: string, store: ObjectStore): Promise<{ order: string[]; stacks: StackStatus[] }> {
  const order = promotionOrder(loadAllEnvironments(workspaceRoot));
  const last = order[order.length - 1];
  const records = await listRecords(store);
  const stacks: StackStatus[] = [];
  for (const stack of listStacks(workspaceRoot)) {
    const versions = (await listVersions(store, stack)).filter((v) => semver.valid(v)).sort(semver.compare);
    const latest = versions[versions.length - 1] ?? null;
    const running: Record<string, string | null> = {};
    const lag: Record<string, number> = {};
    for (const env of order) {
      const version = readReleases(workspaceRoot, env).stacks[stack]?.version ?? null;
      running[env] = version;
      lag[env] = version ? versions.filter((v) => semver.gt(v, version)).length : versions.length;
    }
    const own = records.filter((r) => r.stack === stack && r.outcome === 'succeeded');
    const toLast = own.filter((r) => r.environment === last);
    const firstInLast = new Map<string, DeploymentRecord>();
    for (const r of toLast) if (!firstInLast.has(r.version)) firstInLast.set(r.version, r);
    const leadTimes = [...firstInLast.values()].flatMap((r) => {
      const committed = commitTime(workspaceRoot, r.gitCommit);
      return committed === undefined ? [] : [(Date.parse(r.at) - committed) / 3_600_000];
    });
    const span = own.length > 1 ? (Date.parse(own[own.length - 1]!.at) - Date.parse(own[0]!.at)) / 86_400_000 : 0;
    stacks.push({
      stack,
      latest,
      running,
      lag,
      leadTimeHours: median(leadTimes),
      deploymentsPerDay: own.length === 0 ? null : own.length / Math.max(span, 1),
      changeFailRate: toLast.length === 0 ? null : toLast.filter((r) => r.kind === 'rollback').length / toLast.length,
    });
  }
  return { order, stacks };
}

export function renderStatus(status: { order: string[]; stacks: StackStatus[] }): string {
  const fmt = (n: number | null, digits = 2) => (n === null ? '-' : n.toFixed(digits));
  return markdownTable(
    ['Stack', 'Latest', ...status.order.map((env) => `${env} (lag)`), 'Lead time to last env (h)', 'Deploys/day', 'Change-fail rate'],
    status.stacks.map((s) => [
      s.stack,
      s.latest ?? '-',
      ...status.order.map((env) => `${s.running[env] ?? '-'} (${s.lag[env]})`),
      fmt(s.leadTimeHours, 1),
      fmt(s.deploymentsPerDay),
      fmt(s.changeFailRate),
    ]),
  );
}
