import type { Command } from 'commander';

/** A command that acts on one stack in one environment. */
export function engineCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .argument('<stack>', 'stack name')
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)');
}

export const log = (line: string) => console.log(line);
