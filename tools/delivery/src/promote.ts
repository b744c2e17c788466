import semver from 'semver';
import { loadAllEnvironments, type EnvironmentConfig } from '@platform/config';
import { fetchArtifact, manifestBytes, sha256Hex, type ObjectStore } from '@platform/store';
import { openStackEngine, PLAN_FILE, readReleases, releasedStackOf, writeRelease } from '@platform/deploy';
import { listRecords, writeRecord, type DeploymentRecord } from './records';
import { UsageError } from '@platform/workspace';

export class PromotionGateError extends UsageError {
  override readonly name = 'PromotionGateError';
}

export interface PromoteOptions {
  readonly workspaceRoot: string;
  readonly store: ObjectStore;
  readonly stack: string;
  readonly version: string;
  readonly to: string;
  /** Skips the promotion gate; the reason is recorded with the deploy. */
  readonly breakGlass?: { readonly reason: string };
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** The environment a version must have run in before `target` (from `promotion.after`). */
export function gateOf(environments: readonly EnvironmentConfig[], target: string): string | undefined {
  const environment = environments.find((env) => env.name === target);
  if (!environment) throw new UsageError(`environments/${target}/environment.yaml: no such environment '${target}'`);
  return environment.promotion.after;
}

/**
 * Deploys a published artifact's bytes for one environment: verified against its manifest,
 * never synthesized again. A version reaches an environment only after a recorded successful
 * deploy in the environment before it, unless the gate is skipped with a recorded reason.
 * Every deploy, successful or not, is recorded in the store; a success also updates
 * environments/<env>/releases.json. A rollback is a promotion of an earlier version.
 */
export async function promote(options: PromoteOptions): Promise<DeploymentRecord> {
  const { workspaceRoot, store, stack, version, to, log } = options;
  if (!semver.valid(version)) throw new UsageError(`'${version}' is not a semantic version`);
  const environments = loadAllEnvironments(workspaceRoot);
  const gate = gateOf(environments, to);
  const artifact = await fetchArtifact(store, stack, version);
  const release = releasedStackOf(artifact, to);

  if (gate) {
    const deployed = (await listRecords(store, gate, stack)).some((r) => r.version === version && r.outcome === 'succeeded');
    if (!deployed && !options.breakGlass) {
      throw new PromotionGateError(
        `${stack}@${version} cannot go to ${to} yet: it has no recorded successful deploy in ${gate} ` +
          `(environments/${to}/environment.yaml: promotion.after is ${gate}). Promote it to ${gate} first, or skip the gate with a break-glass reason, which is recorded.`,
      );
    }
    if (!deployed) log(`BREAK GLASS: skipping the ${gate} gate for ${stack}@${version} -> ${to}: ${options.breakGlass!.reason}`);
  }

  const current = readReleases(workspaceRoot, to).stacks[stack]?.version;
  const kind: DeploymentRecord['kind'] = current && semver.lt(version, current) ? 'rollback' : 'promotion';
  const base = {
    stack,
    version,
    environment: to,
    manifestSha256: sha256Hex(manifestBytes(artifact.manifest)),
    configurationSha256: sha256Hex(release.configuration),
    gitCommit: artifact.manifest.gitCommit,
    kind,
    ...(gate && options.breakGlass ? { breakGlass: { reason: options.breakGlass.reason, skippedGate: gate } } : {}),
  };
  const now = options.now ?? (() => new Date());
  try {
    const { runner } = await openStackEngine({ workspaceRoot, stack, environment: to, backend: true, release, log: () => {} });
    const plan = await runner.plan({ out: PLAN_FILE });
    if (plan.hasChanges) await runner.apply(PLAN_FILE);
    const record: DeploymentRecord = { ...base, outcome: 'succeeded', at: now().toISOString() };
    await writeRecord(store, record);
    writeRelease(workspaceRoot, to, stack, { version, manifestSha256: record.manifestSha256, at: record.at });
    log(`${stack}@${version} -> ${to}: ${kind} succeeded${current ? ` (was ${current})` : ''}`);
    return record;
  } catch (error) {
    const record: DeploymentRecord = { ...base, outcome: 'failed', error: (error as Error).message, at: now().toISOString() };
    await writeRecord(store, record);
    throw error;
  }
}
