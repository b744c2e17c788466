import semver from 'semver';
import { loadAllEnvironments } from '@platform/config';
import { fetchSignedArtifact, listRecords, loadTrustedKeys, promote, PromotionGateError, recordStackRun, type StoredRecord, type TrustedKey } from '@platform/delivery';
import { openStackEngine, PLAN_FILE, releasedStackOf, removeRelease, type BreakGlass } from '@platform/deploy';
import { checkStackDrift } from '@platform/drift';
import { listVersions, sha256Hex, type ObjectStore } from '@platform/store';
import { dependencyLayers, listStacks, readStackGraph, UsageError } from '@platform/workspace';

export interface StackVersion {
  readonly stack: string;
  readonly version: string;
}

export interface PipelinePromoteOptions {
  readonly workspaceRoot: string;
  readonly store: ObjectStore;
  readonly to: string;
  /** These versions; else every stack with a version waiting in the environment before (or published, for the first). */
  readonly targets?: readonly StackVersion[];
  /** Skips the gates (previous environment, soak, drift); recorded. */
  readonly breakGlass?: BreakGlass;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

export interface PromotionOutcome extends StackVersion {
  /** The record id of the promotion. */
  readonly record: string;
  /** destroy: the stack was deleted, and its destroy succeeded in the environment before. */
  readonly kind: 'promotion' | 'rollback' | 'destroy';
}

const latest = (records: readonly StoredRecord[]) => [...records].sort((a, b) => a.at.localeCompare(b.at)).at(-1);

/** The last successful, signed run of a stack in an environment, of any operation. */
async function lastRun(store: ObjectStore, trusted: readonly TrustedKey[], environment: string, stack: string): Promise<StoredRecord | undefined> {
  const { records } = await listRecords(store, trusted, { environment, stack });
  return latest(records.filter((r) => r.outcome === 'succeeded' && r.signedBy !== undefined));
}

/**
 * Stacks deleted from the estate that still run in `to` while their destroy succeeded in the
 * environment before: their deletion waits to be promoted.
 */
export async function pendingDeletions(options: Pick<PipelinePromoteOptions, 'workspaceRoot' | 'store' | 'to'>): Promise<StackVersion[]> {
  const { workspaceRoot, store, to } = options;
  const gate = loadAllEnvironments(workspaceRoot).find((e) => e.name === to)?.promotion.after;
  if (!gate) return [];
  const trusted = loadTrustedKeys(workspaceRoot);
  const present = new Set(listStacks(workspaceRoot));
  const { records } = await listRecords(store, trusted, { environment: to });
  const pending: StackVersion[] = [];
  for (const stack of [...new Set(records.map((r) => r.stack))].filter((s) => !present.has(s)).sort()) {
    const here = await lastRun(store, trusted, to, stack);
    const before = await lastRun(store, trusted, gate, stack);
    const runs = await running(store, trusted, to, stack);
    if (here && here.operation !== 'destroy' && before?.operation === 'destroy' && runs?.version) pending.push({ stack, version: runs.version });
  }
  return pending;
}

/** Destroys a deleted stack in `to` with the released bytes it runs there, recorded as a destroy. */
async function promoteDeletion(options: PipelinePromoteOptions, { stack, version }: StackVersion, trusted: readonly TrustedKey[]): Promise<PromotionOutcome> {
  const { workspaceRoot, store, to, log } = options;
  const release = releasedStackOf(await fetchSignedArtifact(store, trusted, stack, version), to);
  const { runner } = await openStackEngine({ workspaceRoot, stack, environment: to, backend: true, release, log: () => {} });
  const { record, changes } = await recordStackRun(
    {
      workspaceRoot,
      store,
      stack,
      environment: to,
      operation: 'destroy',
      configurationSha256: sha256Hex(Buffer.from(release.configuration)),
      log,
      ...(options.env ? { env: options.env } : {}),
      ...(options.now ? { now: options.now } : {}),
    },
    async () => {
      await runner.plan({ out: PLAN_FILE, destroy: true });
      return { changes: await runner.apply(PLAN_FILE) };
    },
  );
  removeRelease(workspaceRoot, to, stack);
  log(`${stack} (${to}): deleted from the estate and destroyed in ${loadAllEnvironments(workspaceRoot).find((e) => e.name === to)?.promotion.after}: destroyed here (${changes.remove} removed, ran ${stack}@${version})`);
  return { stack, version, record: record.id, kind: 'destroy' };
}

/** The last successful, signed promotion of a stack in an environment: what it runs through the pipeline. */
async function running(store: ObjectStore, trusted: readonly TrustedKey[], environment: string, stack: string): Promise<StoredRecord | undefined> {
  const { records } = await listRecords(store, trusted, { environment, stack });
  return latest(records.filter((r) => r.operation === 'promote' && r.outcome === 'succeeded' && r.signedBy !== undefined));
}

/**
 * The versions waiting to go to `to`: for each stack, the one that last succeeded in the
 * environment before (promotion.after), or for the first environment the newest published one,
 * unless `to` already runs those bytes.
 */
export async function pendingPromotions(options: Pick<PipelinePromoteOptions, 'workspaceRoot' | 'store' | 'to'>): Promise<StackVersion[]> {
  const { workspaceRoot, store, to } = options;
  const target = loadAllEnvironments(workspaceRoot).find((e) => e.name === to);
  if (!target) throw new UsageError(`environments/${to}/environment.yaml: no such environment '${to}'`);
  const trusted = loadTrustedKeys(workspaceRoot);
  const pending: StackVersion[] = [];
  for (const stack of listStacks(workspaceRoot)) {
    const now = await running(store, trusted, to, stack);
    if (target.promotion.after) {
      const before = await running(store, trusted, target.promotion.after, stack);
      if (before?.version && before.manifestSha256 !== now?.manifestSha256) pending.push({ stack, version: before.version });
    } else {
      const newest = semver.rsort(await listVersions(store, stack))[0];
      if (newest && newest !== now?.version) pending.push({ stack, version: newest });
    }
  }
  return pending;
}

/**
 * The promote workflow's step: promotes each version to `to` in dependency order, after the
 * gates: the environment before ran the same manifest (and for the soak time), which
 * `promote` checks, and `to` has not drifted from what it runs now. Without explicit versions,
 * a stack deleted from the estate whose destroy succeeded in the environment before is
 * destroyed in `to` first.
 */
export async function promoteThroughPipeline(options: PipelinePromoteOptions): Promise<PromotionOutcome[]> {
  const { workspaceRoot, store, to, log } = options;
  const trusted = loadTrustedKeys(workspaceRoot);
  const targets = options.targets ?? (await pendingPromotions(options));
  const deletions = options.targets ? [] : await pendingDeletions(options);
  const order = dependencyLayers(readStackGraph(workspaceRoot)).flat();
  const sorted = [...targets].sort((a, b) => order.indexOf(a.stack) - order.indexOf(b.stack));
  if (sorted.length === 0 && deletions.length === 0) log(`nothing waits to go to ${to}`);
  const outcomes: PromotionOutcome[] = [];
  // A deleted stack is read by no remaining one (the pull request refused it otherwise): it goes first.
  for (const deletion of deletions) outcomes.push(await promoteDeletion(options, deletion, trusted));
  for (const { stack, version } of sorted) {
    const current = await running(store, trusted, to, stack);
    if (current?.version) {
      const release = releasedStackOf(await fetchSignedArtifact(store, trusted, stack, current.version), to);
      const drift = await checkStackDrift({ workspaceRoot, stack, environment: to, release });
      if (drift.status === 'drifted' || drift.status === 'error') {
        const what =
          drift.status === 'drifted'
            ? `has drifted from ${stack}@${current.version}, which it runs: ${drift.resources.map((r) => `${r.address} ${r.kind}`).join(', ')}`
            : `could not be checked for drift: ${drift.error?.split('\n')[0]}`;
        if (!options.breakGlass) {
          throw new PromotionGateError(
            `${stack}@${version} cannot go to ${to}: ${to} ${what}. Find out who changed it ('platform drift --env ${to}', docs/drift.md) and reconcile first, ` +
              'or skip the gate with --break-glass "<ticket and reason>", which is recorded.',
          );
        }
        log(`BREAK GLASS: ${to} ${what}; promoting ${stack}@${version} anyway: ${options.breakGlass.reason}`);
      } else {
        log(`${stack} (${to}): no drift from ${stack}@${current.version}`);
      }
    }
    const record = await promote({
      workspaceRoot,
      store,
      stack,
      version,
      to,
      log,
      ...(options.breakGlass ? { breakGlass: options.breakGlass } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    outcomes.push({ stack, version, record: record.id, kind: record.kind === 'rollback' ? 'rollback' : 'promotion' });
  }
  return outcomes;
}
