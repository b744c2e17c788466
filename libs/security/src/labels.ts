/** GCP label rules: keys start with a lowercase letter; keys and values use lowercase letters, digits, `_` and `-`; at most 63 characters. */
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** True when `key` is a valid GCP label key (lowercase letter first; lowercase letters, digits, `_`, `-`; at most 63 characters). */
export function isValidLabelKey(key: string): boolean {
  return LABEL_KEY.test(key);
}

/** True when `value` is a valid GCP label value (lowercase letters, digits, `_`, `-`; at most 63 characters; may be empty). */
export function isValidLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** The rule a label key must follow, for error messages. */
export const LABEL_KEY_RULE = "start with a lowercase letter, use only lowercase letters, digits, '_' and '-', at most 63 characters";

/** The rule a label value must follow, for error messages. */
export const LABEL_VALUE_RULE = "use only lowercase letters, digits, '_' and '-', at most 63 characters";
