import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStackEngine, PLAN_FILE, releasedStackOf, writeRelease } from '@platform/deploy';
import { EngineError } from '@platform/engine';
import { sha256Hex, type ObjectStore } from '@platform/store';
import { synthOutputDir } from '@platform/workspace';
import { completeRecord, listRecords, type DeploymentRecord, type StoredRecord } from './records';
import { currentActor } from './run-context';
import { fetchSignedArtifact } from './signed-artifacts';
import { loadTrustedKeys, requireSigner, signerFromEnvironment } from './signing';

export interface RepairOptions {
  readonly workspaceRoot: string;
  readonly store: ObjectStore;
  readonly environment: string;
  readonly stack?: string;
  /** Runs started less than this long ago may still be going: they are left alone. @default 10 minutes */
  readonly minAgeMinutes?: number;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

export type RepairResult =
  | { readonly key: string; readonly action: 'completed'; readonly record: DeploymentRecord }
  | { readonly key: string; readonly action: 'skipped'; readonly reason: string };

type Verdict = { readonly outcome: 'succeeded' | 'failed'; readonly evidence: string } | { readonly skip: string };

/**
 * Completes the records whose run started but never wrote its outcome (a store failure, a
 * killed process), from what the state says now: an apply or promotion succeeded when a plan of
 * the recorded configuration against the state shows no changes; a destroy when the state holds
 * nothing. A run still holding the state lock, or one whose configuration is no longer at hand,
 * is left as it is and reported.
 */
export async function repairRecords(options: RepairOptions): Promise<RepairResult[]> {
  const { workspaceRoot, store, environment, log } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const minAge = (options.minAgeMinutes ?? 10) * 60_000;
  const trusted = loadTrustedKeys(workspaceRoot);
  const { records } = await listRecords(store, trusted, { environment, ...(options.stack ? { stack: options.stack } : {}) });
  const unfinished = records.filter((r) => r.outcome === 'started');
  const results: RepairResult[] = [];
  for (const record of unfinished) {
    if (now().getTime() - Date.parse(record.startedAt) < minAge) {
      results.push({ key: record.key, action: 'skipped', reason: `started ${record.startedAt}, less than ${options.minAgeMinutes ?? 10} minutes ago: it may still be running` });
      continue;
    }
    const verdict = await judge(workspaceRoot, store, trusted, record);
    if ('skip' in verdict) {
      results.push({ key: record.key, action: 'skipped', reason: verdict.skip });
      log(`${record.key}: left as started: ${verdict.skip}`);
      continue;
    }
    // A promotion record may open the next gate, so it is signed like any promotion record.
    const signer = record.operation === 'promote' ? requireSigner(trusted, env, `the repaired record of a promotion to ${environment}`) : signerFromEnvironment(trusted, env);
    const completed = await completeRecord(
      store,
      record,
      {
        outcome: verdict.outcome,
        ...(verdict.outcome === 'failed' ? { error: `repaired: ${verdict.evidence}` } : {}),
        repaired: { at: now().toISOString(), actor: currentActor(workspaceRoot, env), evidence: verdict.evidence },
      },
      signer,
      now(),
    );
    if (record.operation === 'promote' && verdict.outcome === 'succeeded' && isLatest(record, records)) {
      writeRelease(workspaceRoot, environment, record.stack, { version: record.version!, manifestSha256: record.manifestSha256!, at: completed.at });
    }
    results.push({ key: record.key, action: 'completed', record: completed });
    log(`${record.key}: ${verdict.outcome} (repaired: ${verdict.evidence})`);
  }
  return results;
}

/** No later run of the stack in the environment succeeded, so the releases file may name this one. */
function isLatest(record: StoredRecord, records: readonly StoredRecord[]): boolean {
  return !records.some((r) => r.stack === record.stack && r.startedAt > record.startedAt && r.outcome === 'succeeded');
}

async function judge(workspaceRoot: string, store: ObjectStore, trusted: ReturnType<typeof loadTrustedKeys>, record: StoredRecord): Promise<Verdict> {
  const { stack, environment } = record;
  try {
    if (record.operation === 'promote') {
      const artifact = await fetchSignedArtifact(store, trusted, stack, record.version!);
      if (artifact.manifestSha256 !== record.manifestSha256) return { skip: `the published ${stack}@${record.version} is not the manifest the run recorded` };
      const release = releasedStackOf(artifact, environment);
      return planVerdict(await openStackEngine({ workspaceRoot, stack, environment, backend: true, release, log: () => {} }), `${stack}@${record.version}`);
    }
    if (record.operation === 'apply') {
      const synthesized = join(workspaceRoot, synthOutputDir(stack), environment, 'cdk.tf.json');
      if (!existsSync(synthesized) || sha256Hex(readFileSync(synthesized)) !== record.configurationSha256) {
        return { skip: `the configuration it applied (sha256 ${record.configurationSha256.slice(0, 12)}, commit ${record.gitCommit.slice(0, 12)}) is not the synthesized one here: check out that commit, synthesize, and repair again` };
      }
      return planVerdict(await openStackEngine({ workspaceRoot, stack, environment, backend: true, log: () => {} }), 'the configuration it applied');
    }
    const { runner } = await openStackEngine({ workspaceRoot, stack, environment, backend: true, log: () => {} });
    const left = await runner.stateAddresses();
    return left.length === 0
      ? { outcome: 'succeeded', evidence: 'the state holds no resources' }
      : { outcome: 'failed', evidence: `the state still holds ${left.length} resource(s): ${left.slice(0, 5).join(', ')}` };
  } catch (error) {
    if (error instanceof EngineError && error.lockHolder) return { skip: `the state is locked (lock ID ${error.lockHolder.id}): a run may still be going` };
    throw error;
  }
}

async function planVerdict({ runner }: Awaited<ReturnType<typeof openStackEngine>>, what: string): Promise<Verdict> {
  const plan = await runner.plan({ out: PLAN_FILE });
  return plan.hasChanges
    ? { outcome: 'failed', evidence: `a plan of ${what} against the state shows ${plan.changes.add} to add, ${plan.changes.change} to change, ${plan.changes.remove} to destroy` }
    : { outcome: 'succeeded', evidence: `a plan of ${what} against the state shows no changes` };
}
