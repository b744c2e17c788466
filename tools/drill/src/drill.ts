import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { drillRunSuffix } from '@platform/core/names';
import { runId } from '@platform/workspace';
import { StackEngines, type DrillContext, type DrillOptions, type DrillPhaseModule, type DrillProducts } from './context';
import { assertDrillEnvironment } from './environment';
import { REBUILD_PHASES, TEARDOWN_PHASES } from './phases';
import type { DrillReport, DrillStackSummary } from './report-model';
import { StepRecorder } from './step-recorder';

/**
 * Rebuilds the estate from nothing into a drill environment and tears it down again, timing
 * every step: the phases in phases/index.ts, in order, until one cannot go on; then the teardown
 * (after a failure or an interrupt too, unless `keep`), and the report.
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const startedAt = (options.now ?? (() => new Date()))();
  const estateInRepository = `${options.repository}/${options.estate}`;
  // Refused before anything else happens, so no flag can turn a drill on another environment.
  const target = assertDrillEnvironment(estateInRepository, options.environment);
  const id = options.id ?? runId(startedAt);
  const nameSuffix = drillRunSuffix(options.resourcesOf ?? id);
  const products: DrillProducts = {
    source: options.source ?? '',
    versions: new Map(),
    released: new Map(),
    graph: new Map(),
    verifiedAt: new Map(),
    leftInState: {},
  };
  const context: DrillContext = {
    options,
    estateInRepository,
    target,
    recorder: new StepRecorder(startedAt, options.log, options.signal),
    concurrency: options.concurrency ?? 4,
    engines: new StackEngines(products, target.name, nameSuffix),
    products,
    log: options.log,
  };

  let cleanupRan = false;
  try {
    await runPhases(context, REBUILD_PHASES);
  } finally {
    const { delivery } = products;
    if (delivery && !options.keep) {
      cleanupRan = TEARDOWN_PHASES.some((phase) => phase.applies(context));
      await runPhases(context, TEARDOWN_PHASES);
      rmSync(dirname(delivery.checkout), { recursive: true, force: true });
    } else if (delivery) {
      options.log(`kept: the clone at ${delivery.checkout} and everything deployed in ${target.name}`);
    }
  }
  return drillReport(context, id, startedAt, cleanupRan);
}

/** Runs the phases that apply, in order, until one says the drill cannot go on. */
async function runPhases(context: DrillContext, phases: readonly DrillPhaseModule[]): Promise<void> {
  for (const phase of phases) {
    if (!phase.applies(context)) continue;
    const { proceed } = await phase.run(context);
    if (!proceed) return;
  }
}

function drillReport({ options, target, recorder, products, engines }: DrillContext, id: string, startedAt: Date, cleanupRan: boolean): DrillReport {
  const { versions, verifiedAt, delivery } = products;
  const wallSeconds = recorder.elapsed();
  const stacks: DrillStackSummary[] = [...versions].sort(([a], [b]) => a.localeCompare(b)).map(([stack, version]) => {
    const steps = recorder.steps.filter((s) => s.stack === stack && (s.phase === 'deploy' || s.phase === 'verify'));
    const outcome = steps.some((s) => s.outcome === 'failed') ? 'failed' : verifiedAt.has(stack) ? 'passed' : 'skipped';
    return { stack, version, outcome, ...(verifiedAt.has(stack) ? { verifiedAfterSeconds: verifiedAt.get(stack)! } : {}) };
  });
  const allVerified = options.mode === 'full' && versions.size > 0 && verifiedAt.size === versions.size;
  const failed = recorder.steps.some((s) => s.outcome === 'failed');
  return {
    schemaVersion: 1,
    id,
    environment: target.name,
    nameSuffix: engines.drillRunSuffix,
    source: products.source,
    mode: options.mode,
    ...(delivery ? { delivery: { commit: delivery.commit, install: delivery.install } } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + wallSeconds * 1000).toISOString(),
    outcome: recorder.interrupted ? 'interrupted' : failed ? 'failed' : 'passed',
    rtoSeconds: allVerified ? Math.max(...verifiedAt.values()) : null,
    wallSeconds,
    engineSeconds: recorder.engineSeconds(),
    stacks,
    steps: recorder.steps,
    ...(recorder.failure ? { failure: recorder.failure } : {}),
    cleanup: { ran: cleanupRan, leftInState: products.leftInState, ...(options.keep && delivery ? { kept: true } : {}) },
  };
}
