import { performance } from 'node:perf_hooks';
import { $, type ProcessOutput } from 'zx';
import type { Engine } from './opentofu';
import { ExternalError } from '@platform/workspace';

/** One diagnostic from the engine's `-json` output, as the engine wrote it. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  readonly address?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
}

export interface ChangeSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

/** Who holds a state lock, as the engine reports it when it cannot take the lock. */
export interface StateLockHolder {
  readonly id: string;
  readonly path?: string;
  readonly operation?: string;
  readonly who?: string;
  readonly created?: string;
}

/** Reads the `Lock Info:` block the engine prints when another run holds the state lock. */
export function parseLockHolder(text: string): StateLockHolder | undefined {
  const block = /Lock Info:\n([\s\S]*?)(?:\n\s*\n|$)/.exec(text)?.[1];
  if (!block) return undefined;
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*?)\\s*$`, 'm').exec(block)?.[1] || undefined;
  const id = field('ID');
  if (!id) return undefined;
  const [path, operation, who, created] = ['Path', 'Operation', 'Who', 'Created'].map(field);
  return { id, ...(path ? { path } : {}), ...(operation ? { operation } : {}), ...(who ? { who } : {}), ...(created ? { created } : {}) };
}

/** The engine refused or failed; carries its own diagnostics. */
/** A state's lineage (which state) and serial (which write of it). */
export interface StateIdentity {
  readonly lineage: string;
  readonly serial: number;
}

/** The end of an output that has no diagnostics, kept on its own lines (indented under the message). */
function lastLines(output: string): string {
  return `its last lines:\n${output.trim().split('\n').slice(-5).map((line) => `  ${line}`.trimEnd()).join('\n')}`;
}

export class EngineError extends ExternalError {
  override readonly name = 'EngineError';
  /** Who holds the state lock, when the engine could not take it. */
  readonly lockHolder: StateLockHolder | undefined;
  constructor(
    readonly command: string,
    readonly diagnostics: readonly Diagnostic[],
    readonly output: string,
  ) {
    const holder = diagnostics.some((d) => /state lock/i.test(d.summary)) ? parseLockHolder(diagnostics.map((d) => d.detail).join('\n')) : undefined;
    super(
      holder
        ? `${command} failed: the state is locked by another run: lock ID ${holder.id}${holder.who ? `, held by ${holder.who}` : ''}` +
            `${holder.operation ? ` for ${holder.operation}` : ''}${holder.created ? ` since ${holder.created}` : ''}${holder.path ? ` (${holder.path})` : ''}`
        : `${command} failed: ${
            diagnostics
              .filter((d) => d.severity === 'error')
              .map((d) => `${d.summary}${d.detail ? `: ${d.detail.split('\n')[0]}` : ''}`)
              .join('; ') || lastLines(output)
          }`,
    );
    this.lockHolder = holder;
  }

  /** True when another run holds the state lock. */
  get isStateLocked(): boolean {
    return this.diagnostics.some((d) => /state lock/i.test(d.summary));
  }
}

export interface EngineSession {
  readonly engine: Engine;
  /** TF_CLI_CONFIG_FILE: installs providers only from the filesystem mirror. */
  readonly cliConfigFile: string;
  /** Extra environment, e.g. S3 credentials for the state backend. */
  readonly env?: Readonly<Record<string, string>>;
}

interface JsonLine {
  type?: string;
  '@level'?: string;
  '@message'?: string;
  diagnostic?: { severity: 'error' | 'warning'; summary: string; detail?: string; address?: string; range?: Diagnostic['range'] };
  changes?: ChangeSummary & { operation?: string };
}

export function parseJsonLines(text: string): JsonLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JsonLine];
      } catch {
        return [];
      }
    });
}

export function diagnosticsOf(lines: readonly JsonLine[]): Diagnostic[] {
  return lines
    .filter((line) => line.type === 'diagnostic' && line.diagnostic)
    .map((line) => ({
      severity: line.diagnostic!.severity,
      summary: line.diagnostic!.summary,
      detail: line.diagnostic!.detail ?? '',
      ...(line.diagnostic!.address ? { address: line.diagnostic!.address } : {}),
      ...(line.diagnostic!.range ? { range: line.diagnostic!.range } : {}),
    }));
}

/** Runs the engine in one working directory (a synthesized stack), always with `-json` where it exists. */
export class EngineRunner {
  private spentMs = 0;

  constructor(
    readonly session: EngineSession,
    readonly workdir: string,
  ) {}

  private async run(args: readonly string[], options: { okExitCodes?: readonly number[] } = {}): Promise<ProcessOutput> {
    const env = {
      ...process.env,
      ...this.session.env,
      TF_CLI_CONFIG_FILE: this.session.cliConfigFile,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    };
    const started = performance.now();
    const result = await $({ cwd: this.workdir, env, nothrow: true, quiet: true })`${this.session.engine.binary} ${args}`;
    this.spentMs += performance.now() - started;
    const ok = options.okExitCodes ?? [0];
    if (!ok.includes(result.exitCode ?? -1)) {
      const lines = parseJsonLines(result.stdout);
      const diagnostics = diagnosticsOf(lines);
      throw new EngineError(`${this.session.engine.kind === 'opentofu' ? 'tofu' : 'terraform'} ${args[0]}`, diagnostics, `${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** Wall time spent in engine processes started by this runner, in seconds (orchestration is the rest). */
  get engineSeconds(): number {
    return this.spentMs / 1000;
  }

  /** `init`; without a backend for validation, or with a backend configuration file. */
  async init(options: { backend: boolean; backendConfigFile?: string; lockfileReadonly?: boolean }): Promise<void> {
    const args = ['init', '-input=false', '-no-color'];
    // Readonly: providers must match the lock file's checksums; init never rewrites it.
    if (options.lockfileReadonly) args.push('-lockfile=readonly');
    // -reconfigure: the backend is whatever the configuration says now; state is never migrated implicitly.
    if (!options.backend) args.push('-backend=false');
    else args.push('-reconfigure');
    if (options.backendConfigFile) args.push(`-backend-config=${options.backendConfigFile}`);
    await this.run(args);
  }

  /**
   * `providers lock`: records the hashes of every provider the configuration needs into the
   * working directory's lock file, keeping the hashes already there. From a filesystem mirror
   * (the platforms it holds), a network mirror, or the origin registry (every platform asked).
   */
  async providersLock(options: { platforms: readonly string[]; fsMirror?: string; netMirror?: string }): Promise<void> {
    const args = ['providers', 'lock', '-no-color', ...options.platforms.map((p) => `-platform=${p}`)];
    if (options.fsMirror) args.push(`-fs-mirror=${options.fsMirror}`);
    if (options.netMirror) args.push(`-net-mirror=${options.netMirror}`);
    await this.run(args);
  }

  async validate(): Promise<{ valid: boolean; diagnostics: Diagnostic[] }> {
    const result = await this.run(['validate', '-json', '-no-color'], { okExitCodes: [0, 1] });
    const parsed = JSON.parse(result.stdout) as { valid: boolean; diagnostics: JsonLine['diagnostic'][] };
    return {
      valid: parsed.valid,
      diagnostics: (parsed.diagnostics ?? []).map((d) => ({
        severity: d!.severity,
        summary: d!.summary,
        detail: d!.detail ?? '',
        ...(d!.range ? { range: d!.range } : {}),
      })),
    };
  }

  /** `plan -out`, returning the change summary and whether anything would change. */
  async plan(options: {
    out: string;
    refreshOnly?: boolean;
    /** false: do not read remote objects (an offline plan from zero has none to read). */
    refresh?: boolean;
    destroy?: boolean;
    replace?: readonly string[];
  }): Promise<{
    changes: ChangeSummary;
    hasChanges: boolean;
    diagnostics: Diagnostic[];
  }> {
    const args = ['plan', '-input=false', '-json', '-detailed-exitcode', `-out=${options.out}`];
    if (options.refreshOnly) args.push('-refresh-only');
    if (options.refresh === false) args.push('-refresh=false');
    if (options.destroy) args.push('-destroy');
    for (const address of options.replace ?? []) args.push(`-replace=${address}`);
    const result = await this.run(args, { okExitCodes: [0, 2] });
    const lines = parseJsonLines(result.stdout);
    const summary = [...lines].reverse().find((line) => line.type === 'change_summary')?.changes;
    return {
      changes: { add: summary?.add ?? 0, change: summary?.change ?? 0, remove: summary?.remove ?? 0 },
      hasChanges: result.exitCode === 2,
      diagnostics: diagnosticsOf(lines),
    };
  }

  /** The engine's JSON rendering of a saved plan (`show -json`). */
  async showPlan(planFile: string): Promise<Record<string, unknown>> {
    const result = await this.run(['show', '-json', planFile]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  async apply(planFile: string): Promise<ChangeSummary> {
    const result = await this.run(['apply', '-input=false', '-json', planFile]);
    const summary = parseJsonLines(result.stdout).find((line) => line.type === 'change_summary')?.changes;
    return { add: summary?.add ?? 0, change: summary?.change ?? 0, remove: summary?.remove ?? 0 };
  }

  async destroy(): Promise<ChangeSummary> {
    const args = ['destroy', '-auto-approve', '-input=false', '-json'];
    const result = await this.run(args);
    const summary = parseJsonLines(result.stdout).find((line) => line.type === 'change_summary')?.changes;
    return { add: summary?.add ?? 0, change: summary?.change ?? 0, remove: summary?.remove ?? 0 };
  }

  /** Output values by name (`output -json`). */
  async outputs(): Promise<Record<string, { value: unknown; sensitive: boolean; type: unknown }>> {
    const result = await this.run(['output', '-json']);
    return JSON.parse(result.stdout) as Record<string, { value: unknown; sensitive: boolean; type: unknown }>;
  }

  /**
   * Which state this is and which write of it (`state pull`): the lineage names the state, the
   * serial grows with every write. undefined when there is no state yet.
   */
  async stateIdentity(): Promise<StateIdentity | undefined> {
    const result = await this.run(['state', 'pull']);
    if (result.stdout.trim() === '') return undefined;
    const state = JSON.parse(result.stdout) as { serial?: unknown; lineage?: unknown };
    if (typeof state.serial !== 'number' || typeof state.lineage !== 'string') {
      throw new EngineError('tofu state pull', [], 'the state has no serial and lineage');
    }
    return { serial: state.serial, lineage: state.lineage };
  }

  /**
   * Resource addresses in state (`state list`), empty only when the engine read the state and
   * found none, or found no state at all; a state it could not read is an error, never empty.
   */
  async stateAddresses(): Promise<string[]> {
    const result = await this.run(['state', 'list'], { okExitCodes: [0, 1] });
    if (result.exitCode === 0) return result.stdout.split('\n').filter(Boolean);
    if (/No state file was found!/.test(result.stderr)) return [];
    throw new EngineError('tofu state list', [], `${result.stdout}\n${result.stderr}`);
  }
}
