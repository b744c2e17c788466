import { createHash } from 'node:crypto';
import { TerraformStack, TerraformVariable, type TerraformVariableConfig } from 'cdktf';

/**
 * Name of the variable that carries a drill run's suffix (TF_VAR_drill_run_suffix). Names of
 * resources that cannot be deleted (KMS key rings and keys) or stay reserved after deletion
 * (Cloud SQL instances, workload identity pools, log buckets) end with it in drill
 * environments, so that the next drill does not collide with what the last one left.
 */
export const DRILL_RUN_SUFFIX_VARIABLE = 'drill_run_suffix';

/** Characters the suffix adds to a name: a hyphen and six hex digits. */
export const DRILL_RUN_SUFFIX_LENGTH = 7;

const SUFFIX = /^[0-9a-f]{6}$/;

/** The suffix of a drill run: the first six hex digits of the sha256 of its run id. */
export function drillRunSuffix(runId: string): string {
  if (runId.length === 0) throw new Error('a drill run id is required to derive its name suffix');
  return createHash('sha256').update(runId).digest('hex').slice(0, 6);
}

/** A stack's variable `name`, declared once under that name (runtime values the synthesized JSON leaves open). */
export function stackVariable(stack: TerraformStack, name: string, config: TerraformVariableConfig): TerraformVariable {
  const existing = stack.node.tryFindChild(name) as TerraformVariable | undefined;
  if (existing) return existing;
  const variable = new TerraformVariable(stack, name, config);
  variable.overrideLogicalId(name);
  return variable;
}

/** The drill run suffix variable of a stack, declared once. */
export function drillRunSuffixVariable(stack: TerraformStack): TerraformVariable {
  return stackVariable(stack, DRILL_RUN_SUFFIX_VARIABLE, {
    type: 'string',
    description: 'Suffix of this drill run (TF_VAR_drill_run_suffix): names that cannot be reused after deletion end with it.',
    validation: [
      {
        condition: `\${can(regex("${SUFFIX.source}", var.${DRILL_RUN_SUFFIX_VARIABLE}))}`,
        errorMessage: 'drill_run_suffix must be six hex digits (the drill derives it from its run id).',
      },
    ],
  });
}

/** True when `suffix` is a valid drill run suffix. */
export function isDrillRunSuffix(suffix: string): boolean {
  return SUFFIX.test(suffix);
}
