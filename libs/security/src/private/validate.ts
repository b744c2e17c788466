import { Token } from 'cdktf';
import { isValidLabelKey, isValidLabelValue, LABEL_KEY_RULE, LABEL_VALUE_RULE } from '../labels';

/** True when `value` holds a token that only Terraform can resolve (skip validation of such values). */
export function unresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** Throws when a resolved string does not match `pattern`. */
export function validatePattern(owner: string, prop: string, value: string, pattern: RegExp, rule: string): void {
  if (unresolved(value)) return;
  if (!pattern.test(value)) {
    throw new Error(`${owner}: ${prop} '${value}' is invalid: ${rule}`);
  }
}

/** Throws when a label key or value breaks the GCP label rules (unresolved tokens are skipped). */
export function validateLabels(owner: string, prop: string, labels: Readonly<Record<string, string>> | undefined): void {
  if (labels === undefined || unresolved(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    if (!unresolved(key) && !isValidLabelKey(key)) {
      throw new Error(`${owner}: ${prop} key '${key}' is not a valid label key: ${LABEL_KEY_RULE}`);
    }
    if (!unresolved(value) && !isValidLabelValue(value)) {
      throw new Error(`${owner}: ${prop}.${key} value '${value}' is not a valid label value: ${LABEL_VALUE_RULE}`);
    }
  }
}

/**
 * Parses a Google duration in whole seconds (`'7776000s'`) and checks it lies within [min, max].
 * Returns nothing for unresolved tokens.
 */
export function validateSeconds(owner: string, prop: string, value: string, min: number, max: number, hint: string): void {
  if (unresolved(value)) return;
  const match = /^(\d+)s$/.exec(value);
  if (!match) {
    throw new Error(`${owner}: ${prop} '${value}' is not a duration in seconds like '7776000s'; ${hint}`);
  }
  const seconds = Number(match[1]);
  if (seconds < min || seconds > max) {
    throw new Error(`${owner}: ${prop} '${value}' is out of range: it must be between ${min}s and ${max}s; ${hint}`);
  }
}

/** Turns any text into a construct id fragment (letters, digits, '-' and '_'). */
export function idFragment(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
