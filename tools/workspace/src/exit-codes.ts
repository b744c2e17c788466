import { CommanderError, type Command } from 'commander';
import { errorKindOf, errorMessage, type ErrorKind } from './errors';
import { DEBUG_VARIABLE } from './source-maps';

/**
 * Exit codes of every platform command, in one place. The error kinds use the sysexits
 * numbers so that a script can tell "fix your input" from "a service failed" from "our bug".
 */
export const EXIT_CODES = {
  ok: 0,
  /** The command ran and found failures (a synth, a test, a plan). */
  failed: 1,
  usage: 64,
  external: 69,
  internal: 70,
  /** Stopped by Ctrl-C (128 + SIGINT), as a shell reports it. */
  interrupted: 130,
} as const;

/** A command's own table: what each exit code means, listed in its --help. */
export type ExitCodeTable = ReadonlyArray<readonly [code: number, meaning: string]>;

export const STANDARD_EXIT_CODES: ExitCodeTable = [
  [EXIT_CODES.ok, 'success'],
  [EXIT_CODES.failed, 'the command ran and found failures'],
  [EXIT_CODES.usage, 'bad input: the message names the file, key or option to fix'],
  [EXIT_CODES.external, 'a tool or service failed (engine, store, git, npm)'],
  [EXIT_CODES.internal, 'a bug in the platform: please report it'],
];

export function exitCodeOf(kind: ErrorKind): number {
  return EXIT_CODES[kind];
}

export function exitCodesHelp(table: ExitCodeTable): string {
  return `\nExit codes:\n${table.map(([code, meaning]) => `  ${String(code).padEnd(4)}${meaning}`).join('\n')}\n`;
}

/** Adds the exit-code table to the help of a command and of every subcommand without one. */
export function withExitCodes(command: Command, table: ExitCodeTable = STANDARD_EXIT_CODES): Command {
  return command.addHelpText('after', exitCodesHelp(table));
}

const errorCodes = new WeakMap<Command, number>();

/**
 * Gives a command its own table in --help; with `errorCode`, every error of that command exits
 * with that code (drift: 1 "could not check", the drill: 1 "failed") instead of by kind.
 */
export function withOwnExitCodes(command: Command, table: ExitCodeTable, errorCode: number): Command {
  errorCodes.set(command, errorCode);
  return withExitCodes(command, table);
}

export function hasOwnExitCodes(command: Command): boolean {
  return errorCodes.has(command);
}

/**
 * Parses argv and runs the chosen command. A thrown error is printed and sets the exit code
 * from its kind (or the command's own error code); argument errors from commander are usage
 * errors. Never calls process.exit.
 */
export async function runProgram(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  let active: Command = program;
  program.hook('preAction', (_program, actionCommand) => {
    active = actionCommand;
  });
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; commander has printed what it had to.
      process.exitCode = error.exitCode === 0 ? EXIT_CODES.ok : (errorCodes.get(active) ?? EXIT_CODES.usage);
      return;
    }
    const kind = errorKindOf(error);
    console.error(kind === 'internal' ? `internal error (a bug in the platform, please report it): ${errorMessage(error)}` : errorMessage(error));
    if (kind === 'internal' && error instanceof Error && error.stack && process.env[DEBUG_VARIABLE]) console.error(error.stack);
    process.exitCode = errorCodes.get(active) ?? exitCodeOf(kind);
  }
}
