import type { SmokeCheck } from '@platform/config';

/** Output values as `output -json` gives them. */
export type StackOutputs = Readonly<Record<string, { readonly value: unknown; readonly sensitive: boolean }>>;

/**
 * What is wrong with a deployed stack's outputs: every output its configuration declares must
 * have a value, and every smoke check the stack declares (stack.smoke in its package.json)
 * must match. A stack with neither outputs nor smoke checks has nothing to verify, which fails
 * the drill's completeness check instead of passing unseen. Empty when the stack is verified.
 */
export function verifyStackOutputs(configurationJson: string, outputs: StackOutputs, checks: readonly SmokeCheck[]): string[] {
  const declared = Object.keys((JSON.parse(configurationJson) as { output?: Record<string, unknown> }).output ?? {}).sort();
  const problems: string[] = [];
  if (declared.length === 0 && checks.length === 0) {
    problems.push('nothing to verify: the stack declares no outputs and no smoke checks (publish its contract outputs, or declare stack.smoke in its package.json)');
  }
  for (const name of declared) {
    const output = outputs[name];
    if (!output || output.value === null || output.value === undefined || output.value === '') problems.push(`output '${name}' has no value`);
  }
  for (const check of checks) {
    const output = outputs[check.output];
    if (!output) {
      problems.push(`smoke check: output '${check.output}' does not exist`);
      continue;
    }
    const text = typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
    if (!new RegExp(check.matches).test(text)) problems.push(`smoke check: output '${check.output}' is '${output.sensitive ? '(sensitive)' : text}', which does not match /${check.matches}/`);
  }
  return problems;
}
