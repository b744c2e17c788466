import { Argument } from 'commander';
import { estateArtifactStore, listEnvironments } from '@platform/config';
import type { ObjectStore } from '@platform/store';
import { findEstateRoot, listStacks, UsageError } from '@platform/workspace';

export const STORE_OPTION_HELP =
  "gs://bucket/prefix, s3://bucket/prefix or a local directory (default: $PLATFORM_STORE, else the environments' `artifacts`, else dist/store)";

/**
 * The artifact store a command uses: the option's spec, else $PLATFORM_STORE, else the one the
 * estate's environments name (`artifacts` in environment.yaml), else dist/store.
 */
export async function openArtifactStore(
  workspaceRoot: string,
  spec: string | undefined,
  options: { readonly estateRoot?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<ObjectStore> {
  const { openConfiguredStore } = await import('@platform/store');
  const env = options.env ?? process.env;
  const chosen = spec ?? (env['PLATFORM_STORE']?.trim() ? undefined : estateArtifactStore(options.estateRoot ?? workspaceRoot));
  return openConfiguredStore(workspaceRoot, chosen, { env });
}

/** `--break-glass "<reason>"`: lets a run go around the pipeline; the reason is recorded. */
export const BREAK_GLASS_OPTION = [
  '--break-glass <reason>',
  'emergency only: go around the promotion gate or the protection of staging and production; the reason (a ticket and why) is recorded and counts as a failed change',
] as const;

/** A whole-number option of at least `min`, or a usage error naming the option. */
export function wholeNumberOption(flag: string, value: string, min = 1): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, got '${value}'`);
  return parsed;
}

/**
 * A name checked once, at the edge, against the workspace's own list: nothing that is not one
 * of them (`../x`, a typo) reaches a path, a working directory or the engine.
 */
function knownName(kind: 'stack' | 'environment', list: (workspaceRoot: string) => string[]) {
  return (value: string): string => {
    const known = list(findEstateRoot());
    if (!known.includes(value)) throw new UsageError(`unknown ${kind} '${value}': the ${kind}s are ${known.join(', ') || 'none'}`);
    return value;
  };
}

export const knownStack = knownName('stack', listStacks);
export const knownEnvironment = knownName('environment', listEnvironments);

/** The `<stack>` argument of a command, checked against the workspace's stacks. */
export function stackArgument(description = 'stack name'): Argument {
  return new Argument('<stack>', description).argParser(knownStack);
}
