import type { Diagnostic } from '@platform/engine';

/** The phases of a drill, in the order they run. */
export const DRILL_PHASES = ['preflight', 'restore-delivery', 'deploy', 'verify', 'state-backup', 'destroy', 'verify-empty'] as const;
export type DrillPhase = (typeof DRILL_PHASES)[number];

export type StepOutcome = 'passed' | 'failed' | 'skipped';

/** One timed step: a phase of the whole drill, or one stack's part of a phase. */
export interface DrillStep {
  readonly phase: DrillPhase;
  /** The stack the step acted on; absent for whole-drill steps (preflight, restore-delivery). */
  readonly stack?: string;
  /** What was done, e.g. "apply", "smoke: output greeting matches ^hello". */
  readonly name: string;
  /** ISO time the step started. */
  readonly startedAt: string;
  readonly seconds: number;
  /** Time spent inside engine processes during the step (the rest is orchestration). */
  readonly engineSeconds: number;
  readonly outcome: StepOutcome;
  readonly error?: string;
  /** The engine's own diagnostics when the engine failed. */
  readonly diagnostics?: readonly Diagnostic[];
}

export interface DrillStackSummary {
  readonly stack: string;
  /** The artifact version deployed (the one promoted to the source environment). */
  readonly version: string;
  readonly outcome: StepOutcome;
  /** Seconds from the drill's start until this stack was verified; absent when it never was. */
  readonly verifiedAfterSeconds?: number;
}

export interface DrillReport {
  readonly schemaVersion: 1;
  /** Sortable id, e.g. 20261122T051500Z-3f9a. */
  readonly id: string;
  /** The drill-kind environment rebuilt. */
  readonly environment: string;
  /**
   * Suffix of the names that cannot be reused after deletion (key rings, Cloud SQL instances):
   * derived from the id of the run whose resources these are (a cleanup's is the interrupted run's).
   * Absent in reports written before it existed.
   */
  readonly nameSuffix?: string;
  /** The environment whose promoted versions were rebuilt (default: the production one). */
  readonly source: string;
  /** cleanup: only the teardown of what an interrupted drill left (`--cleanup <run id>`). */
  readonly mode: 'full' | 'plan-only' | 'cleanup';
  /** The delivery the drill cloned and how it was installed; absent when it never got that far. */
  readonly delivery?: { readonly commit: string; readonly install: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: 'passed' | 'failed' | 'interrupted';
  /** Seconds from the start until every stack was verified; null when that never happened. */
  readonly rtoSeconds: number | null;
  readonly wallSeconds: number;
  /** Sum of time spent in engine processes; wallSeconds minus this is orchestration overhead. */
  readonly engineSeconds: number;
  readonly stacks: readonly DrillStackSummary[];
  readonly steps: readonly DrillStep[];
  /** The first failure: which step, on which stack, and the engine's diagnostic. */
  readonly failure?: { readonly phase: DrillPhase; readonly stack?: string; readonly step: string; readonly error: string; readonly diagnostics?: readonly Diagnostic[] };
  readonly cleanup: {
    /** False with --keep, or in plan-only mode (nothing to clean). */
    readonly ran: boolean;
    /** Resource addresses still in state after cleanup, by stack; empty when clean. */
    readonly leftInState: Readonly<Record<string, readonly string[]>>;
    /** The teardown was skipped on request (--keep). */
    readonly kept?: boolean;
    /** Where the state of what is left is kept, and the command that tears it down. */
    readonly stateKeptIn?: { readonly location: string; readonly command: string };
  };
}

/** How this drill compares with earlier ones (from the reports kept in the store). */
export interface DrillTrend {
  /** Earlier drills of the same environment and mode, oldest first, at most the last ten. */
  readonly earlier: readonly { readonly id: string; readonly outcome: DrillReport['outcome']; readonly rtoSeconds: number | null; readonly wallSeconds: number }[];
  /** RTO change against the previous passing drill, in seconds (negative is faster). */
  readonly rtoDeltaSeconds: number | null;
  /** Median RTO of the earlier passing drills. */
  readonly medianRtoSeconds: number | null;
  /** Of the drills counted (this one unless it stopped at preflight); null when none is. */
  readonly passRate: number | null;
}

/** A drill refused or stopped at preflight rebuilt nothing: it says nothing about recovery, so no trend counts it. */
export function stoppedAtPreflight(report: Pick<DrillReport, 'failure'>): boolean {
  return report.failure?.phase === 'preflight';
}
