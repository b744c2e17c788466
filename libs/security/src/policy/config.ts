/** Helpers to read synthesized Terraform JSON config in rules. */

export type Config = Record<string, unknown>;

/** True for a string holding a Terraform expression (`${google_kms_crypto_key.key.id}`): known only at plan time. */
export function isReference(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

function isObject(value: unknown): value is Config {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested block as a list of objects, whether synthesized as an object or an array. */
export function blocks(value: unknown): Config[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** Walks nested single blocks (`at(config, 'settings', 'ip_configuration', 'ipv4_enabled')`). */
export function at(config: Config | undefined, ...path: string[]): unknown {
  let current: unknown = config;
  for (const key of path) {
    const [first] = blocks(current);
    if (first === undefined) return undefined;
    current = first[key];
  }
  return current;
}

/** Literal true (JSON `true` or the string `"true"`). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** Literal false (JSON `false` or the string `"false"`). */
export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

/** Set to something: a non-empty literal or a reference. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** A value for a message: `unset`, or its JSON. */
export function show(value: unknown): string {
  return value === undefined || value === null ? 'unset' : JSON.stringify(value);
}

/** The values of a list attribute (strings only; a whole-list reference yields itself). */
export function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/**
 * A Terraform attribute path in the terms of the TypeScript that sets it (cdktf's props):
 * `settings.ip_configuration.ipv4_enabled` -> `settings.ipConfiguration.ipv4Enabled`.
 */
export function propertyPath(attribute: string): string {
  return attribute.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The provider class of a resource type: `google_storage_bucket` -> `StorageBucket`. */
export function resourceClass(type: string): string {
  return type
    .replace(/^google_/, '')
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
