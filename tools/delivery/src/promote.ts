import semver from 'semver';
import { loadAllEnvironments, soakSeconds, type EnvironmentConfig } from '@platform/config';
import { sha256Hex, type ObjectStore } from '@platform/store';
import { breakGlassReason, isProtected, openStackEngine, PLAN_FILE, readReleases, releasedStackOf, writeRelease, type BreakGlass } from '@platform/deploy';
import { ExternalError, UsageError } from '@platform/workspace';
import { completeRecord, listRecords, startRecord, type DeploymentRecord, type StoredRecord } from './records';
import { currentActor } from './run-context';
import { fetchSignedArtifact } from './signed-artifacts';
import { loadTrustedKeys, requireSigner, type TrustedKey } from './signing';

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
  readonly breakGlass?: BreakGlass;
  readonly log: (line: string) => void;
  /** Where the signing key and the CI actor are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

/** The environment a version must have run in before `target` (from `promotion.after`). */
export function gateOf(environments: readonly EnvironmentConfig[], target: string): string | undefined {
  const environment = environments.find((env) => env.name === target);
  if (!environment) throw new UsageError(`environments/${target}/environment.yaml: no such environment '${target}'`);
  return environment.promotion.after;
}

/**
 * Why the gate holds: no signed record of a successful promotion of these very bytes (this
 * manifest digest) in the environment before; undefined when such a record exists.
 */
export async function gateRefusal(store: ObjectStore, options: {
  readonly trusted: readonly TrustedKey[];
  readonly gate: string;
  readonly stack: string;
  readonly version: string;
  readonly manifestSha256: string;
  /** How long it must have run in the gate environment (seconds), and the time to measure it at. */
  readonly soak?: { readonly seconds: number; readonly now: Date; readonly where: string };
}): Promise<string | undefined> {
  const { records, rejected } = await listRecords(store, options.trusted, { environment: options.gate, stack: options.stack });
  const succeeded = (r: StoredRecord) => r.operation === 'promote' && r.outcome === 'succeeded';
  const proofs = records.filter((r) => succeeded(r) && r.manifestSha256 === options.manifestSha256 && r.signedBy !== undefined);
  if (proofs.length > 0) {
    if (!options.soak || options.soak.seconds === 0) return undefined;
    const since = Math.min(...proofs.map((r) => Date.parse(r.at)));
    const ran = Math.max(0, (options.soak.now.getTime() - since) / 1000);
    if (ran >= options.soak.seconds) return undefined;
    return (
      `it has run in ${options.gate} for ${formatDuration(ran)} (since ${new Date(since).toISOString()}), less than the soak time of ${formatDuration(options.soak.seconds)} (${options.soak.where}); ` +
      `it may go at ${new Date(since + options.soak.seconds * 1000).toISOString()}`
    );
  }
  const reasons: string[] = [];
  for (const r of records.filter((r) => succeeded(r) && r.version === options.version)) {
    if (r.manifestSha256 !== options.manifestSha256) {
      reasons.push(`${r.key} ran manifest ${r.manifestSha256?.slice(0, 12) ?? '(none)'} there, not this one: the artifact in the store is not the one that ran in ${options.gate}`);
    } else {
      reasons.push(`${r.key} is not signed, so it proves nothing`);
    }
  }
  reasons.push(...rejected.map((r) => `${r.key} ${r.reason}`));
  return `it has no signed record of a successful deploy of manifest ${options.manifestSha256.slice(0, 12)} in ${options.gate}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

function formatDuration(seconds: number): string {
  if (seconds >= 86400) return `${(seconds / 86400).toFixed(1)} d`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.floor(seconds / 60)} min`;
}

/**
 * Deploys a published artifact's bytes for one environment: its manifest signed by a trusted
 * key, every file verified against it, never synthesized again. A version reaches an
 * environment only after a signed record of a successful deploy of the same manifest in the
 * environment before it, unless the gate is skipped with a recorded reason. The run is
 * recorded as started before the engine runs and completed after; a success also updates
 * environments/<env>/releases.json. A rollback is a promotion of an earlier version.
 */
export async function promote(options: PromoteOptions): Promise<DeploymentRecord> {
  const { workspaceRoot, store, stack, version, to, log } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  if (!semver.valid(version)) throw new UsageError(`'${version}' is not a semantic version`);
  const breakGlass = options.breakGlass ? breakGlassReason('--break-glass', options.breakGlass.reason) : undefined;
  const environments = loadAllEnvironments(workspaceRoot);
  const gate = gateOf(environments, to);
  const target = environments.find((e) => e.name === to)!;
  const trusted = loadTrustedKeys(workspaceRoot);
  const signer = requireSigner(trusted, env, `the record of a promotion to ${to}`);
  const artifact = await fetchSignedArtifact(store, trusted, stack, version);
  if (artifact.manifest.dirty && isProtected(target)) {
    throw new PromotionGateError(
      `${stack}@${version} cannot go to ${to}: it was packaged from a working tree with uncommitted changes (--allow-dirty), so its bytes are in no commit; ` +
        `a ${target.tier} environment takes only artifacts of a clean tree. Commit, release and package again.`,
    );
  }
  const release = releasedStackOf(artifact, to);

  let skippedGate: string | undefined;
  if (gate) {
    const refusal = await gateRefusal(store, {
      trusted,
      gate,
      stack,
      version,
      manifestSha256: artifact.manifestSha256,
      soak: { seconds: soakSeconds(target), now: now(), where: `environments/${to}/environment.yaml: promotion.soak is ${target.promotion.soak ?? 'unset'}` },
    });
    if (refusal && !breakGlass) {
      throw new PromotionGateError(
        `${stack}@${version} cannot go to ${to} yet: ${refusal}. ` +
          `(environments/${to}/environment.yaml: promotion.after is ${gate}.) Promote it to ${gate} first (and let it soak), or skip the gate with --break-glass "<ticket and reason>", which is recorded.`,
      );
    }
    if (refusal) {
      skippedGate = gate;
      log(`BREAK GLASS: skipping the ${gate} gate for ${stack}@${version} -> ${to}: ${breakGlass!.reason}`);
    }
  }

  const current = readReleases(workspaceRoot, to).stacks[stack]?.version;
  const kind: DeploymentRecord['kind'] = current && semver.lt(version, current) ? 'rollback' : 'promotion';
  const started = await startRecord(
    store,
    {
      stack,
      environment: to,
      operation: 'promote',
      kind,
      version,
      manifestSha256: artifact.manifestSha256,
      configurationSha256: sha256Hex(release.configuration),
      gitCommit: artifact.manifest.gitCommit,
      ...(artifact.manifest.dirty ? { dirty: true } : {}),
      actor: currentActor(workspaceRoot, env),
      ...(skippedGate ? { breakGlass: { reason: breakGlass!.reason, skippedGate } } : {}),
    },
    signer,
    now(),
  );
  try {
    const { runner } = await openStackEngine({ workspaceRoot, stack, environment: to, backend: true, release, log: () => {} });
    const plan = await runner.plan({ out: PLAN_FILE });
    if (plan.hasChanges) await runner.apply(PLAN_FILE);
  } catch (error) {
    await completeRecord(store, started, { outcome: 'failed', error: (error as Error).message }, signer, now()).catch((recordError: unknown) => {
      log(`the failure could not be recorded (${(recordError as Error).message}); the started record stays: run 'platform records repair --env ${to}'`);
    });
    throw error;
  }
  writeRelease(workspaceRoot, to, stack, { version, manifestSha256: artifact.manifestSha256, at: now().toISOString() });
  let record: DeploymentRecord;
  try {
    record = await completeRecord(store, started, { outcome: 'succeeded' }, signer, now());
  } catch (error) {
    throw new ExternalError(
      `${stack}@${version} was deployed to ${to} (releases.json updated), but its record could not be completed: ${(error as Error).message}. ` +
        `The started record stays in ${store.location}; once the store answers, run 'platform records repair --env ${to}', which completes it from the state.`,
      { cause: error },
    );
  }
  log(`${stack}@${version} -> ${to}: ${kind} succeeded${current ? ` (was ${current})` : ''}`);
  return record;
}
