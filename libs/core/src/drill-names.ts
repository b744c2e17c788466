import { TerraformStack, TerraformVariable, type TerraformVariableConfig } from 'cdktf';
import { DRILL_RUN_SUFFIX_PATTERN, DRILL_RUN_SUFFIX_VARIABLE } from './names';

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
        condition: `\${can(regex("${DRILL_RUN_SUFFIX_PATTERN.source}", var.${DRILL_RUN_SUFFIX_VARIABLE}))}`,
        errorMessage: 'drill_run_suffix must be six hex digits (the drill derives it from its run id).',
      },
    ],
  });
}
