import { performance } from 'node:perf_hooks';
import { loadEnvironment } from '@platform/config';
import type { ObjectStore } from '@platform/store';
import { InternalError, readStackGraph, runGraph, runId, UsageError } from '@platform/workspace';
import { fetchSignedArtifact, loadTrustedKeys } from '@platform/delivery';
import { readReleases, releasedStackOf, type ReleasedStack } from '@platform/deploy';
import { driftOutcome, listDriftReports, withDriftAge, type DriftReport } from './drift-report';
import { checkStackDrift, type StackDrift } from './stack-drift';

export interface DriftCheckOptions {
  readonly workspaceRoot: string;
  readonly environment: string;
  /** Only these stacks (default: every stack). */
  readonly stacks?: readonly string[];
  /** Earlier reports, for how long a stack has been drifted; none without a store. */
  readonly store?: ObjectStore;
  readonly concurrency?: number;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/**
 * Checks every stack of an environment for drift, in dependency order and in parallel where
 * the graph allows. Read-only: refresh-only plans are saved, never applied.
 */
export async function checkEnvironmentDrift(options: DriftCheckOptions): Promise<DriftReport> {
  const environment = loadEnvironment(options.workspaceRoot, options.environment);
  const fullGraph = readStackGraph(options.workspaceRoot);
  for (const stack of options.stacks ?? []) {
    if (!fullGraph.has(stack)) throw new UsageError(`no stack '${stack}' (stacks: ${[...fullGraph.keys()].join(', ')})`);
  }
  const selected = new Set(options.stacks && options.stacks.length > 0 ? options.stacks : fullGraph.keys());
  const graph = new Map([...fullGraph].filter(([stack]) => selected.has(stack)).map(([stack, upstream]) => [stack, upstream.filter((u) => selected.has(u))]));
  const checkedAt = (options.now ?? (() => new Date()))();
  const started = performance.now();
  const releases = readReleases(options.workspaceRoot, environment.name).stacks;
  const results = await runGraph(
    graph,
    async (stack) => {
      const version = releases[stack]?.version;
      // Compared against the bytes the environment runs: the released, signed artifact, when there is one.
      let release: ReleasedStack | undefined;
      if (version && options.store) {
        try {
          release = releasedStackOf(await fetchSignedArtifact(options.store, loadTrustedKeys(options.workspaceRoot), stack, version), environment.name);
        } catch (error) {
          const failed: StackDrift = { stack, status: 'error', resources: [], resourcesInState: 0, seconds: 0, configuration: `${stack}@${version}`, error: (error as Error).message };
          options.log(`${stack} (${environment.name}): error: ${failed.error}`);
          return failed;
        }
      }
      const drift = await checkStackDrift({ workspaceRoot: options.workspaceRoot, stack, environment: environment.name, ...(release ? { release } : {}) });
      options.log(`${stack} (${environment.name}): ${drift.status}${drift.status === 'drifted' ? `, ${drift.resources.map((r) => r.address).join(', ')}` : ''}`);
      return drift;
    },
    // A failed check does not stop the others: every stack is checked.
    { concurrency: options.concurrency ?? 4, continueOnFailure: true },
  );
  const stacks: StackDrift[] = [...results.values()].map((result) => {
    if (result.status === 'done') return result.value;
    throw result.status === 'failed' ? result.error : new InternalError('unreachable: drift checks are never skipped');
  });
  const earlier = options.store ? await listDriftReports(options.store, environment.name) : [];
  const at = checkedAt.toISOString();
  return {
    schemaVersion: 1,
    id: runId(checkedAt),
    environment: environment.name,
    checkedAt: at,
    seconds: (performance.now() - started) / 1000,
    outcome: driftOutcome(stacks),
    stacks: withDriftAge(stacks, at, earlier),
  };
}
