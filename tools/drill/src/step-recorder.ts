import { performance } from 'node:perf_hooks';
import { EngineError } from '@platform/engine';
import type { DrillPhase, DrillReport, DrillStep } from './report-model';
import { ExternalError } from '@platform/workspace';

export class DrillInterruptedError extends ExternalError {
  override readonly name = 'DrillInterruptedError';
  constructor() {
    super('the drill was interrupted');
  }
}

/** What a step's action reports back: engine time spent, and a note for the log. */
export interface StepResult<T> {
  readonly value: T;
  readonly engineSeconds?: number;
}

/**
 * Times every step of a drill and keeps the first failure. Steps never throw: a failed step
 * is recorded (with the engine's diagnostics) and returned as such, so teardown still runs.
 */
export class StepRecorder {
  readonly steps: DrillStep[] = [];
  failure: DrillReport['failure'];
  private readonly startedMs = performance.now();

  constructor(
    readonly startedAt: Date,
    private readonly log: (line: string) => void,
    private readonly signal?: AbortSignal,
  ) {}

  /** Seconds since the drill started. */
  elapsed(): number {
    return (performance.now() - this.startedMs) / 1000;
  }

  get interrupted(): boolean {
    return this.signal?.aborted === true;
  }

  async run<T>(
    phase: DrillPhase,
    name: string,
    stack: string | undefined,
    action: () => Promise<StepResult<T>>,
    options: { readonly evenIfInterrupted?: boolean } = {},
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const at = this.elapsed();
    const base = { phase, name, startedAt: new Date(this.startedAt.getTime() + at * 1000).toISOString(), ...(stack ? { stack } : {}) };
    if (this.interrupted && !options.evenIfInterrupted) {
      this.steps.push({ ...base, seconds: 0, engineSeconds: 0, outcome: 'skipped', error: 'interrupted before it started' });
      return { ok: false, error: new DrillInterruptedError() };
    }
    try {
      const result = await action();
      this.steps.push({ ...base, seconds: this.elapsed() - at, engineSeconds: result.engineSeconds ?? 0, outcome: 'passed' });
      this.log(`${phase}: ${stack ? `${stack}: ` : ''}${name} (${(this.elapsed() - at).toFixed(1)} s)`);
      return { ok: true, value: result.value };
    } catch (error) {
      const message = describeFailure(error, stack);
      const diagnostics = error instanceof EngineError ? error.diagnostics.filter((d) => d.severity === 'error') : [];
      const engineSeconds = (error as { engineSeconds?: number }).engineSeconds ?? 0;
      this.steps.push({
        ...base,
        seconds: this.elapsed() - at,
        engineSeconds,
        outcome: 'failed',
        error: message,
        ...(diagnostics.length > 0 ? { diagnostics } : {}),
      });
      this.failure ??= { phase, ...(stack ? { stack } : {}), step: name, error: message, ...(diagnostics.length > 0 ? { diagnostics } : {}) };
      this.log(`${phase}: ${stack ? `${stack}: ` : ''}${name} FAILED: ${message}`);
      return { ok: false, error };
    }
  }

  /** Records a step that did not run, e.g. a stack whose upstream failed. */
  skip(phase: DrillPhase, name: string, stack: string | undefined, why: string): void {
    const at = this.elapsed();
    this.steps.push({
      phase,
      name,
      ...(stack ? { stack } : {}),
      startedAt: new Date(this.startedAt.getTime() + at * 1000).toISOString(),
      seconds: 0,
      engineSeconds: 0,
      outcome: 'skipped',
      error: why,
    });
  }

  engineSeconds(): number {
    return this.steps.reduce((sum, step) => sum + step.engineSeconds, 0);
  }
}

function describeFailure(error: unknown, stack: string | undefined): string {
  if (error instanceof EngineError && error.isStateLocked) {
    return `the state of ${stack ?? 'a stack'} is locked by another run (${error.message}); if no run is going, see docs/runbooks/stuck-state-lock.md`;
  }
  return error instanceof Error ? error.message : String(error);
}
