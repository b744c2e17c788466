import type { TerraformStack } from 'cdktf';
import { isValidLabelKey, LABEL_KEY_RULE } from '../labels';
import { collectResources } from './collect';
import { guardrails } from './guardrails';
import { ENVIRONMENT_TIERS, type PolicyContext, type PolicyRule, type Violation } from './types';

function validateContext(context: PolicyContext): void {
  if (typeof context?.environment !== 'string' || context.environment.trim() === '') {
    throw new Error(`policy context: environment must be a non-empty name, got ${JSON.stringify(context?.environment)}`);
  }
  if (!ENVIRONMENT_TIERS.includes(context.tier)) {
    throw new Error(`policy context: tier '${String(context.tier)}' is not one of ${ENVIRONMENT_TIERS.join(', ')}`);
  }
  for (const key of context.requiredLabels ?? []) {
    if (!isValidLabelKey(key)) {
      throw new Error(`policy context: requiredLabels entry '${key}' is not a valid label key: keys must ${LABEL_KEY_RULE}`);
    }
  }
}

function compare(a: Violation, b: Violation): number {
  const byText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return byText(a.address, b.address) || byText(a.rule, b.rule) || byText(a.message, b.message);
}

/** Runs `rules` against every resource of `stack`; violations sorted by address, then rule. */
export function evaluatePolicy(
  stack: TerraformStack,
  context: PolicyContext,
  rules: readonly PolicyRule[] = guardrails,
): Violation[] {
  validateContext(context);
  const violations: Violation[] = [];
  for (const resource of collectResources(stack)) {
    for (const rule of rules) {
      for (const finding of rule.check(resource, context)) {
        violations.push({ rule: rule.id, address: resource.address, path: resource.path, message: finding.message, fix: finding.fix });
      }
    }
  }
  return violations.sort(compare);
}

/** One block per violation: `✗ <rule> <address> (<path>)`, the message, and the fix. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => `✗ ${v.rule} ${v.address} (${v.path})\n    ${v.message}\n    fix: ${v.fix}`)
    .join('\n');
}

const applied = new WeakSet<TerraformStack>();

/**
 * Enforces the policy: adds a validation to `stack` that reports every violation, so
 * `app.synth()` and `Testing.synth(stack, true)` fail listing all of them.
 */
export function applyPolicy(stack: TerraformStack, context: PolicyContext, rules: readonly PolicyRule[] = guardrails): void {
  validateContext(context);
  if (applied.has(stack)) {
    throw new Error(`applyPolicy: a policy is already applied to stack '${stack.node.id}'; apply it once per stack`);
  }
  applied.add(stack);
  stack.node.addValidation({
    validate: () => evaluatePolicy(stack, context, rules).map((violation) => formatViolations([violation])),
  });
}
