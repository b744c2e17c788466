import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A command line to spawn: the program and its arguments. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * How to run the workspace's own Nx as a child process: node on Nx's bin script. npx in front
 * of it costs about 0.7 s per call on a 2-core runner (npm's own start), which a command that
 * runs Nx once to decide what to do pays in full. Where the workspace has no Nx installed,
 * npx finds one.
 */
export function nxCommand(workspaceRoot: string, args: readonly string[]): CommandLine {
  try {
    const bin = createRequire(join(workspaceRoot, 'package.json')).resolve('nx/bin/nx.js');
    return { command: process.execPath, args: [bin, ...args] };
  } catch {
    return { command: 'npx', args: ['nx', ...args] };
  }
}
