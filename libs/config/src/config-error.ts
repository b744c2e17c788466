/** One thing wrong with a configuration file, in the user's terms. */
export interface ConfigProblem {
  /** Path relative to the workspace root. */
  readonly file: string;
  /** Dotted key path inside the file, or a pseudo-key such as `(file)`. */
  readonly key: string;
  /** The rule the value breaks, with the value received. */
  readonly rule: string;
  readonly line?: number | undefined;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return `${where}: key '${problem.key}' ${problem.rule}`;
}

/** Invalid configuration: lists every problem found, each naming the file, the key and the rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `${problems.length} configuration problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
}
