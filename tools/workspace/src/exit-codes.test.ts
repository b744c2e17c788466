import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '@platform/config';
import { ExternalError, errorKindOf, InternalError, UsageError } from './errors';
import { EXIT_CODES, exitCodesHelp, runProgram, STANDARD_EXIT_CODES, withExitCodes, withOwnExitCodes } from './exit-codes';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

function programThrowing(error: unknown): Command {
  const program = new Command('platform');
  program.command('run').action(() => {
    throw error;
  });
  return program;
}

describe('error kinds and exit codes', () => {
  it('maps each kind to its own exit code, and anything unclassified to internal', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const cases: Array<[unknown, number]> = [
      [new UsageError('bad --env'), EXIT_CODES.usage],
      [new ConfigError([{ file: 'environments/dev/environment.yaml', key: 'region', rule: 'is required' }]), EXIT_CODES.usage],
      [new ExternalError('tofu failed'), EXIT_CODES.external],
      [new InternalError('cannot happen'), EXIT_CODES.internal],
      [new Error('bare'), EXIT_CODES.internal],
    ];
    for (const [error, code] of cases) {
      process.exitCode = undefined;
      await runProgram(programThrowing(error), ['node', 'platform', 'run']);
      expect(process.exitCode, String(error)).toBe(code);
    }
  });

  it('prints the message of a usage error as it is, and says an unclassified error is a bug', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    await runProgram(programThrowing(new UsageError("stacks/web/package.json: key 'name' is required")), ['node', 'platform', 'run']);
    await runProgram(programThrowing(new Error('undefined is not a function')), ['node', 'platform', 'run']);
    expect(printed.mock.calls.map(([line]) => line)).toEqual([
      "stacks/web/package.json: key 'name' is required",
      'internal error (a bug in the platform, please report it): undefined is not a function',
    ]);
  });

  it('treats an unknown option as a usage error, and --help as success', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await runProgram(programThrowing(new Error('not reached')), ['node', 'platform', 'run', '--bogus']);
    expect(process.exitCode).toBe(EXIT_CODES.usage);
    process.exitCode = undefined;
    await runProgram(programThrowing(new Error('not reached')), ['node', 'platform', '--help']);
    expect(process.exitCode).toBe(EXIT_CODES.ok);
  });

  it("lets a command keep its own codes: every error of drift exits 1, as 'could not check'", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const program = new Command('platform');
    const drift = program.command('drift').action(() => {
      throw new UsageError('no such environment');
    });
    withOwnExitCodes(drift, [[0, 'in sync'], [2, 'drift'], [1, 'could not check']], 1);
    await runProgram(program, ['node', 'platform', 'drift']);
    expect(process.exitCode).toBe(1);
  });

  it('lists the exit codes at the end of --help', () => {
    const command = withExitCodes(new Command('synth'));
    expect(command.helpInformation() + exitCodesHelp(STANDARD_EXIT_CODES)).toMatch(/Exit codes:\n {2}0 {3}success\n {2}1 {3}the command ran and found failures\n {2}64 {2}bad input/);
    expect(errorKindOf(new ExternalError('x'))).toBe('external');
  });
});
