/** What the test executor and its Vitest reporter (batch-reporter.ts) tell each other. */

/** The environment variable that carries {@link BatchReporterOptions} to the reporter, as JSON. */
export const BATCH_REPORTER_ENV = 'PLATFORM_VITEST_BATCH';

export interface BatchReporterOptions {
  /** Each project root in the batch, from the workspace root, and where its JSON report goes. */
  readonly reports: Readonly<Record<string, string>>;
  /** Where the reporter writes each project's end when the run ends (JSON of {@link BatchOutcome}). */
  readonly outcomesFile: string;
}

/** How one project's tests ended in the batch, and what its task prints. */
export interface ProjectTestEnd {
  readonly success: boolean;
  readonly terminalOutput: string;
}

/** Each project root's end. */
export type BatchOutcome = Record<string, ProjectTestEnd>;
