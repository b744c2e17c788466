import { createHash } from 'node:crypto';
import type { StateConfig } from '@platform/config';

/*
 * Names the stacks and the engine-side tools share, without cdktf: the tools (deploy, state,
 * drill) import them from here (`@platform/core/names`), so that a command that runs the engine
 * starts without loading cdktf and the provider bindings (about a second of CPU per process).
 */

type S3State = Extract<StateConfig, { backend: 's3' }>;

/** Object key of a stack's state in an S3 bucket. */
export function s3StateKey(state: S3State, stack: string): string {
  return `${state.prefix}/${stack}/terraform.tfstate`;
}

/**
 * Name of the variable that carries a drill run's suffix (TF_VAR_drill_run_suffix). Names of
 * resources that cannot be deleted (KMS key rings and keys) or stay reserved after deletion
 * (Cloud SQL instances, workload identity pools, log buckets) end with it in drill
 * environments, so that the next drill does not collide with what the last one left.
 */
export const DRILL_RUN_SUFFIX_VARIABLE = 'drill_run_suffix';

/** Characters the suffix adds to a name: a hyphen and six hex digits. */
export const DRILL_RUN_SUFFIX_LENGTH = 7;

/** What a suffix is: six hex digits. */
export const DRILL_RUN_SUFFIX_PATTERN = /^[0-9a-f]{6}$/;

/** The suffix of a drill run: the first six hex digits of the sha256 of its run id. */
export function drillRunSuffix(runId: string): string {
  if (runId.length === 0) throw new Error('a drill run id is required to derive its name suffix');
  return createHash('sha256').update(runId).digest('hex').slice(0, 6);
}

/** True when `suffix` is a valid drill run suffix. */
export function isDrillRunSuffix(suffix: string): boolean {
  return DRILL_RUN_SUFFIX_PATTERN.test(suffix);
}
