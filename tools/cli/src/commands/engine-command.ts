import type { Command } from 'commander';
import { knownEnvironment, stackArgument } from './options';

/** A command that acts on one stack in one environment. */
export function engineCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .addArgument(stackArgument())
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)', knownEnvironment);
}

export const log = (line: string) => console.log(line);
