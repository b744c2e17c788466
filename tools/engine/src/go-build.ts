import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { $ } from 'zx';
import type { GoProgram } from './versions';
import { ExternalError } from '@platform/workspace';

export interface GoBuildResult {
  readonly binary: string;
  readonly seconds: number;
  /** Peak resident memory of the build, in MiB, when /usr/bin/time could measure it. */
  readonly peakMemoryMiB: number | null;
}

export class GoToolchainMissingError extends ExternalError {
  override readonly name = 'GoToolchainMissingError';
}

/** `go version` output, or undefined when Go is not installed. */
export async function goVersion(): Promise<string | undefined> {
  const result = await $({ nothrow: true, quiet: true })`go version`;
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}


/**
 * Builds a Go program exactly as its release module pins it: downloads the module zip from
 * the Go module proxy, copies it somewhere writable (the module cache is read-only) and runs
 * `go build` there, so the module's own go.mod, go.sum and replace directives apply (a plain
 * `go install module@version` refuses modules with replace directives). The binary appears
 * at `output` only when the build succeeded. `goToolchain` is the pinned Go release: Go fetches
 * it from the module proxy when the installed one differs, so every machine builds the same
 * bytes (-trimpath, no cgo) and the h1: hashes in the committed lock files match.
 */
export async function buildGoProgram(program: GoProgram, output: string, log: (line: string) => void, goToolchain: string): Promise<GoBuildResult> {
  const go = await goVersion();
  if (!go) {
    throw new GoToolchainMissingError(
      `cannot build ${program.module}@${program.moduleVersion}: the Go toolchain is not installed (no 'go' on PATH)`,
    );
  }
  const started = performance.now();
  const goEnv = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: `go${goToolchain}` };
  const work = mkdtempSync(join(tmpdir(), 'go-build-'));
  try {
    log(`  downloading ${program.module}@${program.moduleVersion} from the Go module proxy`);
    const download = await $({ quiet: true, cwd: work, nothrow: true, env: goEnv })`go mod download -json ${`${program.module}@${program.moduleVersion}`}`;
    const info = JSON.parse(download.stdout || '{}') as { Dir?: string; Error?: string };
    if (download.exitCode !== 0 || !info.Dir) {
      throw new ExternalError(`cannot download ${program.module}@${program.moduleVersion}: ${info.Error ?? download.stderr.trim()}`);
    }
    const source = join(work, 'src');
    cpSync(info.Dir, source, { recursive: true });
    await $({ quiet: true })`chmod -R u+w ${source}`;
    log(`  compiling ${program.package} with Go ${goToolchain} (installed: ${go}; first time only, later runs reuse the cache)`);
    mkdirSync(dirname(output), { recursive: true });
    const partial = `${output}.partial-${process.pid}`;
    const timeBinary = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'peak-rss-kib=%M'] : [];
    const build = await $({ cwd: source, nothrow: true, quiet: true, env: goEnv })`${timeBinary} go build -trimpath ${program.goFlags} -ldflags=${program.ldflags.join(' ')} -o ${partial} ${program.package}`;
    if (build.exitCode !== 0) {
      rmSync(partial, { force: true });
      throw new ExternalError(`go build of ${program.module}@${program.moduleVersion} failed:\n${build.stderr.trim().split('\n').slice(-20).join('\n')}`);
    }
    renameSync(partial, output);
    const peak = /peak-rss-kib=(\d+)/.exec(build.stderr);
    return {
      binary: output,
      seconds: (performance.now() - started) / 1000,
      peakMemoryMiB: peak ? Math.round(Number(peak[1]) / 1024) : null,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
